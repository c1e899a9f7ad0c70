"""Write alerting-rules/ and dashboards/ for a mixin config, from the committed files."""

from __future__ import annotations

from pathlib import Path

from mixin.config import ALL_DEFAULT_JOBS, MixinConfig, defaults, job_matcher
from mixin.dashboards import rewrite_dashboard
from mixin.promql import Matcher, Rewrite
from mixin.rules import rewrite_rules
from mixin.thresholds import THRESHOLDS, BoardPlace, Place, ThresholdChange

REPO = Path(__file__).resolve().parent.parent
RULES = "alerting-rules"
DASHBOARDS = "dashboards"


def selector_rewrite(config: MixinConfig) -> Rewrite:
    """Default job matchers -> configured ones; the config's extra matchers everywhere."""
    base = defaults()
    exporter_of = {job: name for name, job in base.jobs.items()}
    everything = (
        ALL_DEFAULT_JOBS
        if config.jobs == base.jobs
        else "|".join(config.jobs[name] for name in sorted(config.jobs))
    )

    def replace(matcher: Matcher) -> Matcher:
        if matcher.label != "job":
            return matcher
        if matcher.op == "=" and matcher.value in exporter_of:
            return job_matcher(config.jobs[exporter_of[matcher.value]])
        if matcher.op == "=~" and matcher.value == ALL_DEFAULT_JOBS:
            return Matcher("job", "=~", everything)
        return matcher

    return Rewrite(replace, config.matchers())


def threshold_changes(config: MixinConfig) -> list[ThresholdChange]:
    base = defaults()
    changes: list[ThresholdChange] = []
    for t in THRESHOLDS:
        places: list[Place | BoardPlace] = [*t.places, *t.boards]
        old, new = base.thresholds[t.key], config.thresholds[t.key]
        changes += [ThresholdChange(place, old, new) for place in places]
    return changes


def generate(config: MixinConfig, out: Path, source: Path = REPO) -> list[Path]:
    """Write every rule file and dashboard for `config` below `out`; returns the paths."""
    rw = selector_rewrite(config)
    changes = threshold_changes(config)
    written = []
    for path in sorted((source / RULES).glob("*.rules.yml")):
        text = rewrite_rules(path.read_text(encoding="utf-8"), path.name, rw, changes)
        written.append(_write(out / RULES / path.name, text))
    for path in sorted((source / DASHBOARDS).glob("*.json")):
        text = rewrite_dashboard(path.read_text(encoding="utf-8"), path.name, rw, changes)
        written.append(_write(out / DASHBOARDS / path.name, text))
    return written


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
