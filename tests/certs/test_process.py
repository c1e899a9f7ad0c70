"""The exporter process refuses bad configs at start with a clear message (exit code 2)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run(config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "exporters.certs", f"--config.file={config}", "--config.check"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
        timeout=60,
    )


def test_windows_store_off_windows_is_a_config_error(tmp_path: Path) -> None:
    config = tmp_path / "certs.yml"
    config.write_text("targets:\n  store: {windows_store: MY}\n")
    result = run(config)
    assert result.returncode == 2
    assert f"{config}: targets.store.windows_store: " in result.stderr
    assert "only available on Windows" in result.stderr


def test_good_config_checks(tmp_path: Path) -> None:
    config = tmp_path / "certs.yml"
    config.write_text("targets:\n  lic: {expires: 2030-01-01, description: Lizenz}\n")
    result = run(config)
    assert result.returncode == 0, result.stderr
    assert "OK (1 targets)" in result.stdout
