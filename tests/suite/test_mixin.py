"""The mixin generator: the committed rules and dashboards are its output with the default
config; a custom config rewrites every selector (checked by a real PromQL parser) and the
result passes promtool."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from devkit.dashboards import dashboard_files, panel_queries, panels
from devkit.prometheus import REPO, binary, rule_files
from mixin.config import ConfigError, defaults, load
from mixin.generate import generate, selector_rewrite
from mixin.promql import Matcher, Rewrite, RewriteError, find_selectors, parse_matchers, rewrite
from mixin.thresholds import THRESHOLDS

CUSTOM = """
jobs: {ups: node-ups, firebird: fb, certs: "certs-.*"}
extra_matchers: ['cluster="a"']
thresholds:
  cert_expiry_warning_days: 21
  ups_load_ratio: 0.75
  firebird_transaction_gap: 50000
  firebird_long_transaction_seconds: 7200
"""


@pytest.fixture(scope="module")
def custom(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("mixin")
    config = out / "my.yml"
    config.write_text(CUSTOM)
    generate(load(config), out)
    return out


def test_committed_files_are_the_generator_output_with_defaults(tmp_path: Path) -> None:
    written = generate(defaults(), tmp_path)
    committed = [*rule_files(), *dashboard_files()]
    assert sorted(p.name for p in written) == sorted(p.name for p in committed)
    for path in committed:
        out = tmp_path / path.parent.name / path.name
        assert out.read_bytes() == path.read_bytes(), (
            f"{path.relative_to(REPO)} differs from `python -m mixin` with mixin/config.yml: "
            "a threshold in mixin/config.yml no longer matches the rule file?"
        )


def test_every_threshold_has_a_default_and_the_default_is_in_its_rule() -> None:
    config = defaults()
    assert set(config.thresholds) == {t.key for t in THRESHOLDS}
    for threshold in THRESHOLDS:
        for place in threshold.places:
            text = (REPO / "alerting-rules" / place.file).read_text()
            assert f"alert: {place.alert}" in text, (threshold.key, place)


def test_custom_rules_pass_promtool(custom: Path) -> None:
    paths = sorted((custom / "alerting-rules").glob("*.rules.yml"))
    assert len(paths) == len(rule_files())
    result = subprocess.run(
        [binary("promtool"), "check", "rules", *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _alert(path: Path, name: str, severity: str | None = None) -> dict:
    for group in yaml.safe_load(path.read_text())["groups"]:
        for rule in group["rules"]:
            if rule.get("alert") == name and severity in (None, rule["labels"]["severity"]):
                return rule
    raise AssertionError(f"{name} not in {path}")


def test_custom_exporter_down_selects_the_configured_jobs(custom: Path) -> None:
    rule = _alert(custom / "alerting-rules" / "fleet.rules.yml", "ExporterDown")
    (selector,) = find_selectors(rule["expr"])
    matchers = {s.matcher for s in selector.matchers}
    jobs = (
        "praxis-backup|certs-.*|fb|praxis-firewall|praxis-mssql|praxis-ti|node-ups|praxis-windows"
    )
    assert matchers == {Matcher("job", "=~", jobs), Matcher("cluster", "=", "a")}


def test_custom_thresholds_change_expr_and_annotation(custom: Path) -> None:
    rules = custom / "alerting-rules"
    cert = _alert(rules / "certs.rules.yml", "CertExpiringSoon", "warning")
    assert "< 21 * 86400" in cert["expr"]
    assert "less than 21 days" in cert["annotations"]["description"]
    assert (
        "< 7 * 86400" in _alert(rules / "certs.rules.yml", "CertExpiringSoon", "critical")["expr"]
    )
    ups = _alert(rules / "ups.rules.yml", "UpsOverload")
    assert ups["expr"].strip() == 'ups_load_ratio{cluster="a"} > 0.75'
    assert "above 75 %" in ups["annotations"]["summary"]
    gap = _alert(rules / "firebird.rules.yml", "FirebirdTransactionGapLarge")
    assert "> 50000" in gap["expr"] and "above 50 000 for" in gap["annotations"]["description"]
    long_tx = _alert(rules / "firebird.rules.yml", "FirebirdLongRunningTransaction")
    assert "> 7200" in long_tx["expr"]
    assert "more than 2 hours." in long_tx["annotations"]["description"]


def test_custom_config_puts_the_matcher_into_every_raw_selector(custom: Path) -> None:
    """Every selector of every generated rule and dashboard query carries cluster="a",
    except those of recorded series and ALERTS."""
    exprs = [
        r["expr"]
        for p in sorted((custom / "alerting-rules").glob("*.rules.yml"))
        for g in yaml.safe_load(p.read_text())["groups"]
        for r in g["rules"]
    ]
    for path in sorted((custom / "dashboards").glob("*.json")):
        exprs += [e for _t, e in panel_queries(json.loads(path.read_text()))]
    checked = 0
    for expr in exprs:
        for sel in find_selectors(expr, grafana=True):
            metric = sel.metric()
            if metric and (":" in metric or metric.startswith("ALERTS")):
                assert Matcher("cluster", "=", "a") not in {s.matcher for s in sel.matchers}
                continue
            checked += 1
            assert Matcher("cluster", "=", "a") in {s.matcher for s in sel.matchers}, expr
    assert checked > 300


def test_variable_queries_get_the_matcher(custom: Path) -> None:
    board = json.loads((custom / "dashboards" / "ups.json").read_text())
    variables = {v["name"]: v for v in board["templating"]["list"]}
    assert variables["site"]["query"]["query"] == 'label_values(ups_up{cluster="a"}, site)'
    assert variables["target"]["definition"] == (
        'label_values(ups_up{site=~"$site", cluster="a"}, target)'
    )


def test_dashboards_keep_their_layout_apart_from_queries_and_thresholds(custom: Path) -> None:
    for path in dashboard_files():
        before = path.read_text().splitlines()
        after = (custom / "dashboards" / path.name).read_text().splitlines()
        assert len(before) == len(after), path.name
        for old, new in zip(before, after, strict=True):
            if old != new:
                key = old.strip().split(":", 1)[0]
                assert key in (
                    '"expr"',
                    '"query"',
                    '"definition"',
                    '"title"',
                    '"description"',
                    '"value"',
                ), (path.name, old)


def test_thresholds_do_not_chain_and_reach_the_dashboards(tmp_path: Path) -> None:
    """TI warning 90 -> 30 and critical 30 -> 10 in one rule: the new 30 is not taken for
    the old one; the certs board's titles, queries and colour steps follow its rules."""
    config = tmp_path / "my.yml"
    config.write_text(
        "thresholds: {ti_cert_expiry_warning_days: 30, ti_cert_expiry_critical_days: 10,"
        " cert_expiry_warning_days: 21, ups_self_test_max_age_days: 60}\n"
    )
    generate(load(config), tmp_path)
    rules = tmp_path / "alerting-rules" / "ti.rules.yml"
    warning = " ".join(_alert(rules, "TiCertificateExpiringSoon")["expr"].split())
    assert "< 30 * 86400" in warning and ">= 10 * 86400" in warning
    critical = _alert(rules, "TiCertificateExpiryCritical")
    assert "< 10 * 86400" in critical["expr"]
    assert "less than 10 days" in critical["annotations"]["description"]
    certs = json.loads((tmp_path / "dashboards" / "certs.json").read_text())
    panel = {p["id"]: p for p in certs["panels"]}
    assert panel[4]["title"] == "Ablauf in < 21 Tagen"
    assert "< 21 > 0" in panel[4]["targets"][0]["expr"]
    steps = panel[5]["fieldConfig"]["defaults"]["thresholds"]["steps"]
    assert [s["value"] for s in steps] == [None, 7, 21]
    ups = json.loads((tmp_path / "dashboards" / "ups.json").read_text())
    (self_test,) = [p for p in panels(ups) if p["id"] == 13]
    assert "Hinweis ab 60 Tagen" in self_test["description"]
    assert 60 * 86400 in [
        s["value"] for s in self_test["fieldConfig"]["defaults"]["thresholds"]["steps"]
    ]


