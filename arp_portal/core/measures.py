"""Linked measures: how an action names the figure it should move, and how other apps supply it.

An action stores a measure as a key: colon-separated parts, the first naming the kind of measure
and the app that provides it, for example

    children:cic:rri:Black          relative rate index of Black children in care
    children:cp:rate:MWBC           rate per 10,000 on a child protection plan, one DfE code
    workforce:disciplinary:rli:bme  relative likelihood of entering a disciplinary process
    survey:<survey-slug>:<question>:<group>

The action plan knows nothing of how to work a figure out. Another app registers a provider for
its kind, usually in its AppConfig.ready():

    from arp_portal.core.measures import MeasureReading, TrendPoint, register_provider

    def children_measure(key: MeasureKey) -> MeasureReading | None:
        ...  # None when the key names nothing this app can measure

    register_provider("children", children_measure, label="Children's dashboard")

Until a kind has a provider (or its provider returns None), the action page says "measure not yet
available" and keeps the link, so nothing is lost while the dashboards are being built.
"""

import dataclasses
import logging
import re
from collections.abc import Callable

logger = logging.getLogger(__name__)

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(:[A-Za-z0-9_.\-]+)+$")


@dataclasses.dataclass(frozen=True)
class MeasureKey:
    kind: str
    parts: tuple[str, ...]

    @classmethod
    def parse(cls, key: str) -> "MeasureKey":
        key = key.strip()
        if not KEY_PATTERN.match(key):
            raise ValueError(
                f"“{key}” is not a measure key: use a kind and at least one part separated by "
                "colons, such as children:cic:rri:Black"
            )
        kind, *parts = key.split(":")
        return cls(kind=kind, parts=tuple(parts))

    def __str__(self) -> str:
        return ":".join((self.kind, *self.parts))


@dataclasses.dataclass(frozen=True)
class TrendPoint:
    period: str  # how the period is named on the page, e.g. "2024-25" or "31 March 2025"
    value: float


@dataclasses.dataclass(frozen=True)
class MeasureReading:
    """What a provider returns: the latest value and the values before it, oldest first."""

    label: str  # e.g. "Relative rate index, Black children in care"
    value: float | None  # None when the latest figure is suppressed
    display_value: str  # formatted as the provider's pages show it, e.g. "2.4" or "c"
    as_of: str  # the period of the latest value, e.g. "31 March 2025"
    trend: tuple[TrendPoint, ...] = ()
    # Which way is better, so the page can say "improving" or "worsening": "down", "up" or "".
    better: str = ""
    url: str = ""  # where the figure is shown in full
    note: str = ""  # e.g. "Reference group: White British"

    @property
    def direction(self) -> str:
        """ "up", "down" or "no change" since the previous value; "" without two values."""
        values = [point.value for point in self.trend if point.value is not None]
        if len(values) < 2:
            return ""
        if values[-1] > values[-2]:
            return "up"
        if values[-1] < values[-2]:
            return "down"
        return "no change"

    @property
    def verdict(self) -> str:
        if not self.better or self.direction in ("", "no change"):
            return ""
        return "improving" if self.direction == self.better else "worsening"


Provider = Callable[[MeasureKey], MeasureReading | None]


@dataclasses.dataclass(frozen=True)
class _Registration:
    provider: Provider
    label: str


_providers: dict[str, _Registration] = {}


def register_provider(kind: str, provider: Provider, *, label: str = "") -> None:
    """Make `provider` answer for every key whose first part is `kind` (replacing any before)."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", kind):
        raise ValueError(f"“{kind}” is not a measure kind: use lower-case letters and digits")
    _providers[kind] = _Registration(provider=provider, label=label or kind)


def unregister_provider(kind: str) -> None:
    _providers.pop(kind, None)


@dataclasses.dataclass(frozen=True)
class MeasureStatus:
    """What the action page shows for one linked measure."""

    key: str
    label: str
    reading: MeasureReading | None
    message: str  # why there is no reading, when there is none

    @property
    def available(self) -> bool:
        return self.reading is not None


NOT_YET_AVAILABLE = "Measure not yet available"


def measure_status(key: str, label: str = "") -> MeasureStatus:
    """The latest reading for a key, or the reason there is none. Never raises."""
    try:
        parsed = MeasureKey.parse(key)
    except ValueError:
        return MeasureStatus(key, label or key, None, "Not a valid measure key")
    registration = _providers.get(parsed.kind)
    if registration is None:
        return MeasureStatus(key, label or key, None, NOT_YET_AVAILABLE)
    try:
        reading = registration.provider(parsed)
    except Exception:  # a dashboard's fault must not break the action page
        logger.exception("Measure provider for %s failed on %s", parsed.kind, key)
        return MeasureStatus(key, label or key, None, "Measure could not be read just now")
    if reading is None:
        return MeasureStatus(key, label or key, None, NOT_YET_AVAILABLE)
    return MeasureStatus(key, label or reading.label, reading, "")
