"""The crisis evaluation set (tests/data/crisis_eval.yml): recall must be 100 %, false alarms <= 2 %.

Each message is checked alone (as a first message) and "mid-form": typed after a typical answer to a
screening question ("2. ", "yes ", "no, ", "every day. "), as people do when they answer and then say more.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.safety import CATEGORIES, detect_crisis

DATA = Path(__file__).resolve().parents[2] / "data" / "crisis_eval.yml"
MID_FORM_PREFIXES = ("", "2. ", "yes ", "no, ", "every day. ")
MAX_FALSE_ALARM_RATE = 0.02


def _load():
    with DATA.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    crisis = [(category, text) for category, texts in data["crisis"].items() for text in texts]
    calm = [(group, text) for group, texts in data["non_crisis"].items() for text in texts]
    return crisis, calm


CRISIS, NON_CRISIS = _load()


def test_eval_set_is_big_enough_and_well_labelled():
    assert len(CRISIS) >= 300 and len(NON_CRISIS) >= 300
    assert {category for category, _ in CRISIS} == set(CATEGORIES)
    assert all(isinstance(text, str) and text.strip() for _, text in CRISIS + NON_CRISIS)


@pytest.mark.parametrize("prefix", MID_FORM_PREFIXES)
def test_recall_is_100_percent(prefix):
    missed = [(category, prefix + text) for category, text in CRISIS if detect_crisis(prefix + text) is None]
    assert missed == [], f"{len(missed)} crisis messages missed, e.g. {missed[:10]}"


@pytest.mark.parametrize("prefix", MID_FORM_PREFIXES)
def test_false_alarm_rate_at_most_2_percent(prefix):
    alarms = [(group, prefix + text, detect_crisis(prefix + text)) for group, text in NON_CRISIS]
    alarms = [a for a in alarms if a[2] is not None]
    rate = len(alarms) / len(NON_CRISIS)
    assert rate <= MAX_FALSE_ALARM_RATE, f"false-alarm rate {rate:.1%}: {alarms[:10]}"


def test_the_briefs_hard_negatives_are_not_crises():
    for text in ("this commute is killing me", "I'd die for a coffee", "my brother overdosed last year",
                 "I'm not suicidal, I just want to stop drinking", "just trying to kill time",
                 "dying to know"):
        assert detect_crisis(text) is None, text