REWRITE = Rewrite(lambda m: m, (Matcher("cluster", "=", "a"),))


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("up", 'up{cluster="a"}'),
        ("up{}", 'up{cluster="a"}'),
        ('foo{a="b",}', 'foo{a="b",cluster="a"}'),
        ('foo{cluster="b"}', 'foo{cluster="b"}'),  # the template's own matcher wins
        (
            "sum by (job) (x) > on (instance) group_left y",
            'sum by (job) (x{cluster="a"}) > on (instance) group_left y{cluster="a"}',
        ),
        (
            "rate(x[5m] offset 1h) # rate of x\n/ 2",
            'rate(x{cluster="a"}[5m] offset 1h) # rate of x\n/ 2',
        ),
        (
            'label_replace(a:b:c, "x", "$1", "y", "(.*)")',
            'label_replace(a:b:c, "x", "$1", "y", "(.*)")',
        ),
        ('ALERTS{alertstate="firing"} or vector(0)', 'ALERTS{alertstate="firing"} or vector(0)'),
        (
            "max_over_time(x[1d:5m]) > bool Inf * 1e3",
            'max_over_time(x{cluster="a"}[1d:5m]) > bool Inf * 1e3',
        ),
        ('topk(3, count_values("v", x))', 'topk(3, count_values("v", x{cluster="a"}))'),
    ],
)
def test_rewrite_cases(before: str, after: str) -> None:
    assert rewrite(before, REWRITE) == after


