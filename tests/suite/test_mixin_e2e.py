"""The mixin against a real Prometheus whose jobs are not named praxis-*: exporters scraped as
`node-ups`, `fb`, ... with a `cluster="a"` target label. The generated ExporterDown fires
for a stopped exporter of cluster a and ignores the same job in cluster b; the generated
dashboards' queries return data.

The exporters are `devkit.static_exporter` serving each exporter's golden exposition (the
frozen, complete output of the real exporter); what is tested is the selectors, and `up`
is Prometheus' own series.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from devkit.dashboards import empty_queries, panel_queries
from devkit.dashboards import load as load_board
from devkit.exporter import REPO, ExporterProcess
from devkit.ports import free_port
from devkit.prometheus import Prometheus, scrape_job
from mixin.config import load
from mixin.generate import generate

pytestmark = pytest.mark.e2e

GOLDEN = {
    "firebird": ["firebird/golden/firebird.prom"],
    "mssql": ["mssql/golden/standard.prom", "mssql/golden/express.prom"],
    "backup": ["backup/golden/backup.prom"],
    "ups": ["ups/golden/eaton-93e.prom"],
    "ti": ["ti/golden/scenario.prom"],
    "certs": ["certs/golden/scenario.prom"],
}
JOBS = {"ups": "node-ups", "firebird": "fb", "mssql": "sql", "backup": "backups"}
CONFIG = """
jobs: {ups: node-ups, firebird: fb, mssql: sql, backup: backups}
extra_matchers: ['cluster="a"']
"""
# queries per board that this data cannot fill (on the committed board as well)
MAX_EMPTY = {"backup.json": 3, "ups.json": 10, "ti.json": 1}
BOARDS = ["firebird.json", "mssql.json", "backup.json", "ups.json", "ti.json", "certs.json"]


PREFIX = {"certs": "cert"}


def exposition(name: str, golden: Path) -> str:
    """A golden with its placeholder values (<duration>, ...) made numbers, and `<prefix>_up`
    (written by the core, so not in every golden) for each of its targets."""
    text = re.sub(r" <[^>]*>$", " 1", golden.read_text(), flags=re.MULTILINE)
    targets = sorted(set(re.findall(r'target="([^"]*)"', text)))
    for series, value in (("up", 1), ("scrape_duration_seconds", 0.05)):
        family = f"{PREFIX.get(name, name)}_{series}"
        if f"\n{family}{{" not in text:
            text += f"# TYPE {family} gauge\n"
            text += "".join(f'{family}{{target="{t}"}} {value}\n' for t in targets)
    return text


def test_custom_jobs_and_cluster_label(
    tmp_path: Path,
    start_exporter: Callable[..., ExporterProcess],
    start_prometheus: Callable[..., Prometheus],
) -> None:
    (tmp_path / "my.yml").write_text(CONFIG)
    out = tmp_path / "generated"
    generate(load(tmp_path / "my.yml"), out)

    exporters: dict[str, list[ExporterProcess]] = {}
    jobs = []
    for name, goldens in GOLDEN.items():
        for golden in goldens:
            prom_file = tmp_path / Path(golden).name.replace(".prom", f"-{name}.prom")
            prom_file.write_text(exposition(name, REPO / "tests" / golden))
            proc = start_exporter(name, prom_file, module="devkit.static_exporter")
            exporters.setdefault(name, []).append(proc)
        job = JOBS.get(name, f"praxis-{name}")
        addresses = [f"127.0.0.1:{p.port}" for p in exporters[name]]
        jobs.append(scrape_job(job, addresses, labels={"site": "praxis-a", "cluster": "a"}))
    # the same job also scrapes a target of another cluster, never reachable: not ours
    (ups_job,) = [j for j in jobs if j["job_name"] == "node-ups"]
    nothing = f"127.0.0.1:{free_port()}"
    ups_job["static_configs"].append(
        {"targets": [nothing], "labels": {"site": "praxis-b", "cluster": "b"}}
    )
    rules = sorted((out / "alerting-rules").glob("*.rules.yml"))
    prom = start_prometheus(jobs, rules=rules)
    scraped = sum(len(g) for g in GOLDEN.values())
    prom.wait_for(f'count(up{{cluster="a"}} == 1) == {scraped}')
    prom.wait_for('up{cluster="b"} == 0')
    prom.wait_for(f'count(count_over_time(up{{cluster="a"}}[5m]) >= 2) == {scraped}')

    # every generated query returns data where the committed one (no cluster matcher) does
    # on the same data; the others read series one golden does not show (NUT clients of a
    # USB UPS, restic repositories, ...) and are empty in both
    for board in BOARDS:
        generated = empty_queries(prom, out / "dashboards" / board)
        committed = empty_queries(prom, REPO / "dashboards" / board)
        assert [g.split(":")[0] for g in generated] == [c.split(":")[0] for c in committed]
        total = len(panel_queries(load_board(out / "dashboards" / board)))
        assert total >= 15
        assert len(generated) <= MAX_EMPTY.get(board, 0), (board, generated)

    exporters["ups"][0].stop()
    alert = prom.wait_for_alert("ExporterDown", state="pending", job="node-ups")
    assert alert["labels"]["cluster"] == "a"
    assert alert["labels"]["site"] == "praxis-a"
    # evaluated in the same round as cluster b's down target, which must not be there
    down = [a["labels"] for a in prom.alerts() if a["labels"]["alertname"] == "ExporterDown"]
    assert [(a["job"], a["cluster"]) for a in down] == [("node-ups", "a")]
