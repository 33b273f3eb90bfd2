"""The benchmark scripts run as ``python bench/<name>.py``, which puts ``bench/`` first on ``sys.path``: a
script named like a standard-library module (``profile.py``) would replace that module for every import in the
run. It did: spaCy imports ``cProfile``, which imports ``profile``, so the crisis detector failed on every
message and ``bench/crisis_eval.py`` counted each failure as a caught crisis."""

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_no_bench_script_shadows_a_standard_library_module():
    names = {path.stem for path in BENCH.glob("*.py")}
    assert names, "no benchmark scripts found"
    assert not names & set(sys.stdlib_module_names)
