"""No health information in any log line: every log record of the process is redacted when it is made.

``install(key)`` puts a log-record factory in place (so it covers Rasa's, rasa_sdk's, Sanic's, uvicorn's and
our own loggers, at every level, whatever handlers they configure later), sends Python warnings and uncaught
exceptions through logging, and keeps only the *wording* of each line: everything from the first quote,
bracket, brace, colon, equals sign or line break on is replaced by ``‹redacted›``. That is where Rasa and the
libraries put message texts, intents, entities, slot values and tracker dumps (``Received user message '…'``,
``Current slot values: …``, ``Failed to parse arguments in line '…'``, ``body='{…}'``); arguments of
%-style calls are replaced whole (numbers stay), and exception messages too. Conversation ids and
phone numbers found in the removed part are shown as keyed hashes (``id:1a2b3c4d``), so one conversation can
still be followed through the log without naming it. Tracebacks keep their frames (file, line, code) and
the exception's type; the exception's message is redacted the same way.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import sys
import threading
import traceback
import warnings

MARK = "‹redacted›"
CUT = re.compile(r"""['"{}\[\]:=\n<(]""")
PHONE = re.compile(r"(?<![\w])\+?\d[\d ().-]{6,18}\d(?![\w])")
LONG_ID = re.compile(r"(?<![\w-])[0-9a-fA-F][0-9a-fA-F-]{15,63}(?![\w-])")
EXCEPTION_LINE = re.compile(r"^([A-Za-z_][\w.]*)(?::\s.*)?$", re.S)
TRACEBACK_HEADERS = (
    "Traceback (most recent call last):",
    "During handling of the above exception, another exception occurred:",
    "The above exception was the direct cause of the following exception:",
    "Stack (most recent call last):",
)

_key = b""


def hashed(value: str) -> str:
    """A short keyed hash of an identifier: the same id gives the same tag, the tag does not give the id."""
    return "id:" + hmac.new(_key, value.encode("utf-8", "replace"), hashlib.sha256).hexdigest()[:8]


def _identifiers(text: str, limit: int = 3) -> list[str]:
    """Hash tags of the first ``limit`` phone numbers and long hex / UUID ids in ``text``."""
    found = [re.sub(r"\D", "", m.group()) for m in PHONE.finditer(text)]
    found += [m.group() for m in LONG_ID.finditer(text) if not m.group().replace("-", "").isdigit()]
    return list(dict.fromkeys(hashed(v) for v in found))[:limit]


def redact_text(text: str) -> str:
    """Keep the wording up to the first quote, bracket, colon, '=' or line break; hash ids found after it."""
    match = CUT.search(text)
    head, rest = (text, "") if match is None else (text[: match.start()], text[match.start():])
    ids = _identifiers(head)
    if ids:  # an id inside the wording itself ("conversation +15550100 started")
        head = LONG_ID.sub(lambda m: hashed(m.group()), PHONE.sub(lambda m: hashed(re.sub(r"\D", "", m.group())), head))
    if not rest:
        return head
    tags = _identifiers(rest)
    return f"{head.rstrip()} {MARK}" + (f" ({', '.join(tags)})" if tags else "")


def redact_traceback(text: str) -> str:
    """Frames stay (they are our code, not the person's words); exception messages are redacted."""
    out = []
    for line in text.splitlines():
        if not line or line.startswith((" ", "\t")) or line in TRACEBACK_HEADERS:
            out.append(line)
            continue
        match = EXCEPTION_LINE.match(line)
        if match and (": " in line or line == match.group(1)):  # "ValueError: <message>": the type stays
            tags = _identifiers(line.split(": ", 1)[1]) if ": " in line else []
            tail = (f": {MARK}" if ": " in line else "") + (f" ({', '.join(tags)})" if tags else "")
            out.append(match.group(1) + tail)
        else:  # a further line of a multi-line exception message
            out.append(MARK)
    return "\n".join(out)


def _safe_arg(value):
    """A %-style log argument: numbers stay, anything else (texts, dicts, trackers) becomes the mark."""
    if isinstance(value, (bool, int, float)) or value is None:
        return value
    tags = _identifiers(str(value))
    return f"{MARK} ({', '.join(tags)})" if tags else MARK


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """Replace the record's message, arguments, traceback and stack text with their redacted forms."""
    args = record.args
    if isinstance(args, dict):
        args = {k: _safe_arg(v) for k, v in args.items()}
    elif args:
        args = tuple(_safe_arg(v) for v in (args if isinstance(args, tuple) else (args,)))
    try:
        message = str(record.msg) % args if args else str(record.msg)
    except Exception:  # noqa: BLE001 - a format that needs the real values ("%d" of a text): wording only
        message = str(record.msg)
    record.msg, record.args = redact_text(message), ()
    if record.exc_info and record.exc_info[0] is not None:
        record.exc_text = redact_traceback("".join(traceback.format_exception(*record.exc_info)))
    elif record.exc_text:
        record.exc_text = redact_traceback(record.exc_text)
    if record.stack_info:
        record.stack_info = redact_traceback(record.stack_info)
    return record


def _showwarning(message, category, filename, lineno, file=None, line=None) -> None:  # noqa: ARG001
    logging.getLogger("py.warnings").warning(f"{category.__name__} from {filename} line {lineno} - {message}")


def _excepthook(exc_type, exc, tb) -> None:
    logging.getLogger("uncaught").critical("uncaught exception", exc_info=(exc_type, exc, tb))


def _thread_excepthook(args) -> None:
    if args.exc_type is not SystemExit:
        _excepthook(args.exc_type, args.exc_value, args.exc_traceback)


def install(key: bytes) -> None:
    """Redact every log record of this process from now on (idempotent); ``key`` keys the id hashes."""
    global _key
    _key = key
    current = logging.getLogRecordFactory()
    if getattr(current, "iopbot_redacts", False):
        return

    def factory(*args, **kwargs) -> logging.LogRecord:
        return redact_record(current(*args, **kwargs))

    factory.iopbot_redacts = True
    logging.setLogRecordFactory(factory)
    warnings.showwarning = _showwarning
    sys.excepthook = _excepthook
    threading.excepthook = _thread_excepthook


def key_from(secret: str) -> bytes:
    """The id-hash key, derived from the console secret so all three processes tag an id the same way."""
    return hashlib.sha256(b"iopbot log ids\0" + secret.encode("utf-8")).digest()
