"""Fresh metric families per scrape, merged by name across targets.

Collectors write into a `MetricSink`; the `target` label is added by the sink they get,
so a collector never forgets it and `/metrics` and `/probe` label alike.

Collectors write through the declarations of their exporter's catalogue
(`exporters.core.catalogue`): `put` (gauge or counter), `put_info`, `put_state`, `touch`;
that is the only way in (writing by name is gone: a sample needs its declaration). The
sink refuses what would corrupt the exposition: an undeclared metric (when the sink has a
catalogue), a label set other than the declared one, two label sets under one name, the
same series twice. In tests (`PRAXIS_METRICS_STRICT=1`, set by `tests/conftest.py`) such a
write raises `MetricCatalogueError`; in production the sample is dropped, logged once and
counted (`<prefix>_exporter_metric_errors_total`), and the exposition stays valid.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping

from exporters.core.catalogue import Catalogue, MetricDesc
from exporters.core.exposition import Metric, Sample
from exporters.core.logsetup import fields

Labels = Mapping[str, str]
log = logging.getLogger("exporters.core.metrics")

STRICT_ENV = "PRAXIS_METRICS_STRICT"
_NO_LABELS: frozenset[str] = frozenset()
_VALUE_KINDS = frozenset(("gauge", "counter"))
_new_sample = tuple.__new__
"""Makes a `Sample` without its Python-level `__new__` (one per series per scrape)."""
_LOGGED_LIMIT = 256
_logged: set[str] = set()
_dropped: dict[str, int] = {}


def dropped_samples(prefix: str) -> int:
    """Samples this process dropped for breaking the catalogue of exporter `prefix`."""
    return _dropped.get(prefix, 0)


class MetricCatalogueError(ValueError):
    """A write that breaks the metric catalogue: a bug in the exporter, never bad input."""


class MetricSink:
    """Accumulates samples for one scrape; one family per metric name."""

    def __init__(
        self, const_labels: Labels | None = None, catalogue: Catalogue | None = None
    ) -> None:
        self._const = dict(const_labels or {})
        self._const_items = tuple(sorted(self._const.items()))
        self.catalogue = catalogue
        self._declared_by_name = catalogue.by_name if catalogue is not None else None
        self._families: dict[str, Metric] = {}
        self._label_sets: dict[str, frozenset[str]] = {}
        """Per family the label names (besides the sink's own) its first sample had."""
        self._seen: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
        """(sample name, sorted labels) of every series: no series twice."""
        self.errors = 0
        """Samples dropped because they broke the catalogue (see the module docstring)."""

    # -- writing through declarations ------------------------------------------------------

    def put(
        self, desc: MetricDesc, value: float | int | bool | None, labels: Labels | None = None
    ) -> None:
        """A gauge or counter sample; `None` (or NaN) means "the source does not know"."""
        declared = self._declared_by_name
        if (
            desc.kind in _VALUE_KINDS
            and (declared is None or declared.get(desc.name) is desc)
            and (labels.keys() if labels else _NO_LABELS) == desc.label_set
        ):  # the usual case, checked at once; the rest goes through `_checked`
            self._add(desc, desc.name, value, labels)
            return
        if desc.kind not in _VALUE_KINDS:
            self._violation(desc.name, f"put() on a {desc.kind}; use put_info/put_state")
            return
        if self._checked(desc, labels):
            self._add(desc, desc.name, value, labels)

    def put_info(self, desc: MetricDesc, labels: Labels) -> None:
        """An `_info` gauge with value 1 carrying names and versions as labels."""
        if desc.kind != "info":
            self._violation(desc.name, f"put_info() on a {desc.kind}")
            return
        if self._checked(desc, labels):
            self._add(desc, desc.name, 1, labels)

    def put_state(
        self, desc: MetricDesc, current: str | None, labels: Labels | None = None
    ) -> None:
        """One series per declared state: 1 for `current`, 0 for the rest.

        A current value outside the declared states is added as its own series so it is
        not lost (and logged by the caller where that matters).
        """
        if desc.kind != "stateset":
            self._violation(desc.name, f"put_state() on a {desc.kind}")
            return
        states = list(desc.states)
        if current is not None and current not in states:
            states.append(current)
        base = dict(labels or {})
        label = desc.state_label
        # every state has the same label names: one check stands for all (a failing one
        # is repeated per state, so each dropped sample is counted as before)
        if not self._checked(desc, {**base, label: states[0]}):
            for state in states[1:]:
                self._checked(desc, {**base, label: state})
            return
        for state in states:
            self._add(desc, desc.name, 1 if state == current else 0, {**base, label: state})

    def touch(self, desc: MetricDesc) -> None:
        """Make a family exist with no samples (e.g. a counter that has not yet counted)."""
        if self._declared(desc):
            self._family(desc)

    # -- reading and merging ---------------------------------------------------------------

    def merge(self, other: MetricSink) -> None:
        """Add all samples of `other` (e.g. one target's sink) into this sink."""
        self.errors += other.errors
        if self._seen.isdisjoint(other._seen):
            # the usual case (another target's series): no sample needs a look of its own
            self._seen |= other._seen
            families = self._families
            for family in other._families.values():
                mine = families.get(family.name)
                if mine is None:
                    mine = Metric(family.name, family.documentation, family.type)
                    mine.samples = list(family.samples)
                    families[family.name] = mine
                elif mine.type != family.type:
                    self._violation(family.name, f"merged as {family.type} into a {mine.type}")
                    self._seen -= {_key(sample) for sample in family.samples}
                else:
                    mine.samples += family.samples
            return
        for family in other._families.values():
            mine = self._families.get(family.name)
            if mine is None:
                mine = Metric(family.name, family.documentation, family.type)
                self._families[family.name] = mine
            elif mine.type != family.type:
                self._violation(family.name, f"merged as {family.type} into a {mine.type}")
                continue
            for sample in family.samples:
                key = _key(sample)
                if key in self._seen:
                    self._violation(sample.name, "the same series twice")
                    continue
                self._seen.add(key)
                mine.samples.append(sample)

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

    def _declared(self, desc: MetricDesc) -> bool:
        catalogue = self.catalogue
        if catalogue is not None and desc not in catalogue:
            known = catalogue.get(desc.name)
            reason = "not in the catalogue" if known is None else "differs from the catalogue"
            self._violation(desc.name, reason)
            return False
        return True

    def _checked(self, desc: MetricDesc, labels: Labels | None) -> bool:
        """True if a sample with these labels may be written for `desc`."""
        if not self._declared(desc):
            return False
        if (labels.keys() if labels else _NO_LABELS) != desc.label_set:
            given = set(labels or {})
            self._violation(
                desc.name,
                f"labels {sorted(given)} differ from the declared {sorted(desc.all_labels)}",
            )
            return False
        return True

    def _family(self, desc: MetricDesc) -> Metric:
        family = self._families.get(desc.family)
        if family is not None and family.type == desc.exposed_type:
            return family
        return self._new_family(desc)

    def _new_family(self, desc: MetricDesc) -> Metric:
        family = self._families.get(desc.family)
        if family is None:
            family = Metric(desc.family, desc.help, desc.exposed_type)
            self._families[desc.family] = family
        elif family.type != desc.exposed_type:
            raise MetricCatalogueError(
                f"metric {desc.family} used as {family.type} and as {desc.exposed_type}"
            )
        return family

    def _add(
        self,
        desc: MetricDesc,
        sample_name: str,
        value: float | int | bool | None,
        labels: Labels | None,
    ) -> None:
        family = self._families.get(desc.family)
        if family is None or family.type != desc.exposed_type:
            family = self._new_family(desc)
        if value is None:
            return
        number = float(value)
        if number != number:  # NaN
            return
        label_set = desc.label_set  # the given names, as `_checked` made sure
        first = self._label_sets.setdefault(desc.family, label_set)
        if first is not label_set and first != label_set:
            const = set(self._const)
            self._violation(
                desc.name,
                f"two label sets under one name: {sorted(const | first)} and "
                f"{sorted(const | label_set)}",
            )
            return
        if labels:
            merged = {**self._const, **{k: str(v) for k, v in labels.items()}}
            key = (sample_name, tuple(sorted(merged.items())))
        else:
            merged = dict(self._const)
            key = (sample_name, self._const_items)
        seen = self._seen
        if key in seen:
            self._violation(desc.name, "the same series twice")
            return
        seen.add(key)
        family.samples.append(_new_sample(Sample, (sample_name, merged, number, None, None, None)))

    def _violation(self, name: str, reason: str) -> None:
        message = f"metric {name}: {reason}"
        if os.environ.get(STRICT_ENV) == "1":
            raise MetricCatalogueError(message)
        self.errors += 1
        prefix = self.catalogue.prefix if self.catalogue is not None else ""
        _dropped[prefix] = _dropped.get(prefix, 0) + 1
        if message not in _logged and len(_logged) < _LOGGED_LIMIT:
            _logged.add(message)
            log.error("metric dropped: it breaks the catalogue", extra=fields(err=message))


def _key(sample: Sample) -> tuple[str, tuple[tuple[str, str], ...]]:
    """What makes a series unique: its name and label pairs."""
    return sample.name, tuple(sorted(sample.labels.items()))
