"""Training: what is rebuilt when, and the one-line-per-stage story the person sees."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from bot import training
from bot.config import PROJECT_ROOT, load_settings
from bot.train_worker import Events, RasaStages
from bot.training import Plan, Progress, follow, inputs_hash, plan


def test_inputs_hash_follows_contents_and_ignores_caches(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "nlu.yml").write_text("nlu: []\n")
    before = inputs_hash(("data",), tmp_path)
    (tmp_path / "data" / "__pycache__").mkdir()
    (tmp_path / "data" / "__pycache__" / "x.pyc").write_bytes(b"\0")
    assert inputs_hash(("data",), tmp_path) == before
    (tmp_path / "data" / "nlu.yml").write_text("nlu: [x]\n")
    assert inputs_hash(("data",), tmp_path) != before


@pytest.fixture
def settings(tmp_path, monkeypatch):
    monkeypatch.setattr(training, "spacy_pipeline_current", lambda: True)
    monkeypatch.setattr(training, "crisis_model_current", lambda: True)
    monkeypatch.setattr(training, "current_inputs", lambda _root=PROJECT_ROOT: {"data": "d1", "code": "c1"})
    (tmp_path / "models").mkdir()
    return load_settings(data_dir=tmp_path / "var", model_dir=tmp_path / "models")


def stamp(settings, **values) -> Path:
    model = settings.model_dir / "20260101-000000-kept.tar.gz"
    model.write_bytes(b"model")
    (settings.model_dir / training.STAMP).write_text(json.dumps({"data": "d1", "code": "c1", "model": model.name,
                                                                  **values}))
    return model


def test_unchanged_inputs_reuse_the_stamped_model_without_starting_rasa(settings):
    model = stamp(settings)
    assert plan(settings) == Plan(False, False, None, model)
    out = io.StringIO()
    assert training.train(settings, out=out) == model  # no worker process: nothing to run it with here
    assert out.getvalue().startswith(f"==> model: up to date, {model}")
    assert sorted(p.name for p in settings.model_dir.iterdir()) == [training.STAMP, model.name]


def test_changed_data_lets_rasa_reuse_its_cache_changed_code_trains_from_scratch(settings):
    stamp(settings, data="d0")
    assert plan(settings).rasa == "train"
    stamp(settings, code="c0")
    assert plan(settings).rasa == "force"
    assert plan(settings, force=True) == Plan(True, True, "force", None, True)


def test_a_missing_stamp_or_model_trains(settings):
    assert plan(settings).rasa == "train"
    stamp(settings).unlink()
    assert plan(settings).rasa == "train"


def test_progress_is_one_line_per_stage_with_its_estimate():
    out = io.StringIO()
    progress = Progress(out, {"crisis": 50})
    progress.start("crisis")
    progress.done("crisis", 48.2, cached=False)
    progress.start("spacy")
    progress.done("spacy", 0.01, cached=True)
    progress.start("rasa_nlu")
    progress.done("rasa_nlu", 0.7, cached=True)
    assert out.getvalue().splitlines() == [
        "    crisis model (about 50 s) ... 48 s",
        "    spaCy pipeline (about 5 s) ... 0.0 s (unchanged)",
        "    Rasa: language understanding, saving the model (about 1 min) ... 0.7 s (reused Rasa's cache)"]
    assert progress.times == {"crisis": 48.2}  # a cached stage says nothing about how long training takes


def test_a_warning_during_a_stage_gets_its_own_line():
    out = io.StringIO()
    progress = Progress(out, {})
    for line in ['{"start": "rasa_check"}', '{"say": "!! Rasa: The intent \'x\' is not used"}',
                 '{"done": "rasa_check", "seconds": 12.0}']:
        follow(line, progress)
    assert out.getvalue().splitlines() == ["    Rasa: loading, checking the training data (about 15 s) ... ",
                                           "!! Rasa: The intent 'x' is not used",
                                           "    Rasa: loading, checking the training data: 12 s"]


def record(message: str, name: str = "rasa.engine.training.hooks") -> logging.LogRecord:
    return logging.LogRecord(name, logging.INFO, __file__, 1, message, None, None)


def stage_events(messages: list[str]) -> list[tuple[str, str, bool]]:
    out = io.StringIO()
    stages = RasaStages(Events(out), {"MemoizationPolicy", "RulePolicy", "TEDPolicy"})
    for message in messages:
        stages.emit(record(*message) if isinstance(message, tuple) else record(message))
    stages.switch(None)
    events = [json.loads(line) for line in out.getvalue().splitlines()]
    return [("start", e["start"], False) if "start" in e else ("done", e["done"], e["cached"]) for e in events]


def test_rasa_training_hooks_become_check_dialogue_and_nlu_stages():
    assert stage_events([
        "Starting to train component 'MemoizationPolicy'.", "Finished training component 'MemoizationPolicy'.",
        "Starting to train component 'RulePolicy'.", "Finished training component 'RulePolicy'.",
        "Starting to train component 'TEDPolicy'.", "Finished training component 'TEDPolicy'.",
        ("Trying to load SpaCy model with name 'models/spacy_en_iop'.", "rasa.nlu.utils.spacy_utils"),
        "Starting to train component 'TfidfEmbeddingIntentClassifier'.",
        "Finished training component 'TfidfEmbeddingIntentClassifier'.",
    ]) == [("start", "rasa_check", False), ("done", "rasa_check", False), ("start", "rasa_dialogue", False),
           ("done", "rasa_dialogue", False), ("start", "rasa_nlu", False), ("done", "rasa_nlu", False)]


def test_components_restored_from_rasas_cache_mark_the_stage_cached():
    assert stage_events([
        "Restored component 'EntitySynonymMapper' from cache.", "Restored component 'TEDPolicy' from cache.",
    ]) == [("start", "rasa_check", False), ("done", "rasa_check", False), ("start", "rasa_nlu", False),
           ("done", "rasa_nlu", True)]


def test_the_worker_speaks_json_on_stdout_and_keeps_library_output_in_its_log(tmp_path):
    log = tmp_path / "train.log"
    done = subprocess.run([sys.executable, "-m", "bot.train_worker", "--log", str(log), "--spacy"],
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, log.read_text()
    events = [json.loads(line) for line in done.stdout.splitlines()]
    assert [next(iter(e)) for e in events] == ["start", "done"] and events[0]["start"] == "spacy"
    assert done.stderr == ""
