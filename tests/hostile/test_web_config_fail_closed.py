"""Item 1 of issue 18: a web config that cannot be right never switches auth off.

Reproduces `: > web.yml` (an editor or config tool truncating the file) against a running
exporter process: before the fix `/metrics` went from 401 to 200 without credentials.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from devkit.exporter import parse_samples, value
from tests.hostile.helpers import PASSWORD, bcrypt_hash, run_once, start_sample

TRUNCATED_HASH = "$2b$10$short"


def _metrics(url: str, auth: tuple[str, str]) -> dict:
    resp = requests.get(f"{url}/metrics", auth=auth, timeout=30)
    assert resp.status_code == 200
    return parse_samples(resp.text)


def test_truncated_web_config_is_refused_and_auth_stays_on(tmp_path: Path) -> None:
    proc = start_sample(tmp_path, web_config=f"basic_auth_users:\n  prom: {bcrypt_hash()}\n")
    web = tmp_path / "web.yml"
    try:
        url = proc.url
        assert requests.get(f"{url}/metrics", timeout=30).status_code == 401

        web.write_text("")  # `: > web.yml`
        assert requests.get(f"{url}/metrics", timeout=30).status_code == 401
        assert requests.post(f"{url}/-/reload", timeout=30).status_code == 401
        samples = _metrics(url, ("prom", PASSWORD))  # the old users still work
        assert value(samples, "sample_exporter_web_config_last_reload_successful") == 0
        assert value(samples, "sample_exporter_web_config_reload_failures_total") == 1
        errors = [ln for ln in proc.log_text().splitlines() if "level=error" in ln]
        assert any("web config reload failed" in ln and "empty" in ln for ln in errors)

        # a truncated hash would lock every user out: refused, the old one kept
        web.write_text(f"basic_auth_users:\n  prom: {TRUNCATED_HASH}\n")
        assert requests.get(f"{url}/metrics", timeout=30).status_code == 401
        samples = _metrics(url, ("prom", PASSWORD))
        assert value(samples, "sample_exporter_web_config_reload_failures_total") == 2

        # users present but all removed: also switching auth off
        web.write_text("basic_auth_users: {}\n")
        assert requests.get(f"{url}/metrics", timeout=30).status_code == 401
        samples = _metrics(url, ("prom", PASSWORD))
        assert value(samples, "sample_exporter_web_config_reload_failures_total") == 3

        # a valid change is taken: new password works, old does not, the gauge is back at 1
        web.write_text(f"basic_auth_users:\n  prom: {bcrypt_hash('new-secret-2')}\n")
        old = requests.get(f"{url}/metrics", auth=("prom", PASSWORD), timeout=30)
        assert old.status_code == 401
        samples = _metrics(url, ("prom", "new-secret-2"))
        assert value(samples, "sample_exporter_web_config_last_reload_successful") == 1
        assert value(samples, "sample_exporter_web_config_reload_failures_total") == 3
        assert PASSWORD not in proc.log_text()
    finally:
        proc.stop()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "the web config is empty"),
        ("# only a comment\n", "the web config is empty"),
        (f"basic_auth_users:\n  prom: {TRUNCATED_HASH}\n", "not a complete bcrypt hash"),
        (f"basic_auth_users:\n  prom: {bcrypt_hash()[:-1]}\n", "not a complete bcrypt hash"),
    ],
    ids=["empty", "comment-only", "truncated-hash", "one-char-short"],
)
def test_web_config_that_cannot_be_right_exits_2_at_start(
    tmp_path: Path, text: str, expected: str
) -> None:
    (tmp_path / "c.yml").write_text("targets: {}\n")
    (tmp_path / "web.yml").write_text(text)
    result = run_once(
        f"--config.file={tmp_path / 'c.yml'}", f"--web.config.file={tmp_path / 'web.yml'}"
    )
    assert result.returncode == 2, result.stderr
    assert expected in result.stderr
    assert str(tmp_path / "web.yml") in result.stderr


def test_explicit_empty_mapping_is_a_web_config_without_auth(tmp_path: Path) -> None:
    proc = start_sample(tmp_path, web_config="{}\n")
    try:
        assert requests.get(f"{proc.url}/metrics", timeout=30).status_code == 200
    finally:
        proc.stop()
