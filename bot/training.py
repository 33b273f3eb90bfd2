"""Build the project spaCy pipeline and train the Rasa model (Rasa's fingerprinting skips unchanged work)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from pathlib import Path

from bot.config import PROJECT_ROOT, Settings
from bot.services import BIN, TRAINING_DATA, child_env

SPACY_DIR = PROJECT_ROOT / "models" / "spacy_en_iop"


PIPELINE_SOURCES = ("pipeline.py", "lexicon.yml")  # what the saved spaCy pipeline is built from


def _nlu_sources_hash() -> str:
    digest = hashlib.sha256()
    for name in PIPELINE_SOURCES:
        digest.update(name.encode())
        digest.update((PROJECT_ROOT / "bot" / "nlu" / name).read_bytes())
    return digest.hexdigest()[:16]


def ensure_spacy_pipeline() -> bool:
    """Build models/spacy_en_iop when missing or when bot/nlu changed. Returns True when rebuilt."""
    stamp = SPACY_DIR / ".source-hash"
    current = _nlu_sources_hash()
    if stamp.exists() and stamp.read_text() == current:
        return False
    from bot.nlu.pipeline import build_and_save

    print("==> building the spaCy pipeline (substances, frequencies, durations)", flush=True)
    build_and_save(SPACY_DIR)
    stamp.write_text(current)
    return True


def latest_model(model_dir: Path) -> Path | None:
    models = sorted(model_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


def ensure_crisis_model(force: bool = False) -> bool:
    """Build models/crisis when its data (data/safety, data/nlu) or code changed. Returns True when rebuilt."""
    from bot.safety.model import MODEL_DIR, build

    MODEL_DIR.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    rebuilt = build(MODEL_DIR, force=force)
    if rebuilt:
        print(f"==> built the crisis model ({time.monotonic() - started:.0f} s)", flush=True)
    return rebuilt


def train(settings: Settings, force: bool = False) -> Path:
    """Train if data/config/domain changed since the last model; return the model to serve."""
    rebuilt = ensure_spacy_pipeline()
    ensure_crisis_model(force=force)
    argv = [str(BIN / "rasa"), "train", "--config", "config.yml", "--domain", "domain.yml",
            "--out", str(settings.model_dir), "--data", *TRAINING_DATA]
    if force or rebuilt:
        argv.append("--force")
    print("==> checking the Rasa model (trains only when data, domain or config changed)", flush=True)
    result = subprocess.run(argv, cwd=PROJECT_ROOT, env=child_env(settings), check=False)
    if result.returncode != 0:
        sys.exit(f"rasa train failed with exit code {result.returncode}")
    model = latest_model(settings.model_dir)
    if model is None:
        sys.exit("rasa train produced no model")
    return model
