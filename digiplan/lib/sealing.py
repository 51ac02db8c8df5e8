"""Sealed boxes: data written to the database that only the application can read.

A sealed value is AES-256-GCM under a key derived (HKDF-SHA256) from the installation's sealing
secret and the purpose of the value, bound to its context (e.g. the campaign it belongs to), so
that a value copied to another row or purpose does not open. The database, its backups and its
logs never hold the secret: settings.SEALING_KEY comes from the environment (SECRET_KEY when
unset). Changing the secret while a campaign is open would make its ballots unreadable, so the
old one is tried too when it is listed in SEALING_KEY_FALLBACKS (or SECRET_KEY_FALLBACKS).

Every plaintext is padded to a fixed size chosen by the caller before sealing: the length of a
sealed value must not tell a database reader how long a comment was or how many statements were
answered, which could otherwise be matched with the released answers later.
"""

from __future__ import annotations

import os
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

VERSION = b"\x01"
NONCE_BYTES = 12
LENGTH = struct.Struct(">I")


class SealError(Exception):
    """The value cannot be opened: it was changed, belongs elsewhere, or the secret is gone."""


def _secrets() -> list[str]:
    current = getattr(settings, "SEALING_KEY", "") or settings.SECRET_KEY
    fallbacks = list(getattr(settings, "SEALING_KEY_FALLBACKS", None) or [])
    fallbacks += list(getattr(settings, "SECRET_KEY_FALLBACKS", None) or [])
    return [current, *[f for f in fallbacks if f and f != current]]


def _key(secret: str, purpose: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"digiplan-sealing", info=purpose.encode()).derive(
        secret.encode()
    )


def seal(data: bytes, *, purpose: str, context: str, size: int) -> bytes:
    """data sealed for purpose and context, padded so that every sealed value of this size has
    the same length. Refuses data that does not fit: a caller's size must cover its largest."""
    if len(data) + LENGTH.size > size:
        raise ValueError(f"{len(data)} bytes do not fit in a sealed box of {size}")
    padded = LENGTH.pack(len(data)) + data + bytes(size - LENGTH.size - len(data))
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(_key(_secrets()[0], purpose)).encrypt(nonce, padded, context.encode())
    return VERSION + nonce + sealed


def unseal(value: bytes | memoryview, *, purpose: str, context: str) -> bytes:
    value = bytes(value)  # a BinaryField may read back as a memoryview
    if len(value) < 1 + NONCE_BYTES or value[:1] != VERSION:
        raise SealError("not a sealed value")
    nonce, sealed = value[1 : 1 + NONCE_BYTES], value[1 + NONCE_BYTES :]
    for secret in _secrets():
        try:
            padded = AESGCM(_key(secret, purpose)).decrypt(nonce, sealed, context.encode())
        except InvalidTag:
            continue
        (length,) = LENGTH.unpack_from(padded)
        return padded[LENGTH.size : LENGTH.size + length]
    raise SealError("the value does not open with this installation's secrets")
