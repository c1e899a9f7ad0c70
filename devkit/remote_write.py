"""Prometheus remote-write 1.0 requests (protobuf WriteRequest, snappy block format) built
by hand: the fleet benchmark feeds the very same bytes to Prometheus' remote-write receiver
and to VictoriaMetrics' /api/v1/write, so both ingest through their production path.

Only the fields the receivers need: TimeSeries{labels, samples}; no metadata, exemplars."""

from __future__ import annotations

import struct
import urllib.request
from collections.abc import Iterable, Sequence

import cramjam

Labels = tuple[tuple[str, str], ...]


def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        low = n & 0x7F
        n >>= 7
        if n:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


def _field(tag: int, payload: bytes) -> bytes:
    return bytes([tag]) + varint(len(payload)) + payload


def encode_labels(labels: Labels) -> bytes:
    """The TimeSeries' label fields (labels sorted by name, as the receivers expect)."""
    return b"".join(
        _field(0x0A, _field(0x0A, k.encode()) + _field(0x12, v.encode())) for k, v in sorted(labels)
    )


class SampleEncoder:
    """Encodes sample runs for fixed timestamps; runs of one constant value are cached
    (most series of a practice are states, flags and limits that rarely change)."""

    def __init__(self, timestamps_ms: Sequence[int]) -> None:
        self.ts = [b"\x10" + varint(t) for t in timestamps_ms]
        self._const: dict[float, bytes] = {}

    def __len__(self) -> int:
        return len(self.ts)

    def constant(self, value: float) -> bytes:
        run = self._const.get(value)
        if run is None:
            run = self.values([value] * len(self.ts))
            self._const[value] = run
        return run

    def values(self, values: Sequence[float]) -> bytes:
        pack = struct.Struct("<Bd").pack
        return b"".join(
            _field(0x12, pack(0x09, v) + t) for v, t in zip(values, self.ts, strict=True)
        )


def write_request(series: Iterable[tuple[bytes, bytes]]) -> bytes:
    """Snappy-compressed WriteRequest from (encoded labels, encoded samples) pairs."""
    body = b"".join(_field(0x0A, labels + samples) for labels, samples in series)
    return bytes(cramjam.snappy.compress_raw(body))


def send(url: str, payload: bytes, timeout: float = 120.0) -> None:
    """POST one request; raises on any status but 2xx (with the receiver's message)."""
    req = urllib.request.Request(
        url,
        data=payload,
        method="POST",
        headers={
            "Content-Encoding": "snappy",
            "Content-Type": "application/x-protobuf",
            "X-Prometheus-Remote-Write-Version": "0.1.0",
        },
    )
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        resp.read()
