"""The central stack on VictoriaMetrics, end to end: two practices (the demo practice's real
exposition, served), one with a Prometheus agent (the shipped site config) and one with
vmagent (the same scrape config), each writing through vmauth with its own credential into
victoria-metrics; vmalert evaluates every rule file, writes recording results and ALERTS back
and notifies a real Alertmanager. Clients with a wrong or no credential are refused and the
refusals are counted. The agents also write to a central Prometheus with the same rules, so
the fleet board's and the overview's queries can be compared series by series."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from devkit.dashboards import DASHBOARD_DIR, expand_variables, load, panel_queries
from devkit.fleet import load_fixture, samples
from devkit.ports import free_port
from devkit.prometheus import Alertmanager, rule_files
from devkit.victoria import VictoriaMetrics, VMAgent, VMAlert, VMAuth, http_status
from tests.ops.helpers import (
    DOCKER,
    PrometheusFromConfig,
    StaticExporter,
    WebhookReceiver,
    alertmanager_test_config,
    fast_rules,
    sites_of,
)

pytestmark = pytest.mark.e2e
SITE_CONFIG = DOCKER / "multi-site" / "site" / "prometheus.yml"
CENTRAL_CONFIG = DOCKER / "multi-site" / "central" / "prometheus.yml"
SITES = {"praxis-a": "pw-a-0123456789", "praxis-b": "pw-b-0123456789"}
BOARDS = ("fleet.json", "practice-overview.json")


def site_scrape_config(site: str, targets: dict[str, str]) -> dict[str, Any]:
    """The shipped site config with the test's addresses and 1 s intervals."""
    config: dict[str, Any] = yaml.safe_load(SITE_CONFIG.read_text())
    config["global"].update(scrape_interval="1s", scrape_timeout="1s")
    config["global"]["external_labels"]["site"] = site
    jobs = [j for j in config["scrape_configs"] if j["job_name"] in targets]
    for job in jobs:
        job["static_configs"] = [{"targets": [targets[job["job_name"]]]}]
    assert {j["job_name"] for j in jobs} == set(targets), "job names differ from the example"
    config["scrape_configs"] = jobs
    return config


def prometheus_agent_config(
    site: str, targets: dict[str, str], vmauth: str, password_file: Path, central: str | None
) -> dict[str, Any]:
    """Site agent config: the shipped remote write (basic auth per site) aimed at vmauth,
    and a second one to the comparison Prometheus."""
    config = site_scrape_config(site, targets)
    (write,) = config["remote_write"]
    write["url"] = f"{vmauth}/api/v1/write"
    write["basic_auth"] = {"username": site, "password_file": str(password_file)}
    write["queue_config"]["batch_send_deadline"] = "500ms"
    if central:
        config["remote_write"].append(
            {"url": f"{central}/api/v1/write", "queue_config": {"batch_send_deadline": "500ms"}}
        )
    return config


def vmagent_scrape_config(site: str, targets: dict[str, str]) -> dict[str, Any]:
    """vmagent reads the same file (its remote_write section skipped with
    VMAGENT_FLAGS, as in docker/multi-site/compose.site-vmagent.yml); remote writes are its
    -remoteWrite.* flags instead."""
    return site_scrape_config(site, targets)


VMAGENT_FLAGS = ["-promscrape.config.strictParse=false"]


def serve_practice(stop: list[Any], on_battery: bool) -> dict[str, str]:
    """Serve the demo practice's exposition per exporter: {job name: address}."""
    targets = {}
    for exporter, text in load_fixture().items():
        if on_battery and exporter == "ups":
            old = 'ups_on_battery{target="usv-server"} 0.0'
            assert old in text
            text = text.replace(old, 'ups_on_battery{target="usv-server"} 1.0')
        static = StaticExporter(text)
        stop.append(static)
        targets[f"praxis-{exporter}"] = f"127.0.0.1:{static.port}"
    return targets


