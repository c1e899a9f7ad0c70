"""Veeam Backup & Replication REST API v1: OAuth2 password login, then `/api/v1/jobs/states`.

Documented shapes (VBR REST API 1.1): `POST /api/oauth2/token` (form: grant_type=password,
username, password; header `x-api-version`) returns `access_token`, `token_type`,
`expires_in`; `GET /api/v1/jobs/states?skip=&limit=` returns `{"data": [JobStateModel],
"pagination": {"total", "count", "skip", "limit"}}` with `name`, `type`, `status`
(running/inactive/disabled), `lastResult` (None/Success/Warning/Failed), `lastRun`,
`nextRun`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from exporters.backup.config import VeeamTarget
from exporters.backup.repo import ParseError, parse_time
from exporters.backup.status import BackupStatus
from exporters.core import Deadline

if TYPE_CHECKING:
    from exporters.core.httpclient import HttpClient

RESULTS = ("None", "Success", "Warning", "Failed")
STATUSES = ("running", "inactive", "disabled")
PAGE = 200
MAX_RESPONSE_BYTES = 16 * 1024 * 1024
"""Bound of one answer: a page of 200 job states is about 100 KB."""


@dataclass(frozen=True)
class VeeamJob:
    name: str
    type: str
    status: str
    last_result: str
    last_run: float | None
    next_run: float | None


def _opt_time(value: Any) -> float | None:
    if value in (None, ""):
        return None
    return parse_time(value)


def parse_job_states(payload: Any) -> tuple[list[VeeamJob], int]:
    """(jobs of this page, total) from a `/api/v1/jobs/states` response body."""
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), list):
        raise ParseError("jobs/states: no data list")
    jobs = []
    for item in payload["data"]:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise ParseError("jobs/states: job without name")
        jobs.append(
            VeeamJob(
                name=item["name"],
                type=str(item.get("type", "")),
                status=str(item.get("status", "")),
                last_result=str(item.get("lastResult") or "None"),
                last_run=_opt_time(item.get("lastRun")),
                next_run=_opt_time(item.get("nextRun")),
            )
        )
    pagination = payload.get("pagination") or {}
    total = pagination.get("total") if isinstance(pagination, dict) else None
    return jobs, total if isinstance(total, int) else len(jobs)


def job_status(job: VeeamJob, remembered_success: float | None) -> BackupStatus:
    """Success and Warning both produced a restore point; None means the job never ran."""
    ran = job.last_result != "None" and job.last_run is not None
    ok = job.last_result in ("Success", "Warning")
    last_success = job.last_run if ran and ok else remembered_success
    return BackupStatus(
        last_success=last_success,
        last_run=job.last_run if ran else None,
        last_run_success=ok if ran else None,
    )


class VeeamClient:
    """One HTTPS client per target; the bearer token is reused until shortly before expiry."""

    def __init__(self, target: VeeamTarget) -> None:
        # ssl, http.client and email (~3 MiB): loaded only when a config has a Veeam target
        from exporters.core.httpclient import HttpClient, TLSOptions

        self.target = target
        self.http: HttpClient = HttpClient(
            TLSOptions(ca_file=target.ca_file, insecure_skip_verify=target.insecure_skip_verify),
            headers={"x-api-version": target.api_version, "Accept": "application/json"},
        )
        self._token: str | None = None
        self._expires = 0.0
        self._lock = threading.Lock()

    def _login(self, deadline: Deadline) -> str:
        resp = self.http.post(
            f"{self.target.url}/api/oauth2/token",
            deadline,
            form={
                "grant_type": "password",
                "username": self.target.username,
                "password": self.target.password.get_secret_value(),
            },
            max_bytes=MAX_RESPONSE_BYTES,
        )
        if resp.status != 200:
            raise PermissionError(f"Veeam login failed: HTTP {resp.status}")
        body = resp.json()
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise ParseError("Veeam login: no access_token")
        expires_in = body.get("expires_in")
        lifetime = float(expires_in) if isinstance(expires_in, int | float) else 900.0
        self._expires = time.monotonic() + max(0.0, lifetime - 60)
        return token

    def token(self, deadline: Deadline) -> str:
        with self._lock:
            if self._token is None or time.monotonic() >= self._expires:
                self._token = self._login(deadline)
            return self._token

    def job_states(self, deadline: Deadline) -> list[VeeamJob]:
        jobs: list[VeeamJob] = []
        for attempt in (1, 2):
            jobs = []
            skip = 0
            retry = False
            while True:
                resp = self.http.get(
                    f"{self.target.url}/api/v1/jobs/states",
                    deadline,
                    params={"skip": skip, "limit": PAGE},
                    headers={"Authorization": f"Bearer {self.token(deadline)}"},
                    max_bytes=MAX_RESPONSE_BYTES,
                )
                if resp.status == 401 and attempt == 1:
                    with self._lock:
                        self._token = None  # revoked or expired early: log in once more
                    retry = True
                    break
                if resp.status != 200:
                    raise RuntimeError(f"Veeam jobs/states: HTTP {resp.status}")
                page, total = parse_job_states(resp.json())
                jobs.extend(page)
                skip += len(page)
                if not page or skip >= total:
                    break
            if not retry:
                return jobs
        return jobs

    def close(self) -> None:
        self.http.close()


def select(jobs: Sequence[VeeamJob], names: Sequence[str]) -> list[VeeamJob]:
    return [j for j in jobs if not names or j.name in names]
