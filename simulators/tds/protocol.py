"""MS-TDS 7.4 encoding for the few messages a read-only ODBC client needs.

Follows the published [MS-TDS] specification: packet header (2.2.3.1), PRELOGIN (2.2.6.5),
LOGIN7 (2.2.6.4), SQL_BATCH with ALL_HEADERS (2.2.6.7, 2.2.5.3), and the response tokens
LOGINACK (2.2.7.14), ENVCHANGE (2.2.7.9), COLMETADATA (2.2.7.4), ROW (2.2.7.19),
ERROR (2.2.7.10) and DONE (2.2.7.6). Data types per 2.2.5.4/2.2.5.5.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

# packet types (2.2.3.1.1)
SQL_BATCH, PRE_TDS7_LOGIN, RPC, TABULAR, ATTENTION, LOGIN7, PRELOGIN = (
    0x01, 0x02, 0x03, 0x04, 0x06, 0x10, 0x12)  # fmt: skip
STATUS_EOM = 0x01
HEADER = struct.Struct(">BBHHBB")

# tokens
COLMETADATA, ERROR, LOGINACK, ROW, ENVCHANGE, DONE = 0x81, 0xAA, 0xAD, 0xD1, 0xE3, 0xFD
DONE_FINAL, DONE_MORE, DONE_ERROR, DONE_COUNT = 0x00, 0x01, 0x02, 0x10
CURCMD_SELECT = 0xC1

# SQL_Latin1_General_CP1_CI_AS (2.2.5.1.2)
COLLATION = bytes([0x09, 0x04, 0xD0, 0x00, 0x34])
TDS74 = 0x74000004
ENCRYPT_NOT_SUP = 0x02


def packets(kind: int, payload: bytes, size: int = 4096) -> bytes:
    """Split a message into packets of at most `size` bytes; the last has EOM set."""
    chunk = size - HEADER.size
    out = bytearray()
    parts = [payload[i : i + chunk] for i in range(0, len(payload), chunk)] or [b""]
    for n, part in enumerate(parts):
        status = STATUS_EOM if n == len(parts) - 1 else 0
        out += HEADER.pack(kind, status, len(part) + HEADER.size, 0, (n + 1) % 256, 0) + part
    return bytes(out)


def b_varchar(text: str) -> bytes:
    data = text.encode("utf-16-le")
    return bytes([len(text)]) + data


def us_varchar(text: str) -> bytes:
    return struct.pack("<H", len(text)) + text.encode("utf-16-le")


def prelogin_response(version: tuple[int, int, int]) -> bytes:
    """VERSION, ENCRYPTION (not supported: the login travels unencrypted), INSTOPT, MARS."""
    options = [
        (0x00, struct.pack(">BBHH", version[0], version[1], version[2], 0)),
        (0x01, bytes([ENCRYPT_NOT_SUP])),
        (0x02, b"\x00"),
        (0x04, b"\x00"),
    ]
    offset = len(options) * 5 + 1
    head, data = bytearray(), bytearray()
    for token, value in options:
        head += struct.pack(">BHH", token, offset + len(data), len(value))
        data += value
    return bytes(head) + b"\xff" + bytes(data)


def decode_password(raw: bytes) -> str:
    """LOGIN7 passwords: each byte had its nibbles swapped and was XORed with 0xA5."""
    plain = bytes((((b ^ 0xA5) << 4) & 0xF0) | (((b ^ 0xA5) >> 4) & 0x0F) for b in raw)
    return plain.decode("utf-16-le")


def parse_login7(body: bytes) -> dict[str, str]:
    """Host, user, password, application, server and database from a LOGIN7 message."""
    fields = {"host": 36, "user": 40, "password": 44, "app": 48, "server": 52, "database": 68}
    out = {}
    for name, pos in fields.items():
        offset, length = struct.unpack_from("<HH", body, pos)
        raw = body[offset : offset + 2 * length]
        out[name] = decode_password(raw) if name == "password" else raw.decode("utf-16-le")
    return out


def batch_text(body: bytes) -> str:
    """SQL text of a SQL_BATCH message (TDS 7.2+: after the ALL_HEADERS block)."""
    (total,) = struct.unpack_from("<I", body, 0)
    skip = total if 4 <= total <= len(body) else 0
    return body[skip:].decode("utf-16-le")


def login_ack(program: str, version: tuple[int, int, int], database: str) -> bytes:
    env_db = bytes([1]) + b_varchar(database) + b_varchar("master")
    env_size = bytes([4]) + b_varchar("4096") + b_varchar("4096")
    ack = (bytes([1]) + struct.pack(">I", TDS74) + b_varchar(program)
           + bytes([version[0], version[1], version[2] >> 8, version[2] & 0xFF]))  # fmt: skip
    return (
        bytes([ENVCHANGE]) + struct.pack("<H", len(env_db)) + env_db
        + bytes([ENVCHANGE]) + struct.pack("<H", len(env_size)) + env_size
        + bytes([LOGINACK]) + struct.pack("<H", len(ack)) + ack
        + done(DONE_FINAL, 0, 0)
    )  # fmt: skip


def done(status: int, cmd: int, rows: int) -> bytes:
    return bytes([DONE]) + struct.pack("<HHQ", status, cmd, rows)


def error(number: int, state: int, severity: int, message: str, server: str) -> bytes:
    body = (struct.pack("<iBB", number, state, severity) + us_varchar(message)
            + b_varchar(server) + b_varchar("") + struct.pack("<i", 1))  # fmt: skip
    return bytes([ERROR]) + struct.pack("<H", len(body)) + body


# --- result sets ------------------------------------------------------------------------

_TYPE = re.compile(r"^(\w+)(?:\((\d+)(?:,(\d+))?\))?$")
_INT_SIZES = {"tinyint": 1, "smallint": 2, "int": 4, "bigint": 8}
_EPOCH_1900 = datetime(1900, 1, 1)
# NVARCHARTYPE, NCHARTYPE, BIGVARCHARTYPE, BIGCHARTYPE: (token, bytes per character)
_CHAR_TYPES = {"nvarchar": (0xE7, 2), "nchar": (0xEF, 2), "varchar": (0xA7, 1), "char": (0xAF, 1)}


def _parse_type(sql_type: str) -> tuple[str, int, int]:
    m = _TYPE.match(sql_type.replace(" ", "").lower())
    if not m:
        raise ValueError(f"unsupported type {sql_type}")
    return m.group(1), int(m.group(2) or 0), int(m.group(3) or 0)


def _numeric_size(precision: int) -> int:
    return 5 if precision <= 9 else 9 if precision <= 19 else 13 if precision <= 28 else 17


def _type_info(sql_type: str) -> bytes:
    name, a, b = _parse_type(sql_type)
    if name in _INT_SIZES:
        return bytes([0x26, _INT_SIZES[name]])  # INTNTYPE
    if name == "bit":
        return bytes([0x68, 1])  # BITNTYPE
    if name == "float":
        return bytes([0x6D, 8])  # FLTNTYPE
    if name == "datetime":
        return bytes([0x6F, 8])  # DATETIMNTYPE
    if name in ("numeric", "decimal"):
        return bytes([0x6C, _numeric_size(a), a, b])  # NUMERICNTYPE
    if name in _CHAR_TYPES:
        code, width = _CHAR_TYPES[name]
        return bytes([code]) + struct.pack("<H", width * a) + COLLATION
    raise ValueError(f"unsupported type {sql_type}")


def colmetadata(columns: Sequence[tuple[str, str]]) -> bytes:
    out = bytearray([COLMETADATA]) + struct.pack("<H", len(columns))
    for name, sql_type in columns:
        out += struct.pack("<IH", 0, 0x0001)  # UserType, Flags: nullable
        out += _type_info(sql_type) + b_varchar(name)
    return bytes(out)


def _value(sql_type: str, value: Any) -> bytes:
    name, a, _ = _parse_type(sql_type)
    if name in ("nvarchar", "nchar", "varchar", "char"):
        if value is None:
            return b"\xff\xff"
        text = str(value).ljust(a) if name in ("char", "nchar") else str(value)
        data = text.encode("utf-16-le" if name.startswith("n") else "cp1252")
        return struct.pack("<H", len(data)) + data
    if value is None:
        return b"\x00"
    if name in _INT_SIZES:
        size = _INT_SIZES[name]
        fmt = {1: "<B", 2: "<h", 4: "<i", 8: "<q"}[size]
        return bytes([size]) + struct.pack(fmt, int(value))
    if name == "bit":
        return b"\x01" + bytes([1 if value else 0])
    if name == "float":
        return b"\x08" + struct.pack("<d", float(value))
    if name == "datetime":
        delta = value - _EPOCH_1900
        ticks = round((delta.seconds + delta.microseconds / 1e6) * 300)
        return b"\x08" + struct.pack("<iI", delta.days, ticks)
    if name in ("numeric", "decimal"):
        size = _numeric_size(a)
        scaled = int(Decimal(value).scaleb(_parse_type(sql_type)[2]))
        sign = 1 if scaled >= 0 else 0
        return bytes([size, sign]) + abs(scaled).to_bytes(size - 1, "little")
    raise ValueError(f"unsupported type {sql_type}")


def result(columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[Any]]) -> bytes:
    """COLMETADATA, one ROW per row, DONE with the row count."""
    out = bytearray(colmetadata(columns))
    for row in rows:
        out.append(ROW)
        for (_, sql_type), value in zip(columns, row, strict=True):
            out += _value(sql_type, value)
    return bytes(out) + done(DONE_COUNT, CURCMD_SELECT, len(rows))
