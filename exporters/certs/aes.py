"""AES-CBC decryption (FIPS 197) in plain Python, for PKCS#12 certificate bags only.

Modern PKCS#12 files (OpenSSL 3, Windows 10+, `cryptography`) encrypt their certificates
with PBES2: PBKDF2 (in `hashlib`) and AES-256-CBC. The standard library has no AES, and
`cryptography` costs ~11 MiB of RSS to import for a few kilobytes of public certificates,
decrypted once per file (the outcome is cached). This is the textbook inverse cipher: not
constant-time, which does not matter for data that is public once decrypted; never use it
for secrets or for encrypting.
"""

from __future__ import annotations


def _tables() -> tuple[bytes, list[list[int]]]:
    sbox = [0] * 256
    p = q = 1
    while True:  # walk the multiplicative group with generator 3 and its inverse
        p = (p ^ (p << 1) ^ (0x1B if p & 0x80 else 0)) & 0xFF
        q ^= q << 1
        q ^= q << 2
        q ^= q << 4
        q &= 0xFF
        if q & 0x80:
            q ^= 0x09
        x = q ^ _rotl(q, 1) ^ _rotl(q, 2) ^ _rotl(q, 3) ^ _rotl(q, 4)
        sbox[p] = x ^ 0x63
        if p == 1:
            break
    sbox[0] = 0x63
    inverse = [0] * 256
    for i, s in enumerate(sbox):
        inverse[s] = i
    muls = [[_mul(a, m) for a in range(256)] for m in (9, 11, 13, 14)]
    return bytes(sbox), [inverse, *muls]


def _rotl(x: int, n: int) -> int:
    return ((x << n) | (x >> (8 - n))) & 0xFF


def _mul(a: int, b: int) -> int:
    out = 0
    while b:
        if b & 1:
            out ^= a
        a = ((a << 1) ^ (0x1B if a & 0x80 else 0)) & 0xFF
        b >>= 1
    return out


_SBOX, (_INV, _M9, _M11, _M13, _M14) = _tables()
_RCON = (0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1B, 0x36)


def _round_keys(key: bytes) -> list[list[int]]:
    """The expanded key as Nr+1 round keys of 16 bytes (FIPS 197 section 5.2)."""
    nk = len(key) // 4
    if len(key) not in (16, 24, 32):
        raise ValueError("AES keys are 16, 24 or 32 bytes")
    rounds = nk + 6
    words = [list(key[4 * i : 4 * i + 4]) for i in range(nk)]
    for i in range(nk, 4 * (rounds + 1)):
        t = list(words[i - 1])
        if i % nk == 0:
            t = [_SBOX[b] for b in t[1:] + t[:1]]
            t[0] ^= _RCON[i // nk - 1]
        elif nk > 6 and i % nk == 4:
            t = [_SBOX[b] for b in t]
        words.append([a ^ b for a, b in zip(words[i - nk], t, strict=True)])
    return [[b for word in words[4 * r : 4 * r + 4] for b in word] for r in range(rounds + 1)]


# byte i of the state (column-major) comes from byte _INV_SHIFT[i] before InvShiftRows
_INV_SHIFT = [((c - r) % 4) * 4 + r for c in range(4) for r in range(4)]


def _decrypt_block(block: bytes, keys: list[list[int]]) -> list[int]:
    s = [b ^ k for b, k in zip(block, keys[-1], strict=True)]
    for round_key in reversed(keys[1:-1]):
        s = [_INV[s[j]] ^ round_key[i] for i, j in enumerate(_INV_SHIFT)]
        out: list[int] = []
        for c in range(0, 16, 4):
            a0, a1, a2, a3 = s[c], s[c + 1], s[c + 2], s[c + 3]
            out += (
                _M14[a0] ^ _M11[a1] ^ _M13[a2] ^ _M9[a3],
                _M9[a0] ^ _M14[a1] ^ _M11[a2] ^ _M13[a3],
                _M13[a0] ^ _M9[a1] ^ _M14[a2] ^ _M11[a3],
                _M11[a0] ^ _M13[a1] ^ _M9[a2] ^ _M14[a3],
            )
        s = out
    return [_INV[s[j]] ^ keys[0][i] for i, j in enumerate(_INV_SHIFT)]


def decrypt_cbc(key: bytes, iv: bytes, data: bytes) -> bytes:
    """Decrypt AES-CBC and strip the PKCS#7 padding; ValueError if the padding is wrong
    (a wrong key, in practice)."""
    if len(iv) != 16 or not data or len(data) % 16:
        raise ValueError("AES-CBC needs a 16-byte IV and whole 16-byte blocks")
    keys = _round_keys(key)
    out = bytearray()
    previous = iv
    for at in range(0, len(data), 16):
        block = data[at : at + 16]
        plain = _decrypt_block(block, keys)
        out += bytes(p ^ v for p, v in zip(plain, previous, strict=True))
        previous = block
    pad = out[-1]
    if not 1 <= pad <= 16 or out[-pad:] != bytes((pad,)) * pad:
        raise ValueError("bad padding (wrong key or damaged data)")
    return bytes(out[:-pad])
