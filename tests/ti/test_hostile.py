"""Hostile or broken connectors: each bad answer fails its own call (counted), nothing
crashes, no entity is expanded, nothing is fetched from anywhere else."""

from __future__ import annotations

import time

import pytest

from devkit.listeners import BlackHole
from exporters.ti.collector import TargetDown
from simulators.ti_connector import documents as docs
from simulators.ti_connector.model import ConnectorState
from tests.ti.conftest import connector_config, exposition, scrape

LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'.encode()
        for i in range(1, 10)
    )
    + b"]><lolz>&lol9;</lolz>"
)


def _xxe(url: str) -> bytes:
    return (
        b'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "'
        + url.encode()
        + b'">]>'
        + b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
        + b"<GetCardsResponse><Status><Result>OK</Result></Status><Cards>&x;</Cards>"
        + b"</GetCardsResponse></soap:Body></soap:Envelope>"
    )


def _soap12_fault() -> bytes:
    return (
        b'<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body><e:Fault>'
        b"<e:Code><e:Value>e:Receiver</e:Value></e:Code><e:Reason><e:Text>kaputt</e:Text>"
        b"</e:Reason></e:Fault></e:Body></e:Envelope>"
    )


HOSTILE = {
    "malformed": (200, "text/xml", b"<soap:Envelope><unclosed>"),
    "billion-laughs": (200, "text/xml", LAUGHS),
    "xxe-file": (200, "text/xml", _xxe("file:///etc/passwd")),
    "huge": (200, "text/xml", b"<a>" + b"x" * 300_000 + b"</a>"),
    "soap12-fault": (500, "application/soap+xml", _soap12_fault()),
    "http-503": (503, "text/html", b"<html>Wartung</html>"),
    "json": (200, "application/json", b'{"cards": []}'),
    "html-200": (200, "text/html", b"<html><body>Login</body></html>"),
    "empty": (200, "text/xml", b""),
    "not-soap": (200, "text/xml", b"<GetCardsResponse/>"),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_answer_fails_only_its_call(connector, ti_pki, kind: str) -> None:
    state = ConnectorState()
    state.raw_responses["GetCards"] = HOSTILE[kind]
    server = connector("secunet", state=state)
    cfg = connector_config(server.url, ti_pki, max_response_bytes=65536)
    started = time.monotonic()
    sink, _ = scrape({"connector": cfg})
    assert time.monotonic() - started < 8  # no entity expansion runaway (generous bound)
    v = sink.sample_value
    assert v("ti_operation_success", {"operation": "GetCards"}) == 0
    assert v("ti_operation_failures_total", {"operation": "GetCards"}) == 1
    assert v("ti_vpn_ti_connected") == 1
    assert v("ti_card_terminal_connected", {"ct_id": "CT_EMPFANG"}) == 1
    text = exposition(sink)
    assert "root:" not in text and "lollol" not in text


def test_external_entity_is_never_fetched(connector, ti_pki) -> None:
    with BlackHole() as hole:
        state = ConnectorState()
        state.raw_responses["GetCards"] = (200, "text/xml", _xxe(f"http://{hole.address}/x"))
        state.raw_responses["GetCardTerminals"] = (
            200,
            "text/xml",
            b'<?xml version="1.0"?><!DOCTYPE d SYSTEM "http://'
            + hole.address.encode()
            + b'/d.dtd">'
            + docs.envelope(docs.card_terminals(state), "gematik").split(b"?>", 1)[1],
        )
        server = connector("rise", state=state)
        sink, _ = scrape({"connector": connector_config(server.url, ti_pki)})
        time.sleep(0.3)
        assert hole.connections == 0
    assert sink.sample_value("ti_operation_success", {"operation": "GetCardTerminals"}) == 0


@pytest.mark.parametrize("kind", ["billion-laughs", "malformed", "http-503", "json", "huge"])
def test_hostile_service_directory_reports_target_down(connector, ti_pki, kind) -> None:
    state = ConnectorState()
    state.raw_responses["connector.sds"] = HOSTILE[kind]
    server = connector("kocobox", state=state)
    with pytest.raises(TargetDown, match=r"connector\.sds"):
        scrape({"connector": connector_config(server.url, ti_pki, max_response_bytes=65536)})
    assert server.sim.requests_seen == []


def test_plain_http_server_behind_https_url(connector, ti_pki) -> None:
    server = connector("secunet", tls=False)
    url = server.url.replace("http://", "https://")
    with pytest.raises(TargetDown, match="TLS"):
        scrape({"connector": connector_config(url, ti_pki)})


def test_hung_connector_is_bounded_by_the_deadline(ti_pki) -> None:
    with BlackHole() as hole:
        cfg = connector_config(f"https://{hole.address}", ti_pki)
        started = time.monotonic()
        with pytest.raises(TargetDown, match="timed out"):
            scrape({"connector": cfg, "timeout": "1s"}, deadline=1.0)
        assert time.monotonic() - started < 5
