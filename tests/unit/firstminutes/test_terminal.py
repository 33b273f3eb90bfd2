"""What reaches the terminal: library notices go to the log, our warnings and unexplained Rasa notices show."""

from __future__ import annotations

import subprocess
import sys
import warnings

import pytest

from bot.config import PROJECT_ROOT
from bot.terminal import duration, first_lines, route_warnings

SITE = f"{sys.prefix}/lib/python3.11/site-packages"


@pytest.mark.parametrize(("seconds", "text"), [(0.04, "0.0 s"), (3.24, "3.2 s"), (14.6, "15 s"), (60, "1 min"),
                                               (222, "3 min 42 s")])
def test_durations_read_like_a_person_would_say_them(seconds, text):
    assert duration(seconds) == text


@pytest.mark.parametrize(("seconds", "text"), [(0.2, "1 s"), (5.0, "5 s"), (59.4, "59 s"), (216, "3 min 40 s")])
def test_estimates_are_rounded(seconds, text):
    assert duration(seconds, rough=True) == text


@pytest.fixture
def routed(monkeypatch):
    """route_warnings installed for one test; returns the lines it would show on the terminal."""
    monkeypatch.setattr(warnings, "showwarning", warnings.showwarning)
    said: list[str] = []
    route_warnings(said.append, lambda message: "explained" if "explained" in message else None)
    return said


def warn(message: str, category: type[Warning], filename: str) -> None:
    with warnings.catch_warnings():  # keeps the hook, overrides pytest's own filters for this one
        warnings.simplefilter("always")
        warnings.warn_explicit(message, category, filename, 1, registry={})


def test_library_deprecations_go_to_the_log_only(routed, capsys):
    warn("'parseString' deprecated - use 'parse_string'", DeprecationWarning, f"{SITE}/matplotlib/x.py")
    warn("Deprecated API features detected!", FutureWarning, f"{SITE}/rasa/core/tracker_store.py")
    warn("Attempting to set identical low and high xlims", UserWarning, f"{SITE}/rasa/utils/plotting.py")
    assert routed == []
    log = capsys.readouterr().err
    assert "parseString" in log and "Deprecated API features" in log


def test_our_own_warnings_show_and_are_logged(routed, capsys):
    warn("the crisis model is missing", UserWarning, str(PROJECT_ROOT / "bot" / "safety" / "model.py"))
    warn("old setting name", DeprecationWarning, str(PROJECT_ROOT / "bot" / "config.py"))
    assert routed == ["!! warning: the crisis model is missing", "!! warning: old setting name"]
    assert "the crisis model is missing" in capsys.readouterr().err


def test_rasa_notices_about_our_data_show_unless_a_project_check_explains_them(routed, capsys):
    warn("The utterance 'utter_gone' is not used in any story or rule.\n  More info at https://rasa.com", UserWarning,
         f"{SITE}/rasa/shared/utils/io.py")
    warn("explained notice", UserWarning, f"{SITE}/rasa/shared/utils/io.py")
    assert routed == ["!! Rasa: The utterance 'utter_gone' is not used in any story or rule."]
    assert "(not shown on the terminal: explained)" in capsys.readouterr().err


def test_first_lines_joins_a_multi_line_notice_without_links():
    assert first_lines("Issue found in 'x.yml':\nFound intent 'faq'\n  More info at https://r") == \
        "Issue found in 'x.yml': Found intent 'faq'"


def test_quiet_libraries_sends_prints_and_native_output_to_the_log(tmp_path):
    log = tmp_path / "logs" / "child.log"
    code = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from bot.terminal import quiet_libraries\n"
        f"terminal = quiet_libraries(Path({str(log)!r}))\n"
        "print('a library prints')\n"
        "os.write(2, b'2026 I tensorflow/core oneDNN custom operations are on\\n')\n"
        "terminal.write('a line for a person\\n')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    assert done.stdout == "a line for a person\n" and done.stderr == ""
    assert log.read_text() == "a library prints\n2026 I tensorflow/core oneDNN custom operations are on\n"
