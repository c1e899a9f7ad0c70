"""Item 9 of issue 18: user names are not found by timing, and guessing is braked without
slowing scrapes that carry valid (cached) credentials."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import bcrypt
import pytest
import requests

from exporters.core import auth
from exporters.core.auth import AuthBusy, BasicAuth
from tests.hostile.helpers import PASSWORD, bcrypt_hash, start_sample


def test_dummy_hash_has_the_configured_cost() -> None:
    # before: unknown users were checked at cost 10 whatever the real hashes cost, so a
    # cost-5 user answered in 2 ms and a stranger in 70 ms
    assert BasicAuth({"prom": bcrypt_hash(cost=5)}).dummy_cost == 5
    mixed = {"a": bcrypt_hash(cost=4), "b": bcrypt_hash(cost=6), "c": bcrypt_hash(cost=6)}
    assert BasicAuth(mixed).dummy_cost == 6
    assert BasicAuth({}).dummy_cost is None


def test_concurrent_password_checks_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    inside = 0
    peak = 0
    lock = threading.Lock()
    real = bcrypt.checkpw

    def slow_check(password: bytes, hashed: bytes) -> bool:
        nonlocal inside, peak
        with lock:
            inside += 1
            peak = max(peak, inside)
        time.sleep(0.02)  # stands in for bcrypt's work, to make overlap likely
        try:
            return real(password, hashed)
        finally:
            with lock:
                inside -= 1

    monkeypatch.setattr(bcrypt, "checkpw", slow_check)  # auth imports it when checking
    checker = BasicAuth({"prom": bcrypt_hash()})
    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(lambda i: checker.check("prom", f"guess-{i}"), range(32)))
    assert not any(results)
    assert 1 <= peak <= auth.MAX_CHECKS


def test_cached_credentials_never_wait_for_a_check_slot(monkeypatch: pytest.MonkeyPatch) -> None:
    checker = BasicAuth({"prom": bcrypt_hash()})
    assert checker.check("prom", PASSWORD)  # verified once, now cached
    monkeypatch.setattr(auth, "CHECK_WAIT", 0.05)
    held = 0
    try:
        while auth._checks.acquire(blocking=False):  # guessers hold every slot
            held += 1
        assert checker.check("prom", PASSWORD)
        with pytest.raises(AuthBusy):
            checker.check("prom", "a-guess")
    finally:
        for _ in range(held):
            auth._checks.release()


def test_failed_guesses_do_not_evict_valid_credentials() -> None:
    checker = BasicAuth({"prom": bcrypt_hash()})
    assert checker.check("prom", PASSWORD)
    for i in range(50):
        assert not checker.check("stranger", f"guess-{i}")
    assert len(checker._cache) == 1  # only the success is remembered


def test_guessing_does_not_lock_out_scrapes(tmp_path: Path) -> None:
    proc = start_sample(tmp_path, web_config=f"basic_auth_users:\n  prom: {bcrypt_hash(cost=8)}\n")
    try:
        url = f"{proc.url}/metrics"
        assert requests.get(url, auth=("prom", PASSWORD), timeout=30).status_code == 200

        def guess(i: int) -> int:
            user = "prom" if i % 2 else "root"
            return requests.get(url, auth=(user, f"guess-{i}"), timeout=60).status_code

        with ThreadPoolExecutor(12) as pool:
            guesses = [pool.submit(guess, i) for i in range(36)]
            scrapes = [
                requests.get(url, auth=("prom", PASSWORD), timeout=60).status_code for _ in range(5)
            ]
            codes = {g.result() for g in guesses}
        assert scrapes == [200] * 5
        assert codes <= {401, 429}
        assert proc.alive()
    finally:
        proc.stop()
