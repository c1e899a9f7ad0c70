"""Named instances: the SQL Browser lookup ([MC-SQLR]) within the deadline, then FreeTDS."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from exporters.core import Deadline, MetricSink
from exporters.core.config import parse_config
from exporters.mssql import browser
from exporters.mssql.browser import BrowserError, parse_response, resolve_port, split_server
from exporters.mssql.collector import MssqlCollector
from exporters.mssql.config import MssqlConfig
from simulators.tds.browser import Browser, record, svr_resp
from simulators.tds.server import Settings, TdsServer


def test_split_server() -> None:
    assert split_server("srv\\M1PRO") == ("srv", "M1PRO")
    assert split_server("srv,1433") == ("srv,1433", None)


def test_parse_response() -> None:
    both = svr_resp([record("SQLEXPRESS", 49733), record("M1PRO", 1433)])
    assert parse_response(both, "m1pro") == 1433
    assert parse_response(both, "SQLEXPRESS") == 49733
    with pytest.raises(BrowserError, match="no TCP port"):
        parse_response(svr_resp([record("PRAXIS", None)]), "PRAXIS")
    with pytest.raises(BrowserError, match="does not know instance OTHER"):
        parse_response(both, "OTHER")
    with pytest.raises(BrowserError, match="invalid response"):
        parse_response(b"\x00garbage", "PRAXIS")


def test_resolve_over_udp_and_a_silent_browser() -> None:
    responder = Browser({"PRAXIS": 50123})
    try:
        assert resolve_port("127.0.0.1", "PRAXIS", 2.0, responder.port) == 50123
        assert responder.requests == [b"\x04PRAXIS\x00"]
        with pytest.raises(BrowserError, match="did not answer for instance NOPE"):
            resolve_port("127.0.0.1", "NOPE", 0.3, responder.port)
    finally:
        responder.close()


@pytest.fixture
def named_instance(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """A TDS double reachable as 127.0.0.1\\PRAXIS through a Browser double."""
    server = TdsServer(("127.0.0.1", 0), Settings(scenario="express", password="pw"))
    server.start()
    responder = Browser({"PRAXIS": server.port})
    monkeypatch.setattr(browser, "SQL_BROWSER_PORT", responder.port)
    yield server.port
    responder.close()
    server.shutdown()
    server.server_close()


def collect(server: str, seconds: float = 5.0) -> MetricSink:
    config = parse_config(
        f"targets:\n  m1:\n    server: '{server}'\n    driver: FreeTDS\n    user: monitor\n"
        "    password: pw\n    encrypt: false\n",
        MssqlConfig,
    )
    sink = MetricSink({"target": "m1"})
    MssqlCollector(config).collect_target("m1", config.targets["m1"], Deadline.after(seconds), sink)
    return sink


@pytest.mark.integration
def test_named_instance_end_to_end(named_instance: int) -> None:
    sink = collect("127.0.0.1\\PRAXIS")
    assert sink.samples("mssql_info")[0].labels["instance_name"] == "PRAXIS"
    assert sink.sample_value("mssql_batch_requests_total") == 1_234_567
    with pytest.raises(BrowserError, match="did not answer for instance OTHER"):
        collect("127.0.0.1\\OTHER", seconds=0.5)
