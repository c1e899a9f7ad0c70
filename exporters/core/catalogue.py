"""Every metric of an exporter, declared once: name, type, help, unit and label names.

In the spirit of the Go client's `NewDesc` and node_exporter's collectors: an exporter lists
its metrics in `exporters/<name>/catalogue.py` as `MetricDesc` values and a `Catalogue`;
collectors write only through those declarations (`MetricSink.put`, `put_info`,
`put_state`). The sink then refuses what Prometheus' own client would refuse at
registration: an undeclared name, a label set other than the declared one, the same series
twice. The reference docs' metric tables are generated from the catalogue
(`Catalogue.markdown_table`), so docs and code cannot drift apart.

Usage::

    from exporters.core.catalogue import Catalogue, counter, gauge, info, state_set

    UP_SINCE = gauge("demo_up_since_timestamp_seconds", "When it came up.", unit="seconds")
    ERRORS = counter("demo_errors_total", "Errors seen.", "kind")
    INFO = info("demo_info", "Identity (value 1).", "model", "firmware")
    STATE = state_set("demo_state", "Current state (1 for it).", "state", ("ok", "failed"))
    CATALOGUE = Catalogue("demo", [UP_SINCE, ERRORS, INFO, STATE])

`target` is never declared: the sink a collector writes to adds it to per-target series.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["gauge", "counter", "info", "stateset"]

_NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")
_LABEL = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
IMPLICIT_LABELS = ("target",)
"""Labels added by the sink itself (never declared, never written by a collector)."""


@dataclass(frozen=True)
class MetricDesc:
    """One metric: what Prometheus sees in `# HELP`/`# TYPE`, and the label names it carries.

    For a state set, `state_label` is the label naming the state and `states` the possible
    values; it is exposed as a gauge with one series per state (1 for the current one).
    """

    name: str
    kind: Kind
    help: str
    labels: tuple[str, ...] = ()
    unit: str = ""
    state_label: str = ""
    states: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # derived once: the sink reads them for every sample it writes
        labels = (*self.labels, self.state_label) if self.state_label else self.labels
        object.__setattr__(self, "all_labels", labels)
        object.__setattr__(self, "label_set", frozenset(labels))
        counter = self.kind == "counter"
        object.__setattr__(self, "family", self.name[: -len("_total")] if counter else self.name)
        object.__setattr__(self, "exposed_type", "counter" if counter else "gauge")
        if not _NAME.match(self.name):
            raise ValueError(f"invalid metric name {self.name!r}")
        for label in (*self.labels, *((self.state_label,) if self.state_label else ())):
            if not _LABEL.match(label) or label.startswith("__"):
                raise ValueError(f"{self.name}: invalid label name {label!r}")
            if label in IMPLICIT_LABELS:
                raise ValueError(f"{self.name}: label {label!r} is added by the sink")
        if len(set(self.all_labels)) != len(self.all_labels):
            raise ValueError(f"{self.name}: a label is declared twice")
        if not self.help.strip():
            raise ValueError(f"{self.name}: help text is empty")
        if self.kind == "counter" and not self.name.endswith("_total"):
            raise ValueError(f"counter {self.name} must end in _total")
        if self.kind != "counter" and self.name.endswith("_total"):
            raise ValueError(f"{self.name}: only counters end in _total")
        if self.kind == "info" and not self.name.endswith("_info"):
            raise ValueError(f"info metric {self.name} must end in _info")
        if self.kind == "stateset" and (not self.state_label or not self.states):
            raise ValueError(f"state set {self.name} needs a state label and states")
        if self.kind != "stateset" and (self.state_label or self.states):
            raise ValueError(f"{self.name}: only state sets have states")
        if self.unit and not self.name.endswith(f"_{self.unit}") and self.unit not in self.name:
            raise ValueError(f"{self.name}: the unit {self.unit!r} must appear in the name")

    all_labels: tuple[str, ...] = field(init=False, repr=False, compare=False)
    """The label names of every sample (without `target`), state label last."""
    label_set: frozenset[str] = field(init=False, repr=False, compare=False)
    """`all_labels` as a set."""
    family: str = field(init=False, repr=False, compare=False)
    """The family name in the exposition (a counter's name without `_total`)."""
    exposed_type: str = field(init=False, repr=False, compare=False)
    """The `# TYPE` in the text format: info metrics and state sets are gauges."""


def gauge(name: str, help_text: str, *labels: str, unit: str = "") -> MetricDesc:
    return MetricDesc(name, "gauge", help_text, tuple(labels), unit=unit)


def counter(name: str, help_text: str, *labels: str, unit: str = "") -> MetricDesc:
    return MetricDesc(name, "counter", help_text, tuple(labels), unit=unit)


def info(name: str, help_text: str, *labels: str) -> MetricDesc:
    return MetricDesc(name, "info", help_text, tuple(labels))


def state_set(
    name: str, help_text: str, state_label: str, states: Iterable[str], *labels: str
) -> MetricDesc:
    return MetricDesc(
        name, "stateset", help_text, tuple(labels), state_label=state_label, states=tuple(states)
    )


def core_metrics(prefix: str) -> list[MetricDesc]:
    """What `exporters.core` writes for every exporter (per target and about itself)."""
    p = prefix
    return [
        gauge(f"{p}_up", "1 if the target was scraped successfully, else 0."),
        gauge(
            f"{p}_scrape_duration_seconds",
            "Time this target's collection took (capped at its deadline).",
            unit="seconds",
        ),
        gauge(
            f"{p}_exporter_config_last_reload_successful",
            "1 if the last config (re)load succeeded.",
        ),
        gauge(
            f"{p}_exporter_config_last_reload_success_timestamp_seconds",
            "When the config was last (re)loaded successfully.",
            unit="seconds",
        ),
        counter(
            f"{p}_exporter_config_reload_failures_total",
            "Config reloads rejected because the new config was invalid.",
        ),
        gauge(f"{p}_exporter_targets", "Targets in the active config."),
        gauge(
            f"{p}_exporter_web_config_last_reload_successful",
            "1 if the last web config (re)load succeeded; 0 means an invalid web config was "
            "refused and the previous one is still in force (only with --web.config.file).",
        ),
        gauge(
            f"{p}_exporter_web_config_last_reload_success_timestamp_seconds",
            "When the web config was last (re)loaded successfully.",
            unit="seconds",
        ),
        counter(
            f"{p}_exporter_web_config_reload_failures_total",
            "Web config reloads refused because the new file was invalid or would switch TLS "
            "or basic auth off.",
        ),
        info(
            f"{p}_exporter_build_info", "Version of the praxis exporter.", "version", "config_file"
        ),
        counter(
            f"{p}_exporter_metric_errors_total",
            "Samples dropped because they broke the metric catalogue (undeclared name, "
            "wrong label set, duplicate series): a bug in the exporter, please report it.",
        ),
    ]


class Catalogue:
    """The declared metrics of one exporter (its own plus the core's), by name."""

    def __init__(self, prefix: str, metrics: Iterable[MetricDesc]) -> None:
        self.prefix = prefix
        self._by_name: dict[str, MetricDesc] = {}
        self.by_name: Mapping[str, MetricDesc] = self._by_name
        """Read-only view for the sinks' check of every sample (`by_name[name] is desc`)."""
        self._core = {d.name for d in core_metrics(prefix)}
        for desc in (*core_metrics(prefix), *metrics):
            self._add(desc)

    def _add(self, desc: MetricDesc) -> None:
        if not desc.name.startswith(f"{self.prefix}_"):
            raise ValueError(f"{desc.name} does not start with the prefix {self.prefix}_")
        known = self._by_name.get(desc.name)
        if known is not None and known != desc:
            raise ValueError(f"{desc.name} is declared twice, differently")
        families = {d.family: d.name for d in self._by_name.values()}
        if desc.family in families and families[desc.family] != desc.name:
            raise ValueError(f"{desc.name} collides with {families[desc.family]}")
        self._by_name[desc.name] = desc

    def get(self, name: str) -> MetricDesc | None:
        return self._by_name.get(name)

    def __contains__(self, desc: object) -> bool:
        if not isinstance(desc, MetricDesc):
            return False
        known = self._by_name.get(desc.name)
        return known is desc or known == desc  # the declaration itself: no field compare

    def __iter__(self) -> Iterator[MetricDesc]:
        return iter(self._by_name.values())

    def __len__(self) -> int:
        return len(self._by_name)

    def own(self) -> list[MetricDesc]:
        """The exporter's own metrics, without the core's."""
        return [d for d in self if d.name not in self._core]

    def markdown_table(self, own_only: bool = True) -> str:
        """The metric reference table for `docs/exporters/<name>.md`."""
        rows = [
            "| metric | type | labels (besides `target`) | help |",
            "| --- | --- | --- | --- |",
        ]
        for desc in sorted(self.own() if own_only else list(self), key=lambda d: d.name):
            labels = ", ".join(f"`{label}`" for label in desc.all_labels) or "–"
            kind: str = desc.kind
            if desc.kind == "stateset":
                kind = f"state set ({', '.join(desc.states)})"
            help_text = desc.help.replace("|", "\\|")
            rows.append(f"| `{desc.name}` | {kind} | {labels} | {help_text} |")
        return "\n".join(rows) + "\n"