def password_file(path: Path, password: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(password + "\n")
    path.chmod(0o600)
    return path


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("victoria")
    stop: list[Any] = []
    try:
        receiver = WebhookReceiver()
        stop.append(receiver)
        am = Alertmanager(
            tmp / "am", alertmanager_test_config(tmp / "am", receiver, practice_hours="closed")
        )
        stop.append(am)
        rules = fast_rules(tmp / "rules", rule_files())
        vm = VictoriaMetrics(tmp / "vm")
        stop.append(vm)
        vmauth = VMAuth(tmp / "vmauth", SITES, vm.url)
        stop.append(vmauth)
        vmalert = VMAlert(
            tmp / "vmalert",
            rules,
            vm.url,
            notifier=am.url,
            # queryStep is vmalert's lookback (default 5m), as short as the Prometheus'
            extra_args=[
                "-remoteWrite.flushInterval=500ms",
                "-rule.resendDelay=2s",
                "-datasource.queryStep=15s",
            ],
        )
        stop.append(vmalert)
        # The comparison: a central Prometheus with the shipped config and the same rules,
        # sending to no Alertmanager (vmalert is the one that notifies here).
        port = free_port()
        central_cfg = yaml.safe_load(CENTRAL_CONFIG.read_text())
        central_cfg["global"].update(scrape_interval="1s", evaluation_interval="1s")
        central_cfg["rule_files"] = [str(p) for p in rules]
        del central_cfg["alerting"]
        central_cfg["scrape_configs"][0]["static_configs"] = [{"targets": [f"127.0.0.1:{port}"]}]
        central = PrometheusFromConfig(
            tmp / "central",
            central_cfg,
            port=port,
            extra_args=["--web.enable-remote-write-receiver", "--query.lookback-delta=15s"],
        )
        stop.append(central)

        a = PrometheusFromConfig(
            tmp / "praxis-a",
            prometheus_agent_config(
                "praxis-a",
                serve_practice(stop, on_battery=False),
                vmauth.url,
                password_file(tmp / "praxis-a" / "rw.password", SITES["praxis-a"]),
                central.url,
            ),
            agent=True,
        )
        stop.append(a)
        b = VMAgent(
            tmp / "praxis-b",
            vmagent_scrape_config("praxis-b", serve_practice(stop, on_battery=True)),
            [
                (
                    f"{vmauth.url}/api/v1/write",
                    "praxis-b",
                    password_file(tmp / "praxis-b" / "rw.password", SITES["praxis-b"]),
                ),
                (f"{central.url}/api/v1/write", "", None),
            ],
            extra_args=VMAGENT_FLAGS,
        )
        stop.append(b)

        # Two clients the centre must refuse: a site with a wrong password (Prometheus
        # agent) and one that sends no credential at all (vmagent).
        intruder_targets = {"praxis-certs": serve_practice(stop, False)["praxis-certs"]}
        wrong = PrometheusFromConfig(
            tmp / "praxis-x",
            prometheus_agent_config(
                "praxis-x",
                intruder_targets,
                vmauth.url,
                password_file(tmp / "praxis-x" / "rw.password", "not-the-password"),
                None,
            ),
            agent=True,
        )
        wrong_cfg = yaml.safe_load(wrong.config_path.read_text())
        assert wrong_cfg["remote_write"][0]["basic_auth"]["username"] == "praxis-x"
        stop.append(wrong)
        anonymous = VMAgent(
            tmp / "praxis-y",
            vmagent_scrape_config("praxis-y", intruder_targets),
            [(f"{vmauth.url}/api/v1/write", "", None)],
            extra_args=VMAGENT_FLAGS,
        )
        stop.append(anonymous)
        yield {
            "vm": vm,
            "vmauth": vmauth,
            "vmalert": vmalert,
            "central": central,
            "receiver": receiver,
            "am": am,
            "wrong": wrong,
            "anonymous": anonymous,
            "rules": rules,
            "agent_a": a,
        }
    finally:
        for thing in reversed(stop):
            thing.stop() if hasattr(thing, "stop") else thing.close()


def test_both_sites_arrive_through_vmauth_each_with_its_credential(stack: dict[str, Any]) -> None:
    vm: VictoriaMetrics = stack["vm"]
    vmauth: VMAuth = stack["vmauth"]
    vm.wait_for('count by (site) (up{job="praxis-ups"})', lambda r: sites_of(r) == set(SITES))
    # Every series a practice sends arrives, from either agent (one job checked in full).
    sent = sum(1 for x in samples(load_fixture()["mssql"]) if x.name.startswith("mssql_"))
    assert sent > 50
    vm.wait_for(
        'count by (site) ({job="praxis-mssql", __name__=~"mssql_.*"})',
        lambda r: len(r) == 2 and all(int(x["value"][1]) == sent for x in r),
    )
    for site in SITES:
        assert vmauth.metric("vmauth_user_requests_total", username=site) > 0


def test_wrong_and_missing_credentials_are_refused_and_counted(stack: dict[str, Any]) -> None:
    vm: VictoriaMetrics = stack["vm"]
    vmauth: VMAuth = stack["vmauth"]
    wrong: PrometheusFromConfig = stack["wrong"]
    anonymous: VMAgent = stack["anonymous"]
    vm.wait_for("count by (site) (up)", lambda r: sites_of(r) >= set(SITES))
    # The wrong password: vmauth counts it; the Prometheus agent gives the samples up as
    # failed (4xx is not retried).
    wrong.wait_until(
        lambda: (
            vmauth.metric("vmauth_http_request_errors_total", reason="invalid_auth_token") > 0
            and _agent_failed_samples(wrong) > 0
        ),
        timeout=60,
        what="refused",
    )
    # No credential: 401, counted by the sender (vmagent keeps it queued and retries).
    anonymous.wait_until(
        lambda: anonymous.metric("vmagent_remotewrite_requests_total", status_code="401") > 0,
        timeout=60,
        what="refused",
    )
    assert http_status(f"{vmauth.url}/api/v1/write", b"x") == 401
    # A site's credential opens only the write path, not the query API.
    assert http_status(f"{vmauth.url}/api/v1/query", auth=("praxis-a", SITES["praxis-a"])) != 200
    # Nothing of theirs reached the store, while the real sites' data did.
    assert vm.query('count({site=~"praxis-x|praxis-y"})') == []


def _agent_failed_samples(agent: PrometheusFromConfig) -> float:
    import urllib.request

    from devkit.exporter import parse_samples

    with urllib.request.urlopen(f"{agent.url}/metrics", timeout=30) as resp:
        samples = parse_samples(resp.read().decode())
    return sum(
        v
        for (name, labels), v in samples.items()
        if name == "prometheus_remote_storage_samples_failed_total"
        and ("url", f"{_vmauth_url(agent)}/api/v1/write") in labels
    )


def _vmauth_url(agent: PrometheusFromConfig) -> str:
    config = yaml.safe_load(agent.config_path.read_text())
    return str(config["remote_write"][0]["url"]).removesuffix("/api/v1/write")


def test_vmalert_evaluates_every_rule_file_without_errors(stack: dict[str, Any]) -> None:
    vmalert: VMAlert = stack["vmalert"]
    vm: VictoriaMetrics = stack["vm"]
    expected = {
        (path.name, group["name"]): {r.get("record") or r.get("alert") for r in group["rules"]}
        for path in stack["rules"]  # copies of every alerting-rules/*.rules.yml
        for group in yaml.safe_load(path.read_text())["groups"]
    }
    assert {p.name for p in stack["rules"]} >= {p.name for p in rule_files()}
    loaded = {
        (Path(g["file"]).name, g["name"]): {r["name"] for r in g["rules"]} for g in vmalert.groups()
    }
    assert loaded == expected
    # Recording results land in the store (a chain: site_area:… feeds site:…:max).
    vm.wait_for("site:praxis_alert_severity:max", lambda r: sites_of(r) == set(SITES))
    errors = [
        (g["name"], r["name"], r["lastError"])
        for g in vmalert.groups()
        for r in g["rules"]
        if r.get("lastError")
    ]
    assert errors == []
    # ALERTS written back: the Watchdog and the power cut at b, not at a.
    vm.wait_for('ALERTS{alertname="Watchdog", alertstate="firing"}')
    firing = vm.wait_for(
        'ALERTS{alertname="UpsOnBattery", alertstate="firing"}',
        lambda r: sites_of(r) == {"praxis-b"},
    )
    # vmalert's extra label: the name of the group that holds the rule
    assert (firing[0]["metric"]["alertgroup"]) in {g for _, g in expected}


def test_vmalert_notifies_alertmanager_per_site(stack: dict[str, Any]) -> None:
    receiver: WebhookReceiver = stack["receiver"]
    receiver.wait_for("deadmansswitch", "Watchdog", timeout=90)
    receiver.wait_for("pager", "UpsOnBattery", timeout=90, site="praxis-b")
    assert receiver.receivers_of("UpsOnBattery", site="praxis-a") == set()
    alert = receiver.wait_for("pager", "UpsOnBattery", site="praxis-b")
    assert alert["labels"]["target"] == "usv-server"
    assert alert["annotations"]["runbook_url"].endswith("/UpsOnBattery.md")


VMALERT_LABELS = {"alertgroup"}
"""vmalert 1.79 adds the rule group's name to ALERTS and to notifications (documented in
docs/deployment.md); Prometheus does not."""


def _shape(result: list[dict[str, Any]]) -> list[tuple[tuple[tuple[str, str], ...], Any]]:
    """Series identity, plus the value where it is a count or a level (times differ)."""
    out = []
    for r in result:
        value = float(r["value"][1])
        kept = value if value.is_integer() and abs(value) < 1e6 else None
        labels = {k: v for k, v in r["metric"].items() if k not in VMALERT_LABELS}
        out.append((tuple(sorted(labels.items())), kept))
    return sorted(out, key=repr)


@pytest.mark.parametrize("board", BOARDS)
def test_board_queries_return_the_same_series_as_on_prometheus(
    stack: dict[str, Any], board: str
) -> None:
    vm: VictoriaMetrics = stack["vm"]
    central: PrometheusFromConfig = stack["central"]
    for store in (vm, central):
        store.wait_for("site:praxis_alerts_firing:count", lambda r: sites_of(r) == set(SITES))
        store.wait_for('ALERTS{alertname="UpsOnBattery", alertstate="firing"}')
    differing = []
    answered = 0
    for title, expr in panel_queries(load(DASHBOARD_DIR / board)):
        concrete = expand_variables(expr, {"site": "praxis-b"} if "overview" in board else None)
        try:
            vm.wait_for(concrete, lambda r, c=concrete: _shape(r) == _shape(central.query(c)))
        except TimeoutError:
            differing.append(
                f"{title}: {concrete}\n  VM:   {_shape(vm.query(concrete))}"
                f"\n  Prom: {_shape(central.query(concrete))}"
            )
        answered += bool(central.query(concrete))
    assert not differing, "\n".join(differing)
    # Most panels have data here (the fixture lacks only the parts added since its capture).
    assert answered >= 0.8 * len(panel_queries(load(DASHBOARD_DIR / board)))


def test_a_silent_site_pages_site_down_from_vmalert(stack: dict[str, Any]) -> None:
    """Last in this module: it stops site a's agent."""
    receiver: WebhookReceiver = stack["receiver"]
    vm: VictoriaMetrics = stack["vm"]
    vm.wait_for("site:up:count", lambda r: sites_of(r) == set(SITES))
    stack["agent_a"].stop()
    alert = receiver.wait_for("pager", "SiteDown", timeout=120, site="praxis-a")
    assert alert["labels"]["severity"] == "critical"
    assert receiver.receivers_of("SiteDown", site="praxis-b") == set()
    # The silent site stays on the board, red in the monitoring column.
    vm.wait_for(
        'site_area:praxis_alert_severity:max{site="praxis-a", area="monitoring"} == 2',
        timeout=60,
    )
