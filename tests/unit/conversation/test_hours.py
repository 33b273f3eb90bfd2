from datetime import datetime
from zoneinfo import ZoneInfo

from bot.config import StaffedHours
from bot.conversation.hours import is_staffed, next_staffed, reply_time_phrase

NY = ZoneInfo("America/New_York")
WEEKDAYS = StaffedHours(timezone="America/New_York", days=[0, 1, 2, 3, 4], start="08:00", end="20:00")


def test_staffed_on_a_weekday_afternoon():
    assert is_staffed(WEEKDAYS, datetime(2026, 11, 23, 14, 0, tzinfo=NY))  # Monday


def test_not_staffed_at_night_or_weekend():
    assert not is_staffed(WEEKDAYS, datetime(2026, 11, 23, 3, 0, tzinfo=NY))
    assert not is_staffed(WEEKDAYS, datetime(2026, 11, 22, 14, 0, tzinfo=NY))  # Sunday


def test_next_staffed_skips_the_weekend():
    saturday_night = datetime(2026, 11, 21, 23, 0, tzinfo=NY)
    assert next_staffed(WEEKDAYS, saturday_night) == datetime(2026, 11, 23, 8, 0, tzinfo=NY)
    assert reply_time_phrase(WEEKDAYS, saturday_night) == "Monday at 8:00 AM"


def test_reply_time_tomorrow_and_today():
    assert reply_time_phrase(WEEKDAYS, datetime(2026, 11, 23, 21, 0, tzinfo=NY)) == "tomorrow at 8:00 AM"
    assert reply_time_phrase(WEEKDAYS, datetime(2026, 11, 23, 6, 0, tzinfo=NY)) == "today at 8:00 AM"


def test_other_timezone_input_is_converted():
    utc_afternoon = datetime(2026, 11, 23, 19, 0, tzinfo=ZoneInfo("UTC"))  # 14:00 in New York
    assert is_staffed(WEEKDAYS, utc_afternoon)
