"""The frozen evaluation sets are never edited: ``bench/data/frozen/SHA256SUMS`` pins every one of them."""

import hashlib
from pathlib import Path

FROZEN = Path(__file__).resolve().parents[2] / "bench" / "data" / "frozen"


def _pinned() -> dict[str, str]:
    lines = (FROZEN / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    return {name.lstrip("*"): digest for digest, name in (line.split(maxsplit=1) for line in lines if line.strip())}


def test_every_frozen_set_is_pinned_and_unchanged():
    pinned = _pinned()
    files = sorted(path.name for path in FROZEN.glob("*.yml"))
    assert files and set(files) == set(pinned)
    for name in files:
        assert hashlib.sha256((FROZEN / name).read_bytes()).hexdigest() == pinned[name], name
