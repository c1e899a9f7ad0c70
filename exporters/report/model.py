"""What a report says, as plain data: built by `build` from query results, rendered by
`render`. Times are Unix seconds (UTC); the renderer shows them in Europe/Berlin."""

from __future__ import annotations

from dataclasses import dataclass, field

from exporters.report.period import Period

Timeline = list[float | None]  # one value per grid point: 1 fine, 0 not, None unknown


@dataclass(frozen=True)
class Grid:
    """The points of the fine range queries: start + k * step, each standing for the
    seconds until the next point (the last one until the period's end)."""

    start: float
    end: float
    step: int

    @property
    def points(self) -> list[float]:
        n = max(1, -(-int(self.end - self.start) // self.step))
        return [self.start + k * self.step for k in range(n)]

    def weight(self, t: float) -> float:
        return min(float(self.step), self.end - t)


@dataclass(frozen=True)
class Coverage:
    """Seconds of the period: in total, with data, and with data saying "fine"."""

    total_s: float
    known_s: float
    ok_s: float

    @property
    def availability(self) -> float | None:
        return self.ok_s / self.known_s if self.known_s else None

    @property
    def known_ratio(self) -> float:
        return self.known_s / self.total_s if self.total_s else 0.0

    @property
    def down_s(self) -> float:
        return self.known_s - self.ok_s


@dataclass
class AreaResult:
    key: str
    present: bool
    coverage: Coverage
    timeline: Timeline
    light: str  # green, yellow, red, grey
    incidents: int = 0
    worst_severity: str = ""
    last_state: float | None = None
    first_known: float | None = None
    last_known: float | None = None
    soonest_expiry_days: int | None = None


@dataclass(frozen=True)
class AlertSpan:
    name: str
    severity: str
    area: str
    target: str
    start: float
    end: float
    began_before: bool = False  # already firing when the period began
    ongoing: bool = False  # still firing when the period ended

    @property
    def duration_s(self) -> float:
        return self.end - self.start


@dataclass
class Incident:
    alerts: list[AlertSpan]
    in_practice_hours: bool

    @property
    def cause(self) -> AlertSpan:
        return self.alerts[0]

    @property
    def start(self) -> float:
        return min(a.start for a in self.alerts)

    @property
    def end(self) -> float:
        return max(a.end for a in self.alerts)

    @property
    def duration_s(self) -> float:
        return self.end - self.start

    @property
    def severity(self) -> str:
        order = {"critical": 3, "warning": 2, "info": 1}
        return max((a.severity for a in self.alerts), key=lambda s: order.get(s, 0))

    @property
    def ongoing(self) -> bool:
        return any(a.ongoing for a in self.alerts)


@dataclass
class CalendarRow:
    job: str
    cells: list[str]  # per day of the period: ok, failed, none, nodata


@dataclass(frozen=True)
class Expiry:
    kind: str  # the FACTS key: cert, ti_card, ...
    name: str
    target: str
    at: float
    days_left: int


@dataclass(frozen=True)
class Fact:
    """One inventory line: `group` (area), `item` (what), `value` (the fact)."""

    group: str
    item: str
    value: str
    kind: str = "text"  # text, timestamp, date, bytes, seconds, flag, not_reported
    target: str = ""  # the exporter target it belongs to


@dataclass
class EvidenceRow:
    key: str
    checkable: bool
    metric: str = ""
    coverage: Coverage | None = None
    last_seen: float | None = None
    state: str = "not_checkable"  # ok, failures, nodata, not_checkable


@dataclass
class Series:
    label: str
    points: list[tuple[float, float]]


@dataclass
class Chart:
    key: str
    series: list[Series]
    unit: str  # ratio, seconds, bytes, state
    limits: list[tuple[str, float]] = field(default_factory=list)


@dataclass(frozen=True)
class Problem:
    """Something the report could not show; `code` selects the sentence in `texts`."""

    code: str
    subject: str = ""
    detail: str = ""


@dataclass
class Report:
    site: str
    period: Period
    generated_at: float
    as_of: float
    step: int
    areas: list[AreaResult] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    calendar: list[CalendarRow] = field(default_factory=list)
    expiries: list[Expiry] = field(default_factory=list)
    evidence: list[EvidenceRow] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # query name -> error
    queries: int = 0
    has_data: bool = True
    boots: list[float] = field(default_factory=list)
    power_events: list[tuple[float, float]] = field(default_factory=list)
    group_window_s: int = 1800
    alerts_known: bool = True  # ALERTS are evaluated into this API (or this site has some)

    @property
    def complete(self) -> bool:
        return not self.failed
