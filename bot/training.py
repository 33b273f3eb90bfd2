"""Build what the bot serves (spaCy pipeline, crisis model, Rasa model), only what changed, with a short story.

A stamp beside the models (``models/.model-inputs.json``) holds hashes of what the Rasa model was trained
from: the data (``config.yml``, ``domain.yml``, ``data/nlu``, ``data/rules``, ``data/stories``) and the code
and libraries it was trained with (``bot/nlu``, ``bot/text``, ``requirements.lock``). When neither changed the
stamped model is reused and Rasa is not started at all; when only data changed Rasa trains with its own
cache; when the code changed it trains from scratch (``--force``), because Rasa's cache cannot see code.

The work runs in a child process (``bot.train_worker``) whose output goes to ``<data_dir>/logs/train.log``;
this side prints one line per stage with an estimate (the last measured time, ``models/.train-times.json``).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bot.config import PROJECT_ROOT, Settings
from bot.services import BIN, TRAINING_DATA, child_env
from bot.terminal import duration, shown

SPACY_DIR = PROJECT_ROOT / "models" / "spacy_en_iop"
PIPELINE_SOURCES = ("pipeline.py", "lexicon.yml")  # what the saved spaCy pipeline is built from
DATA_INPUTS = ("config.yml", "domain.yml", *TRAINING_DATA)
CODE_INPUTS = ("bot/nlu", "bot/text", "requirements.lock")
STAMP = ".model-inputs.json"
TIMES = ".train-times.json"
# stage: (what it is, seconds it took on a 2-core machine of ours, used until this machine measured it)
STAGES = {
    "spacy": ("spaCy pipeline", 5),
    "crisis": ("crisis model", 60),
    "rasa_check": ("Rasa: loading, checking the training data", 15),
    "rasa_dialogue": ("Rasa: dialogue policies (stories, rules)", 2),
    "rasa_nlu": ("Rasa: language understanding, saving the model", 60),
}
RASA_STAGES = ("rasa_check", "rasa_dialogue", "rasa_nlu")


class TrainingFailed(SystemExit):
    """Training stopped; the message says where to look."""


def _nlu_sources_hash() -> str:
    digest = hashlib.sha256()
    for name in PIPELINE_SOURCES:
        digest.update(name.encode())
        digest.update((PROJECT_ROOT / "bot" / "nlu" / name).read_bytes())
    return digest.hexdigest()[:16]


def spacy_pipeline_current() -> bool:
    stamp = SPACY_DIR / ".source-hash"
    return stamp.exists() and stamp.read_text() == _nlu_sources_hash()


def ensure_spacy_pipeline(force: bool = False) -> bool:
    """Build models/spacy_en_iop when missing or when bot/nlu changed (or ``force``). Returns True when rebuilt."""
    if not force and spacy_pipeline_current():
        return False
    from bot.nlu.pipeline import build_and_save

    build_and_save(SPACY_DIR)
    (SPACY_DIR / ".source-hash").write_text(_nlu_sources_hash())
    return True


def crisis_model_current() -> bool:
    """The same test ``bot.safety.model.build`` makes before it rebuilds."""
    from bot.safety.model import MODEL_DIR, MODEL_FILE, sources_hash

    stamp = MODEL_DIR / ".source-hash"
    return stamp.exists() and stamp.read_text() == sources_hash() and (MODEL_DIR / MODEL_FILE).exists()


def latest_model(model_dir: Path) -> Path | None:
    models = sorted(model_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


def inputs_hash(paths: tuple[str, ...], root: Path = PROJECT_ROOT) -> str:
    """sha256 over the names and contents of the files at ``paths`` (folders recursively, caches skipped)."""
    digest = hashlib.sha256()
    for name in paths:
        path = root / name
        files = sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts) \
            if path.is_dir() else [path] if path.exists() else []
        for file in files:
            digest.update(str(file.relative_to(root)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def current_inputs(root: Path = PROJECT_ROOT) -> dict[str, str]:
    return {"data": inputs_hash(DATA_INPUTS, root), "code": inputs_hash(CODE_INPUTS, root)}


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


@dataclass
class Plan:
    spacy: bool
    crisis: bool
    rasa: str | None  # None (reuse ``model``), "train" (Rasa's cache decides) or "force"
    model: Path | None  # the model to serve when nothing is trained
    force: bool = False  # rebuild the crisis model even if its sources did not change

    @property
    def stages(self) -> list[str]:
        return [*(["spacy"] if self.spacy else []), *(["crisis"] if self.crisis else []),
                *(RASA_STAGES if self.rasa else [])]


def plan(settings: Settings, force: bool = False) -> Plan:
    """What needs building; cheap (hashes a few hundred kB, imports no Rasa)."""
    spacy = force or not spacy_pipeline_current()
    crisis = force or not crisis_model_current()
    stamp, inputs = _read_json(settings.model_dir / STAMP), current_inputs()
    model = settings.model_dir / stamp["model"] if stamp.get("model") else None
    if force or spacy or (stamp and stamp.get("code") != inputs["code"]):
        rasa = "force"
    elif not stamp or stamp.get("data") != inputs["data"] or model is None or not model.exists():
        rasa = "train"
    else:
        rasa = None
    return Plan(spacy, crisis, rasa, None if rasa else model, force)


def estimate(key: str, times: dict) -> float:
    return float(times.get(key, STAGES[key][1]))


class Progress:
    """One line per stage: "    crisis model (about 1 min) ... 52 s"; warnings on lines of their own."""

    def __init__(self, out: TextIO, times: dict) -> None:
        self.out, self.times = out, times
        self.open: str | None = None

    def _write(self, text: str) -> None:
        self.out.write(text)
        self.out.flush()

    def start(self, key: str) -> None:
        self._close()
        title = STAGES[key][0]
        self._write(f"    {title} (about {duration(estimate(key, self.times), rough=True)}) ... ")
        self.open = key

    def done(self, key: str, seconds: float, cached: bool) -> None:
        note = "" if not cached else " (reused Rasa's cache)" if key in RASA_STAGES else " (unchanged)"
        if self.open == key:
            self._write(f"{duration(seconds)}{note}\n")
        else:
            self._write(f"    {STAGES[key][0]}: {duration(seconds)}{note}\n")
        self.open = None
        if not cached:
            self.times[key] = round(seconds, 1)

    def say(self, text: str) -> None:
        self._close()
        self._write(text + "\n")

    def _close(self) -> None:
        if self.open is not None:
            self._write("\n")
            self.open = None


def rasa_train_args(settings: Settings, force: bool) -> list[str]:
    return ["train", "--config", "config.yml", "--domain", "domain.yml", "--out", str(settings.model_dir),
            "--data", *TRAINING_DATA, *(["--force"] if force else [])]


def train(settings: Settings, force: bool = False, out: TextIO | None = None) -> Path:
    """Build what changed (or everything with ``force``) and return the Rasa model to serve."""
    out = out or sys.stdout
    began = time.monotonic()
    todo = plan(settings, force)
    if not todo.stages:
        out.write(f"==> model: up to date, {shown(todo.model)} ({duration(time.monotonic() - began)})\n")
        out.flush()
        return todo.model
    times = _read_json(settings.model_dir / TIMES)
    log = settings.data_dir / "logs" / "train.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(f"# iopbot train {time.strftime('%Y-%m-%d %H:%M:%S')}: {', '.join(todo.stages)}\n")
    total = sum(estimate(key, times) for key in todo.stages)
    scope = "up to about" if todo.rasa == "train" else "about"
    out.write(f"==> training ({scope} {duration(total, rough=True)}; full output in {shown(log)})\n")
    out.flush()
    progress = Progress(out, times)
    _run_worker(settings, todo, log, progress)
    settings.model_dir.mkdir(parents=True, exist_ok=True)
    (settings.model_dir / TIMES).write_text(json.dumps(progress.times, indent=1))
    model = todo.model
    if todo.rasa:
        model = latest_model(settings.model_dir)
        if model is None:
            raise TrainingFailed(f"!! Rasa produced no model; see {shown(log)}")
        (settings.model_dir / STAMP).write_text(json.dumps({**current_inputs(), "model": model.name}, indent=1))
    out.write(f"==> model ready: {shown(model)} ({duration(time.monotonic() - began)})\n")
    out.flush()
    return model


def _run_worker(settings: Settings, todo: Plan, log: Path, progress: Progress) -> None:
    argv = [str(BIN / "python"), "-m", "bot.train_worker", "--log", str(log)]
    argv += ["--spacy"] if todo.spacy else []
    argv += ["--crisis"] if todo.crisis else []
    argv += ["--force"] if todo.force else []
    argv += ["--", *rasa_train_args(settings, todo.rasa == "force")] if todo.rasa else []
    proc = subprocess.Popen(argv, cwd=PROJECT_ROOT, env={**child_env(settings), "TQDM_MININTERVAL": "10"},
                            stdout=subprocess.PIPE, text=True)
    try:
        for line in proc.stdout:
            follow(line, progress)
        code = proc.wait()
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(30)
    if code != 0:
        progress.say(f"!! training failed (exit code {code}); the end of {shown(log)}:")
        for line in tail(log):
            progress.say(f"   {line}")
        raise TrainingFailed(1)


def follow(line: str, progress: Progress) -> None:
    """Act on one event line of the worker (JSON); anything else is shown as it is."""
    try:
        event = json.loads(line)
    except ValueError:
        progress.say(line.rstrip("\n"))
        return
    if "start" in event:
        progress.start(event["start"])
    elif "done" in event:
        progress.done(event["done"], event["seconds"], event.get("cached", False))
    elif "say" in event:
        progress.say(event["say"])


def tail(log: Path, lines: int = 12) -> list[str]:
    """The last lines of a log, without progress-bar repaints."""
    text = log.read_text(errors="replace").replace("\r", "\n")
    kept = [line for line in text.splitlines() if line.strip() and "it/s]" not in line and "%|" not in line]
    return kept[-lines:]
