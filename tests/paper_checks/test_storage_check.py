"""The storage paper check runs in the default suite: it is fast and pins the bit accounting."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_storage_paper_check_passes():
    proc = subprocess.run([sys.executable, str(ROOT / "paper_checks" / "storage.py")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "result:      PASS" in proc.stdout
    assert "matches the hand formula: True" in proc.stdout
