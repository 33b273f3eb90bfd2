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



def utc_offsets(hours: StaffedHours, start: datetime, end: datetime) -> list[tuple[datetime, int]]:
    """The clinic's UTC offset (seconds) between ``start`` and ``end`` (naive UTC) as [(from, offset)], one
    entry per stretch of constant offset (a DST change starts a new one), so SQL can compute local times."""
    zone, utc = ZoneInfo(hours.timezone), ZoneInfo("UTC")

    def offset(moment: datetime) -> int:
        return int(moment.replace(tzinfo=utc).astimezone(zone).utcoffset().total_seconds())

    out = [(start, offset(start))]
    day = start.replace(minute=0, second=0, microsecond=0)
    while day < end:  # a day at a time; hour by hour only across a change
        following = day + timedelta(days=1)
        if offset(min(following, end)) != out[-1][1]:
            moment = day
            while moment < following and moment < end:
                if offset(moment) != out[-1][1]:
                    out.append((max(moment, start), offset(moment)))
                moment += timedelta(hours=1)
        day = following
    return out
