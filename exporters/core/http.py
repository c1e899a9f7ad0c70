"""Request/response types shared by the server and by exporter-specific routes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from exporters.core.runtime import Runtime


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: Mapping[str, list[str]]
    headers: Mapping[str, str]  # keys lower-case
    body: bytes = b""
    client: str = ""


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def text(cls, status: int, text: str) -> Response:
        return cls(status, (text if text.endswith("\n") else text + "\n").encode())


Handler = Callable[[Request, "Runtime"], Response]


@dataclass(frozen=True)
class Route:
    """An exporter-specific endpoint, e.g. `POST /push/<target>` of the backup exporter.

    `prefix` matches the path start; `own_auth` routes do their own authentication (a bearer
    token) and skip basic auth; `max_body` bounds what is read (larger bodies get 413).
    """

    method: str
    prefix: str
    handler: Handler
    own_auth: bool = False
    max_body: int = 64 * 1024
    description: str = ""
