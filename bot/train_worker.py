"""Child process of ``iopbot train``/``test``: builds models and runs a Rasa command, output to a log file.

    python -m bot.train_worker --log var/logs/train.log [--spacy] [--crisis] [--force] [-- <rasa arguments>]

Everything libraries print goes to the log (``bot.terminal.quiet_libraries``). On stdout it writes one JSON
object per line for the parent: ``{"start": stage}``, ``{"done": stage, "seconds": s, "cached": bool}`` and
``{"say": text}`` (a warning a person should see). During ``rasa train`` the stage follows Rasa's training
hooks: checking the data until the first component, the dialogue policies, then language understanding and
saving the model. The exit code is Rasa's (or 1 if a build failed).
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import time
import traceback
from pathlib import Path
from typing import TextIO

HOOK = re.compile(r"(Starting to train|Finished training|Restored) component '([^']+)'")


class Events:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def send(self, **event) -> None:
        self.stream.write(json.dumps(event) + "\n")
        self.stream.flush()

    def say(self, text: str) -> None:
        self.send(say=text)


class RasaStages(logging.Handler):
    """Turns Rasa's training log lines into stage events (see the module docstring)."""

    def __init__(self, events: Events, policies: set[str]) -> None:
        super().__init__(logging.INFO)
        self.events, self.policies = events, policies
        self.stage, self.began, self.cached = "rasa_check", time.monotonic(), None
        self.policies_done: set[str] = set()
        events.send(start=self.stage)

    def switch(self, stage: str | None) -> None:
        now = time.monotonic()
        self.events.send(done=self.stage, seconds=round(now - self.began, 2), cached=bool(self.cached))
        if stage:
            self.stage, self.began, self.cached = stage, now, None
            self.events.send(start=stage)

    def emit(self, record: logging.LogRecord) -> None:
        match = HOOK.search(record.getMessage())
        if record.name.startswith("rasa.nlu.utils.spacy_utils") and self.stage == "rasa_check":
            self.switch("rasa_nlu")
        if not match:
            return
        what, component = match.groups()
        kind = "rasa_dialogue" if component in self.policies else "rasa_nlu"
        if what in ("Starting to train", "Restored"):
            if self.stage == "rasa_check":
                self.switch(kind)
            self.cached = (self.cached is not False) and what == "Restored"
        if what in ("Finished training", "Restored") and component in self.policies:
            self.policies_done.add(component)
            if self.stage == "rasa_dialogue" and self.policies_done >= self.policies:
                self.switch("rasa_nlu")


def policy_names(config: Path) -> set[str]:
    import yaml

    try:
        data = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):  # Rasa says what is wrong with it
        return set()
    return {str(p.get("name", "")).rsplit(".", 1)[-1] for p in data.get("policies") or []}


def timed(events: Events, stage: str, build) -> None:
    began = time.monotonic()
    events.send(start=stage)
    rebuilt = build()
    events.send(done=stage, seconds=round(time.monotonic() - began, 2), cached=rebuilt is False)


def run_rasa(args: list[str], events: Events) -> int:
    """Rasa's own command line, in this process (its output already goes to the log)."""
    import rasa.__main__

    stages = None
    if args[:1] == ["train"]:
        stages = RasaStages(events, policy_names(Path(args[args.index("--config") + 1])))
        for name in ("rasa.engine.training.hooks", "rasa.nlu.utils.spacy_utils"):
            logging.getLogger(name).addHandler(stages)
    sys.argv = ["rasa", *args]
    try:
        rasa.__main__.main()
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    if stages is not None and code == 0:
        stages.switch(None)
    return code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.train_worker")
    parser.add_argument("--log", type=Path, required=True)
    parser.add_argument("--spacy", action="store_true")
    parser.add_argument("--crisis", action="store_true")
    parser.add_argument("--force", action="store_true")
    parser.add_argument("rasa", nargs=argparse.REMAINDER)
    opts = parser.parse_args(argv)
    rasa_args = opts.rasa[1:] if opts.rasa[:1] == ["--"] else opts.rasa

    from bot.terminal import our_log_warnings_to, quiet_libraries, route_warnings

    events = Events(quiet_libraries(opts.log))
    from bot.rasa_notices import explain

    route_warnings(events.say, explain)
    our_log_warnings_to(events.say)
    try:
        if opts.spacy:
            from bot.training import ensure_spacy_pipeline

            timed(events, "spacy", lambda: ensure_spacy_pipeline(force=opts.force))
        if opts.crisis:
            from bot.safety.model import MODEL_DIR, build

            MODEL_DIR.mkdir(parents=True, exist_ok=True)
            timed(events, "crisis", lambda: build(MODEL_DIR, force=opts.force))
    except Exception:  # noqa: BLE001 - the parent shows the end of the log
        traceback.print_exc()
        return 1
    return run_rasa(rasa_args, events) if rasa_args else 0


if __name__ == "__main__":
    sys.exit(main())
