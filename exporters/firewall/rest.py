"""Thin, bounded HTTPS GETs of JSON for the firewalls' REST APIs.

Every call is bounded by the target's deadline (connect and each read get the time left,
and the body is read in chunks with the deadline checked between them) and by
`max_response_bytes` (a huge or endless answer is cut off, never held in memory whole).
Redirects are not followed (a token must not travel to another host). Errors name the
endpoint and the HTTP status, never the token, key or secret.
"""

from __future__ import annotations

import json
import socket
from typing import Any

import requests

from exporters.core import Deadline

CHUNK = 64 * 1024


class ApiError(Exception):
    """One REST call failed (refused, HTTP error, too slow, too large, not JSON)."""


def _shrink_read_timeout(response: requests.Response, seconds: float) -> None:
    """Best effort: let the next socket read wait at most `seconds` (the time left)."""
    try:
        sock = response.raw._fp.fp.raw._sock  # type: ignore[union-attr]  # urllib3 internals
    except AttributeError:
        return
    if isinstance(sock, socket.socket):
        sock.settimeout(max(0.001, seconds))


def get_json(
    session: requests.Session,
    url: str,
    deadline: Deadline,
    max_bytes: int,
    verify: bool | str = True,
    headers: dict[str, str] | None = None,
    auth: tuple[str, str] | None = None,
    params: dict[str, str] | None = None,
) -> Any:
    """GET `url` and decode its JSON body; raise ApiError on any failure."""
    if deadline.expired:
        raise ApiError("no time left before the deadline")
    left = deadline.remaining()
    try:
        response = session.get(
            url,
            headers=headers,
            auth=auth,
            params=params,
            timeout=(left, left),
            stream=True,
            allow_redirects=False,
            verify=verify,
        )
    except requests.exceptions.SSLError:
        raise ApiError("TLS handshake failed (certificate not trusted?)") from None
    except requests.exceptions.Timeout:
        raise ApiError("no answer before the deadline") from None
    except requests.exceptions.RequestException as exc:
        raise ApiError(f"connection failed: {type(exc).__name__}") from None
    try:
        if response.status_code in (401, 403):
            raise ApiError(f"credentials refused (HTTP {response.status_code})")
        if response.status_code != 200:
            raise ApiError(f"HTTP {response.status_code}")
        length = response.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > max_bytes:
            raise ApiError(f"answer larger than {max_bytes} bytes")
        body = _read_body(response, deadline, max_bytes)
    finally:
        response.close()
    try:
        return json.loads(body)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ApiError("answer is not valid JSON") from None


def _read_body(response: requests.Response, deadline: Deadline, max_bytes: int) -> bytes:
    chunks: list[bytes] = []
    total = 0
    try:
        while True:
            if deadline.expired:
                raise ApiError("answer not complete before the deadline")
            _shrink_read_timeout(response, deadline.remaining())
            # read1: what one socket read brings, so a dripping server cannot keep a
            # read() collecting its CHUNK bytes past the deadline
            chunk = response.raw.read1(CHUNK, decode_content=True)
            if not chunk:
                break
            total += len(chunk)
            if total > max_bytes:
                raise ApiError(f"answer larger than {max_bytes} bytes")
            chunks.append(chunk)
    except ApiError:
        raise
    except (OSError, requests.exceptions.RequestException, Exception) as exc:
        if deadline.expired or "timed out" in str(exc):
            raise ApiError("answer not complete before the deadline") from None
        raise ApiError(f"reading the answer failed: {type(exc).__name__}") from None
    return b"".join(chunks)
