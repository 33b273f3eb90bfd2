"""bot.screening is plain Python + PyYAML: importable and usable without Rasa, SQLAlchemy or spaCy."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

SCRIPT = """
import sys
import bot.screening as s
q = s.load_questionnaire(); c = s.load_criteria(questionnaire=q)
s.score({"suicidal_thoughts": "no"}, q, c)
frameworks = ("rasa", "rasa_sdk", "sqlalchemy", "spacy", "pydantic", "tensorflow", "fastapi")
heavy = sorted(m for m in sys.modules if m.split(".")[0] in frameworks)
print(",".join(heavy))
"""


def test_screening_core_imports_no_framework():
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_importing_reads_no_files():
    script = ("import pathlib; opened = []\n"
              "orig = pathlib.Path.read_text\n"
              "def spy(self, *a, **k):\n"
              "    opened.append(str(self))\n"
              "    return orig(self, *a, **k)\n"
              "pathlib.Path.read_text = spy\n"
              "import bot.screening\n"
              "print(len([p for p in opened if 'screening' in p]))")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0"
