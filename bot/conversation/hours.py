"""Staffed hours: is someone at the clinic now, and when will someone reply."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.config import StaffedHours


def _parse(hhmm: str) -> time:
    if hhmm == "24:00":
        return time(23, 59, 59)
    hour, minute = (int(x) for x in hhmm.split(":"))
    return time(hour, minute)


def is_staffed(hours: StaffedHours, now: datetime | None = None) -> bool:
    local = (now or datetime.now(tz=ZoneInfo("UTC"))).astimezone(ZoneInfo(hours.timezone))
    return local.weekday() in hours.days and _parse(hours.start) <= local.time() <= _parse(hours.end)


def next_staffed(hours: StaffedHours, now: datetime | None = None) -> datetime:
    """The next moment (local time of the clinic) when the team is in; ``now`` itself if staffed."""
    local = (now or datetime.now(tz=ZoneInfo("UTC"))).astimezone(ZoneInfo(hours.timezone))
    if is_staffed(hours, local):
        return local
    start = _parse(hours.start)
    for offset in range(0, 8):
        day = local.date() + timedelta(days=offset)
        candidate = datetime.combine(day, start, tzinfo=local.tzinfo)
        if candidate.weekday() in hours.days and candidate > local:
            return candidate
    return local


def reply_time_phrase(hours: StaffedHours, now: datetime | None = None, lang: str = "en") -> str:
    """Plain words for when someone will get back, e.g. "Monday at 8:00 AM" / "el lunes a las 8:00 AM"."""
    from bot.texts import text

    when = next_staffed(hours, now)
    local_now = (now or datetime.now(tz=ZoneInfo("UTC"))).astimezone(ZoneInfo(hours.timezone))
    words = text(lang, "time") or {}
    day = words["today"] if when.date() == local_now.date() else (
        words["tomorrow"] if when.date() == local_now.date() + timedelta(days=1) else
        words["weekdays"][when.weekday()])
    return words["at"].format(day=day, time=when.strftime("%-I:%M %p"))


def staffed_intervals(hours: StaffedHours, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """The staffed stretches between ``start`` and ``end`` (naive UTC) as merged, half-open naive-UTC
    intervals, one per staffed day (DST-correct); used to split handoffs into staffed / after hours in SQL."""
    zone, utc = ZoneInfo(hours.timezone), ZoneInfo("UTC")
    first = start.replace(tzinfo=utc).astimezone(zone).date() - timedelta(days=1)
    last = end.replace(tzinfo=utc).astimezone(zone).date() + timedelta(days=1)
    out: list[tuple[datetime, datetime]] = []
    day = first
    while day <= last:
        if day.weekday() in hours.days:
            opens = datetime.combine(day, _parse(hours.start), tzinfo=zone)
            closes = (datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone) if hours.end == "24:00"
                      else datetime.combine(day, _parse(hours.end), tzinfo=zone))
            a = max(opens.astimezone(utc).replace(tzinfo=None), start)
            b = min(closes.astimezone(utc).replace(tzinfo=None), end)
            if a < b:
                if out and out[-1][1] >= a:
                    out[-1] = (out[-1][0], max(out[-1][1], b))
                else:
                    out.append((a, b))
        day += timedelta(days=1)
    return out