def test_grafana_variables_survive() -> None:
    expr = 'rate(x{site=~"$site"}[$__rate_interval]) * 1000 > ${__from}'
    assert rewrite(expr, REWRITE, grafana=True) == (
        'rate(x{site=~"$site", cluster="a"}[$__rate_interval]) * 1000 > ${__from}'
    )


def test_job_replacement_only_touches_default_jobs() -> None:
    config = defaults().model_copy(update={"jobs": {**defaults().jobs, "ups": "node-ups"}})
    rw = selector_rewrite(config)
    assert rewrite('up{job="praxis-ups"}', rw) == 'up{job="node-ups"}'
    assert rewrite('up{job="prometheus"}', rw) == 'up{job="prometheus"}'
    assert rewrite('up{job=~"praxis-ups"}', rw) == 'up{job=~"praxis-ups"}'


def test_unparseable_input_is_refused() -> None:
    with pytest.raises(RewriteError):
        rewrite("sum(up{a=}", REWRITE)
    with pytest.raises(RewriteError):
        rewrite("up{$x}", REWRITE, grafana=True)


def test_bad_configs_are_named(tmp_path: Path) -> None:
    cases = {
        "jobs: {nope: x}\n": "unknown nope",
        "thresholds: {ups_load_ratio: many}\n": "ups_load_ratio",
        "extra_matchers: ['cluster=']\n": "not a label matcher",
        "extra_matchers: ['job=\"x\"']\n": "use `jobs`",
        "colour: blue\n": "colour",
    }
    for text, expected in cases.items():
        path = tmp_path / "bad.yml"
        path.write_text(text)
        with pytest.raises(ConfigError, match=expected):
            load(path)
    assert parse_matchers('cluster="a", env=~"p.*"')[1] == Matcher("env", "=~", "p.*")


def test_cli_writes_and_refuses(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("jobs: {nope: x}\n")
    run = [sys.executable, "-m", "mixin", "--out", str(tmp_path / "out")]
    result = subprocess.run(
        [*run, "--config", str(bad)], capture_output=True, text=True, cwd=REPO, check=False
    )
    assert result.returncode == 2 and "unknown nope" in result.stderr
    result = subprocess.run(run, capture_output=True, text=True, cwd=REPO, check=False)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "dashboards" / "practice-overview.json").exists()
