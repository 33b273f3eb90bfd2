"""Log redaction: message texts, slot values, tracker dumps and exception messages never reach a handler."""

import io
import logging
import sys
import threading
import warnings

import pytest

from bot import redact

MARKER = "zq-marker-7731"


@pytest.fixture
def log():
    """A logger writing to a string, with redaction installed (and everything put back afterwards)."""
    saved = (logging.getLogRecordFactory(), warnings.showwarning, sys.excepthook, threading.excepthook)
    redact.install(redact.key_from("test secret"))
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(old_level)
    logging.setLogRecordFactory(saved[0])
    warnings.showwarning, sys.excepthook, threading.excepthook = saved[1:]


def test_rasa_style_lines_keep_their_wording_and_lose_the_text(log):
    logging.getLogger("rasa.core.processor").debug(
        f"Received user message '/greet I want to kill myself {MARKER}' with intent '{{'name': 'crisis'}}'")
    logging.getLogger("rasa.core.processor").debug("Current slot values: \n\tsafety_thoughts: yes %s", MARKER)
    logging.getLogger("sanic.error").info("tracker %s", {"events": [{"text": MARKER}], "slots": {"x": MARKER}})
    logging.getLogger("rasa.core.processor").info("Logged UserUtterance - tracker now has 12 events.")
    text = log.getvalue()
    assert MARKER not in text and "kill" not in text and "crisis" not in text and "safety_thoughts" not in text
    assert "Received user message ‹redacted›" in text and "Current slot values ‹redacted›" in text
    assert "tracker now has 12 events." in text  # lines without data stay whole


def test_ids_and_phone_numbers_are_hashed_consistently(log):
    logging.getLogger("rasa").info("Starting a new session for conversation ID '+1 (555) 010-4242'")
    logging.getLogger("rasa").info("conversation +15550104242 continues")
    logging.getLogger("rasa").info("sender 0f8e6a8f1b6c4b0e9d7a5c3e1f2a4b6c: %s", MARKER)
    text = log.getvalue()
    assert "555" not in text and "0f8e6a8f1b6c4b0e9d7a5c3e1f2a4b6c" not in text and MARKER not in text
    tag = redact.hashed("15550104242")
    assert text.count(tag) == 2


def test_exception_messages_are_redacted_frames_kept(log):
    try:
        try:
            raise ValueError(f"bad answer {MARKER}\nsecond line {MARKER}")
        except ValueError as exc:
            raise RuntimeError(f"body='{{\"request_body\": \"{MARKER}\"}}'") from exc
    except RuntimeError:
        logging.getLogger("rasa_sdk.endpoint").exception("Exception occurred during execution of request")
    text = log.getvalue()
    assert MARKER not in text
    assert "ValueError: ‹redacted›\n‹redacted›\n" in text
    assert "RuntimeError" in text and "test_redact.py" in text and "Traceback" in text


def test_warnings_and_uncaught_exceptions_go_through_the_redacting_log(log):
    warnings.warn(f"Failed to parse arguments in line '/greet I want to kill myself {MARKER}'", UserWarning,
                  stacklevel=1)
    sys.excepthook(KeyError, KeyError(MARKER), None)
    text = log.getvalue()
    assert MARKER not in text and "kill" not in text
    assert "Failed to parse arguments in line ‹redacted›" in text
    assert "UserWarning" in text and "uncaught exception" in text and "KeyError" in text


@pytest.mark.usefixtures("log")
def test_install_is_idempotent():
    factory = logging.getLogRecordFactory()
    redact.install(redact.key_from("test secret"))
    assert logging.getLogRecordFactory() is factory
