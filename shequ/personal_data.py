"""Personal information (PIPL): ID and phone numbers encrypted at rest, found by a keyed hash.

The key comes from FIELD_ENCRYPTION_KEY (32 bytes, base64). Two sub-keys are derived from it:
one for AES-GCM encryption, one for the HMAC that makes exact lookups possible without storing
the number. A database dump therefore holds neither the numbers nor anything a dictionary of
all 10^11 phone numbers could be checked against without the key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_NONCE_BYTES = 12


@cache
def _keys(master_b64: str) -> tuple[AESGCM, bytes]:
    try:
        master = base64.urlsafe_b64decode(master_b64)
    except ValueError:
        master = b""
    if len(master) != 32:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY must be 32 bytes, base64-encoded.")

    def derive(purpose: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(master)

    return AESGCM(derive(b"shequ field encryption")), derive(b"shequ field lookup")


def encrypt(value: str) -> str:
    cipher, _ = _keys(settings.FIELD_ENCRYPTION_KEY)
    nonce = os.urandom(_NONCE_BYTES)
    return base64.b64encode(nonce + cipher.encrypt(nonce, value.encode(), None)).decode()


def decrypt(token: str) -> str:
    cipher, _ = _keys(settings.FIELD_ENCRYPTION_KEY)
    raw = base64.b64decode(token)
    return cipher.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], None).decode()


def lookup_hash(value: str) -> str:
    _, key = _keys(settings.FIELD_ENCRYPTION_KEY)
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def mask(value: str, keep_start: int, keep_end: int = 4) -> str:
    """`1101**********002X` for an ID number (4, 4), `138****5678` for a mobile (3, 4)."""
    hidden = max(len(value) - keep_start - keep_end, 0)
    return value[:keep_start] + "*" * hidden + value[len(value) - keep_end :]


def generate_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()
