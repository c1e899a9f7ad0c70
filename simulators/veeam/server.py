"""Veeam B&R REST API v1 simulator: `POST /api/oauth2/token`, `GET /api/v1/jobs/states`.

Built from the documented request/response fields of the VBR REST API (1.1-rev0):

- every request must carry `x-api-version` (`<version>-<revision>`), else 400;
- the token request is `application/x-www-form-urlencoded` with `grant_type=password`,
  `username`, `password` (or `grant_type=refresh_token`, `refresh_token`); it answers a
  TokenModel: `access_token`, `token_type` ("bearer"), `refresh_token`, `expires_in`,
  `.issued`, `.expires`, `username`; a wrong login answers 401 with an Error model
  (`errorCode`, `message`, `resourceId`);
- `/api/v1/jobs/states` needs `Authorization: Bearer <access_token>` (else 401) and
  answers JobStatesResult: `data` (JobStateModel: `id`, `name`, `type`, `description`,
  `status` running/inactive/disabled, `lastRun`, `lastResult` None/Success/Warning/Failed,
  `nextRun`, `workload`, `repositoryId`, `repositoryName`, `objectsCount`, `sessionId`)
  and `pagination` (`total`, `count`, `skip`, `limit`), honouring `skip` and `limit`.

`GET /_sim/stats` (not part of Veeam) tells tests how many tokens were issued and how many
authorized calls were made.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import ssl
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

TOKEN_LIFETIME = 900


def iso(ts: float | None) -> str | None:
    if ts is None:
        return None
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass
class SimJob:
    name: str
    last_result: str = "Success"
    last_run: float | None = None
    next_run: float | None = None
    status: str = "inactive"
    type: str = "Backup"
    id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def model(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "description": f"Created by simulator for {self.name}",
            "status": self.status,
            "lastRun": iso(self.last_run),
            "lastResult": self.last_result,
            "nextRun": iso(self.next_run),
            "workload": "Vm",
            "repositoryId": "88788f9e-d8f5-4eb4-bc4f-9b3f5403bcec",
            "repositoryName": "Default Backup Repository",
            "objectsCount": 1,
            "sessionId": str(uuid.uuid4()) if self.last_run else None,
        }


@dataclass
class SimState:
    username: str
    password: str
    jobs: list[SimJob]
    tokens: dict[str, float] = field(default_factory=dict)
    refresh: set[str] = field(default_factory=set)
    issued: int = 0
    authorized_calls: int = 0
    rejected_calls: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def _error(status: int, code: str, message: str) -> tuple[int, dict[str, Any]]:
    return status, {"errorCode": code, "message": message, "resourceId": None}


class _Handler(BaseHTTPRequestHandler):
    server: VeeamServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _reply(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode()
        url = urlsplit(self.path)
        if url.path != "/api/oauth2/token":
            self._reply(*_error(404, "NotFound", "not found"))
            return
        if not self.headers.get("x-api-version"):
            self._reply(*_error(400, "BadRequest", "x-api-version header is required"))
            return
        if not (self.headers.get("Content-Type") or "").startswith(
            "application/x-www-form-urlencoded"
        ):
            self._reply(*_error(415, "UnsupportedMediaType", "form data expected"))
            return
        form = {k: v[0] for k, v in parse_qs(body).items()}
        self._reply(*self.server.token(form))

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path == "/_sim/stats":
            st = self.server.state
            self._reply(
                200,
                {
                    "issued": st.issued,
                    "authorized_calls": st.authorized_calls,
                    "rejected_calls": st.rejected_calls,
                },
            )
            return
        if url.path != "/api/v1/jobs/states":
            self._reply(*_error(404, "NotFound", "not found"))
            return
        if not self.headers.get("x-api-version"):
            self._reply(*_error(400, "BadRequest", "x-api-version header is required"))
            return
        auth = self.headers.get("Authorization") or ""
        if not self.server.authorized(auth):
            self._reply(
                *_error(
                    401,
                    "Unauthorized",
                    "The authorization header has been expected but not found "
                    "(or found but is expired).",
                )
            )
            return
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        try:
            skip = int(query.get("skip", 0))
            limit = int(query.get("limit", 200))
        except ValueError:
            self._reply(*_error(400, "BadRequest", "skip and limit must be integers"))
            return
        jobs = [j.model() for j in self.server.state.jobs]
        page = jobs[skip : skip + limit]
        self._reply(
            200,
            {
                "data": page,
                "pagination": {
                    "total": len(jobs),
                    "count": len(page),
                    "skip": skip,
                    "limit": limit,
                },
            },
        )


class VeeamServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        state: SimState,
        ssl_context: ssl.SSLContext | None,
    ) -> None:
        super().__init__(address, _Handler)
        self.state = state
        if ssl_context is not None:
            self.socket = ssl_context.wrap_socket(self.socket, server_side=True)

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        st = self.state
        grant = form.get("grant_type")
        with st.lock:
            if grant == "password":
                ok = secrets.compare_digest(
                    form.get("username", ""), st.username
                ) and secrets.compare_digest(form.get("password", ""), st.password)
            elif grant == "refresh_token":
                ok = form.get("refresh_token", "") in st.refresh
            else:
                return _error(400, "BadRequest", "unsupported grant_type")
            if not ok:
                return _error(401, "Unauthorized", "Invalid username or password")
            access = secrets.token_urlsafe(32)
            refresh = secrets.token_urlsafe(32)
            now = dt.datetime.now(dt.UTC)
            st.tokens[access] = now.timestamp() + TOKEN_LIFETIME
            st.refresh.add(refresh)
            st.issued += 1
        return 200, {
            "access_token": access,
            "token_type": "bearer",
            "refresh_token": refresh,
            "expires_in": TOKEN_LIFETIME,
            ".issued": iso(now.timestamp()),
            ".expires": iso(now.timestamp() + TOKEN_LIFETIME),
            "username": st.username,
        }

    def authorized(self, header: str) -> bool:
        st = self.state
        if not header.lower().startswith("bearer "):
            with st.lock:
                st.rejected_calls += 1
            return False
        token = header[7:].strip()
        now = dt.datetime.now(dt.UTC).timestamp()
        with st.lock:
            ok = st.tokens.get(token, 0) > now
            if ok:
                st.authorized_calls += 1
            else:
                st.rejected_calls += 1
        return ok


def jobs_from_spec(spec: list[dict[str, Any]], now: float) -> list[SimJob]:
    """Jobs from JSON: `{"name", "lastResult", "lastRunAgo" (s), "nextRunIn" (s), ...}`."""
    out = []
    for item in spec:
        ago = item.get("lastRunAgo")
        nxt = item.get("nextRunIn")
        out.append(
            SimJob(
                name=item["name"],
                last_result=item.get("lastResult", "Success"),
                last_run=None if ago is None else now - float(ago),
                next_run=None if nxt is None else now + float(nxt),
                status=item.get("status", "inactive"),
                type=item.get("type", "Backup"),
            )
        )
    return out


def serve(
    host: str,
    port: int,
    state: SimState,
    certfile: str | None,
    keyfile: str | None,
) -> VeeamServer:
    ctx = None
    if certfile:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(certfile, keyfile)
    return VeeamServer((host, port), state, ctx)
