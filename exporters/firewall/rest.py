"""Thin, bounded HTTPS GETs of JSON for the firewalls' REST APIs (on core.httpclient).

Every call is bounded by the target's deadline (connect, handshake and every socket read
wait at most the time left, and no read starts after it) and by `max_response_bytes` (a
huge or endless answer is cut off, never held in memory whole). Redirects are not followed
(a token must not travel to another host). Errors name the failure and the HTTP status,
never the token, key or secret.
"""

from __future__ import annotations

import base64
from typing import Any

from exporters.core import Deadline
from exporters.core.httpclient import (
    HttpClient,
    HttpError,
    HttpTimeout,
    MalformedResponse,
    ResponseTooLarge,
    TLSFailed,
    TLSOptions,
)


class ApiError(Exception):
    """One REST call failed (refused, HTTP error, too slow, too large, not JSON)."""


def api_client(ca_file: str | None, insecure_skip_verify: bool) -> HttpClient:
    """One client per target: its TLS trust, connections kept alive between scrapes."""
    return HttpClient(TLSOptions(ca_file=ca_file, insecure_skip_verify=insecure_skip_verify))


def get_json(
    http: HttpClient,
    url: str,
    deadline: Deadline,
    max_bytes: int,
    headers: dict[str, str] | None = None,
    auth: tuple[str, str] | None = None,
    params: dict[str, str] | None = None,
) -> Any:
    """GET `url` and decode its JSON body; raise ApiError on any failure."""
    if deadline.expired:
        raise ApiError("no time left before the deadline")
    all_headers = dict(headers or {})
    if auth is not None:
        pair = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
        all_headers["Authorization"] = f"Basic {pair}"
    try:
        response = http.get(url, deadline, headers=all_headers, params=params, max_bytes=max_bytes)
    except TLSFailed as exc:
        raise ApiError(f"TLS handshake failed (certificate not trusted?): {exc}") from None
    except HttpTimeout:
        raise ApiError("no answer before the deadline") from None
    except ResponseTooLarge:
        raise ApiError(f"answer larger than {max_bytes} bytes") from None
    except MalformedResponse as exc:
        raise ApiError(f"answer not HTTP as expected: {exc}") from None
    except HttpError as exc:
        raise ApiError(f"connection failed: {exc}") from None
    if response.status in (401, 403):
        raise ApiError(f"credentials refused (HTTP {response.status})")
    if response.status != 200:
        raise ApiError(f"HTTP {response.status}")
    try:
        return response.json()
    except MalformedResponse:
        raise ApiError("answer is not valid JSON") from None
