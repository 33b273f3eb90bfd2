"""``bench/answers_eval.py`` scores a last-use answer by range: an outside writer may label it in days (round 5)
or with the choice it falls in (round 6); both must score the same reading the same way."""

import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from answers_eval import is_right  # noqa: E402

LAST_USE = SimpleNamespace(type="last_use")


@pytest.mark.parametrize(("days", "label", "right"), [
    (0, "today_yesterday", True), (1, "today_yesterday", True), (2, "today_yesterday", False),
    (2, "within_2_weeks", True), (14, "within_2_weeks", True), (21, "within_2_weeks", False),
    (21, "within_3_months", True), (60, "within_3_months", True), (120, "within_3_months", False),
    (365, "over_3_months", True), (42, "over_3_months", False),
])
def test_a_last_use_label_is_the_range_of_days_it_names(days, label, right):
    assert is_right(LAST_USE, days, {"expect": label}) is right


def test_a_last_use_in_days_still_scores_by_the_criteria_ranges():
    assert is_right(LAST_USE, 20, {"expect": 25})
    assert not is_right(LAST_USE, 20, {"expect": 40})
