"""HTTP client for any Prometheus-compatible query API (Prometheus, Mimir, Thanos,
VictoriaMetrics): POSTed form queries, basic auth or bearer token, own CA file, a deadline
on every request, a bound on requests in flight, and a count of queries sent."""

from __future__ import annotations

import base64
import contextlib
import json
import ssl
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

MAX_BODY = 256 * 1024 * 1024  # a month of raw ALERTS samples stays far below this


class ApiError(Exception):
    """The API could not answer; `kind` is unreachable, timeout, auth, http, bad_response
    or query (PromQL rejected). Messages never contain credentials."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class Auth:
    username: str | None = None
    password: str | None = None
    bearer_token: str | None = None

    def header(self) -> str | None:
        if self.bearer_token:
            return f"Bearer {self.bearer_token}"
        if self.username is not None:
            raw = f"{self.username}:{self.password or ''}".encode()
            return "Basic " + base64.b64encode(raw).decode()
        return None


def _public(url: str) -> str:
    """The URL without user info, for messages."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urllib.parse.urlunsplit((parts.scheme, host, parts.path, "", ""))


class QueryApi:
    """`/api/v1/query`, `/api/v1/query_range` and `/api/v1/label/<name>/values`."""

    def __init__(
        self,
        url: str,
        timeout: float = 30.0,
        auth: Auth | None = None,
        ca_file: str | None = None,
        insecure: bool = False,
        max_in_flight: int = 4,
    ) -> None:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"--url {_public(url)!r}: expected http(s)://host[:port][/prefix]")
        if parts.username is not None and auth is None:
            auth = Auth(
                urllib.parse.unquote(parts.username), urllib.parse.unquote(parts.password or "")
            )
        self.base = _public(url).rstrip("/")
        self.timeout = timeout
        self.auth = auth or Auth()
        self._ssl: ssl.SSLContext | None = None
        if parts.scheme == "https":
            self._ssl = ssl.create_default_context(cafile=ca_file)
            if insecure:
                self._ssl.check_hostname = False
                self._ssl.verify_mode = ssl.CERT_NONE
        self._slots = threading.BoundedSemaphore(max(1, max_in_flight))
        self._lock = threading.Lock()
        self.queries = 0
        self.in_flight = 0
        self.peak_in_flight = 0  # the most requests open at once (bounded by max_in_flight)

    def _send(self, request: urllib.request.Request) -> Any:
        """Send one request; the parsed JSON payload, or ApiError."""
        header = self.auth.header()
        if header:
            request.add_header("Authorization", header)
        with self._lock:
            self.queries += 1
        where = request.full_url.split("?", 1)[0]
        with self._slots, self._counted():
            try:
                with urllib.request.urlopen(  # noqa: S310 (scheme checked in __init__)
                    request, timeout=self.timeout, context=self._ssl
                ) as resp:
                    raw = resp.read(MAX_BODY + 1)
            except urllib.error.HTTPError as exc:
                detail = _error_text(exc)
                if exc.code in (401, 403):
                    raise ApiError(
                        "auth", f"{where}: HTTP {exc.code} (check the credentials)"
                    ) from None
                if exc.code in (400, 422):
                    raise ApiError("query", f"{where}: query rejected: {detail}") from None
                raise ApiError("http", f"{where}: HTTP {exc.code} {detail}".rstrip()) from None
            except TimeoutError:
                raise ApiError("timeout", f"{where}: no answer within {self.timeout:g} s") from None
            except urllib.error.URLError as exc:
                if isinstance(exc.reason, TimeoutError):
                    raise ApiError(
                        "timeout", f"{where}: no answer within {self.timeout:g} s"
                    ) from None
                raise ApiError("unreachable", f"{where}: {exc.reason}") from None
            except OSError as exc:  # connection reset, TLS errors, ...
                raise ApiError("unreachable", f"{where}: {exc}") from None
        if len(raw) > MAX_BODY:
            raise ApiError("bad_response", f"{where}: answer larger than {MAX_BODY} bytes")
        try:
            payload = json.loads(raw)
        except ValueError:
            raise ApiError("bad_response", f"{where}: answer is not JSON") from None
        if not isinstance(payload, dict) or payload.get("status") != "success":
            error = payload.get("error") if isinstance(payload, dict) else None
            raise ApiError("query", f"{where}: {error or 'status is not success'}")
        return payload.get("data")

    @contextlib.contextmanager
    def _counted(self) -> Iterator[None]:
        with self._lock:
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            yield
        finally:
            with self._lock:
                self.in_flight -= 1

    def _post(self, path: str, form: list[tuple[str, str]]) -> Any:
        request = urllib.request.Request(  # noqa: S310 (scheme checked in __init__)
            f"{self.base}{path}",
            data=urllib.parse.urlencode(form).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            method="POST",
        )
        return self._send(request)

    def instant(self, expr: str, at: float) -> dict[str, Any]:
        """{"resultType": ..., "result": [...]} of an instant query at `at`."""
        data = self._post("/api/v1/query", [("query", expr), ("time", _ts(at))])
        if not isinstance(data, dict) or not isinstance(data.get("result"), list):
            raise ApiError("bad_response", f"{self.base}/api/v1/query: no result in the answer")
        return data

    def range(self, expr: str, start: float, end: float, step: int) -> list[dict[str, Any]]:
        """Matrix result of a range query (points at start + k * step, k >= 0, <= end)."""
        form = [("query", expr), ("start", _ts(start)), ("end", _ts(end)), ("step", str(step))]
        data = self._post("/api/v1/query_range", form)
        if not isinstance(data, dict) or not isinstance(data.get("result"), list):
            raise ApiError(
                "bad_response", f"{self.base}/api/v1/query_range: no result in the answer"
            )
        return list(data["result"])

    def label_values(self, label: str, match: str, start: float, end: float) -> list[str]:
        """Values of a label on series matching `match` in [start, end] (GET: every
        compatible server answers it)."""
        form = [("match[]", match), ("start", _ts(start)), ("end", _ts(end))]
        path = f"/api/v1/label/{urllib.parse.quote(label)}/values"
        url = f"{self.base}{path}?{urllib.parse.urlencode(form)}"
        request = urllib.request.Request(url, method="GET")  # noqa: S310 (scheme checked)
        data = self._send(request)
        if not isinstance(data, list):
            raise ApiError("bad_response", f"{self.base}{path}: no list of values in the answer")
        return sorted(str(v) for v in data)


def _ts(value: float) -> str:
    return f"{value:.3f}"


def _error_text(exc: urllib.error.HTTPError) -> str:
    try:
        body = json.loads(exc.read(64 * 1024))
        return str(body.get("error", ""))[:300]
    except Exception:
        return ""
