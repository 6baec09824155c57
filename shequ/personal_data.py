"""Personal information (PIPL): ID and phone numbers encrypted at rest, found by a keyed hash.

The key comes from FIELD_ENCRYPTION_KEY (32 bytes, base64). Two sub-keys are derived from it:
one for AES-GCM encryption, one for the HMAC that makes exact lookups possible without storing
the number. A database dump therefore holds neither the numbers nor anything a dictionary of
all 10^11 phone numbers could be checked against without the key.

What a page may show: the masking policy
-----------------------------------------
Whoever may not reveal a number (grid and party affairs workers; community staff of another
community) must not be able to work it out from everything they see of a resident together:
the mask, the birth information, the age, the sex and the answers of the search box. The bar is
at least 10,000 numbers consistent with all of it, counted exactly in
tests/residents/test_masking_candidates.py from the pages as each role gets them.

- The search box answers "which residents' numbers end in these 1–4 characters", so the last
  four characters are public to anyone who may search; a mask shows nothing else. An ID number
  is masked to its last four characters (`**************002X`): the mask used to show the first
  four too (the province and city), which with the whole birth date shown beside it left only
  digits 5–6 unknown — 100 combinations, 10 after the check digit — and ten confirming searches
  recovered a whole number.
- The birth date is what an ID number spells in digits 7–14, so roles that may not reveal see
  the birth year and an age counted from it (this year minus the birth year) instead. Both stay
  the same all year, so watching a page day after day does not reveal the birthday either, as
  an exact age would on the day it changes; for the same reason the age-group filter counts
  by birth year for them. An ID number then leaves the six region digits and ~365 birthdays
  unknown: 10^6 × 365 / 11 ≈ 33 million candidates. Their 户籍地 stops at the province
  (residents.privacy): a city would pin four region digits and leave ~3,300 candidates, a
  province leaves ~330,000. Community staff, who may reveal the number anyway, keep the whole
  date and address.
- Other documents (an 8-character 台胞证, 9-character passports and permits) have no
  structure to exploit, but are short: their masks keep at most four characters and always
  hide at least four, so at least 10^4 numbers fit (`****5678` for a 台胞证).
- A mobile number keeps its operator prefix and last four digits (`138****5678`): four
  unknown digits, exactly 10,000 candidates.
- Looking a resident up by a whole number confirms or refutes one guess, so it is a use of the
  number: it goes through a POST (never a URL, which web servers log), writes an AccessLog row
  and is limited to NUMBER_LOOKUPS_PER_HOUR per user. The GET search ignores whole numbers.
  Someone who knows from elsewhere the city a resident was born in still faces ~3,300
  candidates, and would need some 80 hours of logged lookups on average to confirm one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import re
import time
import unicodedata
from functools import cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.cache import cache as default_cache
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

_NONCE_BYTES = 12
# Characters a mask keeps, and characters it always hides, so that at least 10^4 numbers fit.
MASK_KEEPS = 4
MASK_HIDES = 4
NUMBER_LOOKUPS_PER_HOUR = 20
# What a whole (or nearly whole) ID, document or phone number typed in a search box looks like:
# letters and digits only, with at least five digits. Names never do; "last digits" use 1–4.
_NUMBER_QUERY = re.compile(r"[0-9A-Za-z]*")


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
    """`138****5678` for a mobile (3, 4)."""
    hidden = max(len(value) - keep_start - keep_end, 0)
    return value[:keep_start] + "*" * hidden + value[len(value) - keep_end :]


def mask_document(value: str) -> str:
    """Any document number, shown by its last four characters at most (`**************002X`),
    and always with at least four hidden (`****5678` for an 8-character 台胞证)."""
    keep = max(0, min(MASK_KEEPS, len(value) - MASK_HIDES))
    return mask(value, 0, keep)


def mask_mobile(value: str) -> str:
    return mask(value, 3, 4)


def normalize_number_query(text: str) -> str:
    """Full-width digits and letters made half-width, spaces dropped, letters upper-case."""
    return "".join(unicodedata.normalize("NFKC", text or "").split()).upper()


def is_number_query(text: str) -> bool:
    """True for what must never be searched through a URL (see the module's docstring)."""
    value = normalize_number_query(text)
    return bool(_NUMBER_QUERY.fullmatch(value)) and sum(c.isdigit() for c in value) >= 5


def take_number_lookup(user_pk: int, cache=default_cache) -> bool:
    """Count one whole-number lookup for a user; False once this hour's allowance is used.

    An unreachable cache refuses the lookup (and says so in the log): the limit is what keeps
    the lookup from confirming guesses, so it fails closed."""
    key = f"number-lookup:{user_pk}:{int(time.time() // 3600)}"
    try:
        if cache.add(key, 1, timeout=3600):
            return True
        return cache.incr(key) <= NUMBER_LOOKUPS_PER_HOUR
    except Exception:
        logger.exception("Whole-number lookup refused: the cache that limits it is unreachable.")
        return False


def generate_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()
