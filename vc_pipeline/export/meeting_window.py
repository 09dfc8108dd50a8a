"""When a group can meet: the overlap of its members' working hours in the round's first week.

Working hours are 09:00–18:00 local time, Monday to Friday, on each member's own clock (daylight
saving included) during the seven days from the round's start date. The window is written in each
member's local time with the zone's name, e.g.

    Mon–Fri 15:00–18:00 in Berlin (UTC+1) = 09:00–12:00 in Toronto (UTC-5)

When the working hours never overlap, the least-bad hour is given instead: the hour that keeps the
member furthest outside their working hours as close to them as possible. A member without a time
zone gets no window (an unknown place says nothing about a clock).
"""

import datetime as dt
import functools
from collections import Counter
from collections.abc import Sequence

import numpy as np

WORK_START_HOUR, WORK_END_HOUR = 9, 18
WORKDAYS = range(5)  # Monday to Friday
SLOT_MINUTES = 15
_SLOTS_PER_DAY = 24 * 60 // SLOT_MINUTES
_SLOTS_PER_HOUR = 60 // SLOT_MINUTES
# The week after the round starts, plus a day either side so that runs crossing midnight UTC are whole.
_DAYS_BEFORE, _WEEK_DAYS, _DAYS_AFTER = 1, 7, 1
NO_OVERLAP = "no shared working hours; least-bad hour: "
_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def utc_label(offset_minutes: int) -> str:
    """"UTC", "UTC+1", "UTC-8", "UTC+5:30" for an offset in minutes."""
    if offset_minutes == 0:
        return "UTC"
    sign, minutes = ("+" if offset_minutes > 0 else "-"), abs(offset_minutes)
    return f"UTC{sign}{minutes // 60}" + (f":{minutes % 60:02d}" if minutes % 60 else "")


def zone_label(time_zone: str, offset_minutes: int) -> str:
    """How a zone is named in a window: its city and the offset in force ("New York (UTC-5)"), or
    the bare offset for a fixed-offset zone ("Etc/GMT-1" is "UTC+1")."""
    if time_zone.startswith("Etc/") or time_zone == "UTC":
        return utc_label(offset_minutes)
    return f"{time_zone.rsplit('/', 1)[-1].replace('_', ' ')} ({utc_label(offset_minutes)})"


def _week_start(round_date: dt.date) -> dt.datetime:
    return dt.datetime(round_date.year, round_date.month, round_date.day, tzinfo=dt.timezone.utc)


@functools.cache
def _local_slots(time_zone: str, round_date: dt.date) -> tuple[np.ndarray, np.ndarray]:
    """For every UTC slot of the window's days: the local weekday (0 = Monday) and local minute of
    day (minus the slot's UTC minute of day, modulo a day, it is the offset in force)."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(time_zone)
    first = _week_start(round_date) - dt.timedelta(days=_DAYS_BEFORE)
    count = (_DAYS_BEFORE + _WEEK_DAYS + _DAYS_AFTER) * _SLOTS_PER_DAY
    weekdays, minutes = np.empty(count, dtype=int), np.empty(count, dtype=int)
    for i in range(count):
        local = (first + dt.timedelta(minutes=i * SLOT_MINUTES)).astimezone(zone)
        weekdays[i], minutes[i] = local.weekday(), local.hour * 60 + local.minute
    return weekdays, minutes


def _working(time_zone: str, round_date: dt.date) -> np.ndarray:
    weekdays, minutes = _local_slots(time_zone, round_date)
    return (np.isin(weekdays, list(WORKDAYS)) & (minutes >= WORK_START_HOUR * 60)
            & (minutes + SLOT_MINUTES <= WORK_END_HOUR * 60))


def _hours_outside(working: np.ndarray) -> np.ndarray:
    """Per slot, how many hours it lies from the nearest working slot (0 inside working hours)."""
    count = len(working)
    index = np.arange(count)
    before = np.where(working, index, -count * 2)
    after = np.where(working, index, count * 3)
    nearest_before = np.maximum.accumulate(before)
    nearest_after = np.minimum.accumulate(after[::-1])[::-1]
    return np.minimum(index - nearest_before, nearest_after - index) / _SLOTS_PER_HOUR


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) slot ranges of consecutive True values."""
    edges = np.diff(np.concatenate([[0], flags.astype(int), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)))


def _clock(minutes: int) -> str:
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


def _days(weekdays: list[int]) -> str:
    days = sorted(set(weekdays))
    if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
        return f"{_DAY_NAMES[days[0]]}–{_DAY_NAMES[days[-1]]}"
    return ", ".join(_DAY_NAMES[d] for d in days)


def _describe(runs: list[tuple[int, int]], time_zones: Sequence[str], round_date: dt.date) -> str:
    """The most frequent run (same local start and end for everyone), on the days it happens."""
    def local(zone: str, start: int, end: int) -> tuple[int, int]:
        _, minutes = _local_slots(zone, round_date)
        return int(minutes[start]), int(minutes[start]) + (end - start) * SLOT_MINUTES

    patterns = [tuple(local(zone, start, end) for zone in time_zones) for start, end in runs]
    counts = Counter(patterns)
    pattern = max(counts, key=lambda p: (counts[p], p[0][1] - p[0][0]))
    chosen = [run for run, p in zip(runs, patterns) if p == pattern]
    parts, last_days = [], None
    for zone, (start, end) in zip(time_zones, pattern):
        weekdays, _ = _local_slots(zone, round_date)
        days = _days([int(weekdays[s]) for s, _ in chosen])
        utc_minute = (chosen[0][0] * SLOT_MINUTES) % (24 * 60)
        offset = (start - utc_minute + 12 * 60) % (24 * 60) - 12 * 60
        label = f"{_clock(start)}–{_clock(end)} in {zone_label(zone, offset)}"
        part = label if days == last_days else f"{days} {label}"
        if label not in {p.removeprefix(f"{days} ") for p in parts}:
            parts.append(part)
        last_days = days
    return " = ".join(parts)


def meeting_window(time_zones: Sequence[str | None], round_date: dt.date) -> str:
    """The group's shared working hours in the round's first week, in each member's local time
    ("Mon–Fri 15:00–18:00 in Berlin (UTC+1) = 09:00–12:00 in Toronto (UTC-5)"); with no overlap, "no shared
    working hours; least-bad hour: ..."; "" when any member's time zone is unknown."""
    if not time_zones or any(not zone for zone in time_zones):
        return ""
    working = [_working(zone, round_date) for zone in time_zones]
    week = np.zeros_like(working[0])
    week[_DAYS_BEFORE * _SLOTS_PER_DAY:(_DAYS_BEFORE + _WEEK_DAYS) * _SLOTS_PER_DAY] = True
    together = np.logical_and.reduce(working)
    runs = [(s, e) for s, e in _runs(together) if week[s]]
    if runs:
        return _describe(runs, time_zones, round_date)
    outside = np.stack([_hours_outside(w) for w in working])
    hour = _SLOTS_PER_HOUR
    # an hour's cost: the worst member's distance from their working hours, then everyone's total
    worst = np.array([outside[:, s:s + hour].max() if week[s] else np.inf for s in range(len(week) - hour)])
    total = np.array([outside[:, s:s + hour].max(axis=1).sum() for s in range(len(week) - hour)])
    cost = worst * 1000 + total
    best = np.flatnonzero(cost == cost.min())
    return NO_OVERLAP + _describe([(s, s + hour) for s in best], time_zones,
                                                                    round_date)
