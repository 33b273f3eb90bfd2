"""deploy/systemd/iopbot.service: `systemd-analyze verify` has nothing to say about it, and it stops with SIGTERM
to the supervisor only and restarts it on failure."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "deploy" / "systemd" / "iopbot.service"


def _directives() -> dict[str, str]:
    return dict(re.findall(r"^(\w+)=(.*)$", UNIT.read_text(), re.M))


def test_the_unit_stops_with_sigterm_to_the_supervisor_and_restarts_on_failure():
    unit = _directives()
    assert unit["ExecStart"] == "/opt/iopbot/.venv/bin/iopbot run"
    assert unit["KillSignal"] == "SIGTERM" and unit["KillMode"] == "mixed"
    assert unit["Restart"] == "on-failure"
    assert unit["ExecReload"] == "/bin/kill -HUP $MAINPID"
    # the supervisor needs up to 3 x IOPBOT_STOP_TIMEOUT (default 10 s) to stop its children in order
    assert int(unit["TimeoutStopSec"]) >= 3 * 10 + 10


@pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                    reason="systemd-analyze is not installed (Debian package systemd); see README for the manual check")
def test_systemd_analyze_verify_is_clean(tmp_path):
    # the checked-in paths point at /opt/iopbot; verify the same unit pointed at this checkout (ExecStart must exist)
    rendered = tmp_path / "iopbot.service"
    rendered.write_text(UNIT.read_text().replace("/opt/iopbot", str(ROOT)))
    assert (ROOT / ".venv" / "bin" / "iopbot").exists()
    result = subprocess.run(["systemd-analyze", "verify", str(rendered)], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0 and not result.stdout.strip() and not result.stderr.strip(), \
        result.stdout + result.stderr
