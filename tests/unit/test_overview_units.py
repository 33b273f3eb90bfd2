"""Overview helpers without a database: clinic UTC offsets across DST, the small-cell rule, SVG escaping."""

from __future__ import annotations

import datetime as dt

from bot.config import StaffedHours
from bot.console import overview_report as report
from bot.console.svg_chart import bar_chart, column_chart
from bot.conversation.hours import utc_offsets


def test_utc_offsets_split_at_the_dst_change():
    hours = StaffedHours(timezone="America/New_York")
    # US DST ended on Sunday 2026-11-01 at 06:00 UTC (02:00 EDT -> 01:00 EST)
    offsets = utc_offsets(hours, dt.datetime(2026, 10, 30), dt.datetime(2026, 11, 3))
    assert offsets == [(dt.datetime(2026, 10, 30), -4 * 3600), (dt.datetime(2026, 11, 1, 6), -5 * 3600)]
    assert utc_offsets(StaffedHours(timezone="UTC"), dt.datetime(2026, 1, 1), dt.datetime(2027, 1, 1)) == [
        (dt.datetime(2026, 1, 1), 0)]


def test_small_cells_are_withheld_and_zero_is_shown():
    assert report.count("x", 0, 5).display == "0" and not report.count("x", 0, 5).suppressed
    four = report.count("x", 4, 5)
    assert (four.value, four.display, four.suppressed) == (None, "< 5", True)
    assert report.count("x", 5, 5).value == 5
    assert report.wait("w", "Median", 600.0, 4, 5).value is None
    assert report.wait("w", "Median", 600.0, 5, 5).value == 10.0


def test_charts_escape_labels_and_draw_no_bar_for_withheld_values():
    svg = str(bar_chart("c", "Bands <b>", [("<script>x</script>", 7, "7"), ("few", None, "< 5")]))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "Bands &lt;b&gt;" in svg
    assert svg.count('class="bar"') == 1 and "&lt; 5" in svg
    columns = str(column_chart("d", "Per day", [("2026-11-01", 3, "3"), ("2026-11-02", None, "< 5")]))
    assert columns.count('class="bar"') == 1 and columns.count('class="bar suppressed"') == 1
