"""Fresh metric families per scrape, merged by name across targets.

Collectors write into a `MetricSink`; the `target` label is added by the sink they get,
so a collector never forgets it and `/metrics` and `/probe` label alike.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

from prometheus_client.core import Metric
from prometheus_client.samples import Sample

Labels = Mapping[str, str]


class MetricSink:
    """Accumulates samples for one scrape; one family per metric name."""

    def __init__(self, const_labels: Labels | None = None) -> None:
        self._const = dict(const_labels or {})
        self._families: dict[str, Metric] = {}

    # -- writing ---------------------------------------------------------------------------

    def gauge(
        self,
        name: str,
        help_text: str,
        value: float | int | bool | None,
        labels: Labels | None = None,
    ) -> None:
        """A gauge sample; `None` (or NaN) means "the source does not know": left out."""
        self._add(name, "gauge", help_text, name, value, labels)

    def counter(
        self, name: str, help_text: str, value: float | int | None, labels: Labels | None = None
    ) -> None:
        """A counter sample; `name` ends in `_total`."""
        if not name.endswith("_total"):
            raise ValueError(f"counter {name} must end in _total")
        self._add(name[: -len("_total")], "counter", help_text, name, value, labels)

    def info(self, name: str, help_text: str, labels: Labels) -> None:
        """An `_info` gauge with value 1 carrying names and versions as labels."""
        if not name.endswith("_info"):
            raise ValueError(f"info metric {name} must end in _info")
        self._add(name, "gauge", help_text, name, 1, labels)

    def state_set(
        self,
        name: str,
        help_text: str,
        label: str,
        states: Sequence[str],
        current: str | None,
        labels: Labels | None = None,
    ) -> None:
        """One series per possible state: 1 for `current`, 0 for the rest.

        A current value outside `states` is added as its own series so it is not lost.
        """
        seen = list(states)
        if current is not None and current not in seen:
            seen.append(current)
        for state in seen:
            self.gauge(
                name, help_text, 1 if state == current else 0, {**(labels or {}), label: state}
            )

    def declare(self, name: str, kind: str, help_text: str) -> None:
        """Make a family exist with no samples (e.g. a counter that has not yet counted)."""
        family_name = name[: -len("_total")] if kind == "counter" else name
        self._family(family_name, kind, help_text)

    # -- reading and merging ---------------------------------------------------------------

    def merge(self, other: MetricSink) -> None:
        """Add all samples of `other` (e.g. one target's sink) into this sink."""
        for family in other._families.values():
            mine = self._family(family.name, family.type, family.documentation)
            mine.samples.extend(family.samples)

    def families(self) -> list[Metric]:
        return list(self._families.values())

    def collect(self) -> Iterable[Metric]:
        """Lets a sink stand in for a registry in `prometheus_client.generate_latest`."""
        return self.families()

    def sample_value(self, name: str, labels: Labels | None = None) -> float | None:
        """The value of the first sample named `name` whose labels include `labels`."""
        wanted = dict(labels or {})
        for family in self._families.values():
            for sample in family.samples:
                if sample.name == name and all(
                    sample.labels.get(k) == v for k, v in wanted.items()
                ):
                    return float(sample.value)
        return None

    def samples(self, name: str) -> list[Sample]:
        return [s for f in self._families.values() for s in f.samples if s.name == name]

    # -- internals -------------------------------------------------------------------------

    def _family(self, family_name: str, kind: str, help_text: str) -> Metric:
        family = self._families.get(family_name)
        if family is None:
            family = Metric(family_name, help_text, kind)
            self._families[family_name] = family
        elif family.type != kind:
            raise ValueError(f"metric {family_name} used as {family.type} and as {kind}")
        return family

    def _add(
        self,
        family_name: str,
        kind: str,
        help_text: str,
        sample_name: str,
        value: float | int | bool | None,
        labels: Labels | None,
    ) -> None:
        family = self._family(family_name, kind, help_text)
        if value is None:
            return
        number = float(value)
        if math.isnan(number):
            return
        merged = {**self._const, **{k: str(v) for k, v in (labels or {}).items()}}
        family.samples.append(Sample(sample_name, merged, number, None, None))
