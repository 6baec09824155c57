"""The public id of a case (`service_request_id`).

Not the primary key: consecutive numbers tell anyone how many cases a month the desk receives.
Not the tracking code either: it is the resident's receipt, with which they rate and reopen the
case, and the request list is public. So the id is the primary key run through a keyed
permutation of 64-bit numbers (a four-round Feistel network, HMAC as the round function, keyed
by the field encryption key, which can never change without losing the stored personal data):
stable, unique, decodable without a lookup table, and unrelated between consecutive cases.
"""

from __future__ import annotations

from shequ import personal_data
from shequ.params import MAX_ID

_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # the tracking codes' letters: no 0/O, 1/I/L
_LENGTH = 13  # 31^13 > 2^64
_HALF = 32
_MASK = (1 << _HALF) - 1
_ROUNDS = 4


def _round(number: int, half: int) -> int:
    digest = personal_data.lookup_hash(f"open311 service_request_id {number} {half}")
    return int(digest[:8], 16)


def _permute(value: int, rounds) -> int:
    left, right = value >> _HALF, value & _MASK
    for number in rounds:
        left, right = right, left ^ _round(number, right)
    return (right << _HALF) | left


def encode(pk: int) -> str:
    value = _permute(pk, range(_ROUNDS))
    digits = []
    for _ in range(_LENGTH):
        value, digit = divmod(value, len(_ALPHABET))
        digits.append(_ALPHABET[digit])
    return "".join(reversed(digits))


def decode(public_id: str) -> int | None:
    """The primary key behind a public id, or None for anything that is not one."""
    text = public_id.strip().upper()
    if len(text) != _LENGTH or any(c not in _ALPHABET for c in text):
        return None
    value = 0
    for c in text:
        value = value * len(_ALPHABET) + _ALPHABET.index(c)
    if value >> (2 * _HALF):
        return None
    pk = _permute(value, reversed(range(_ROUNDS)))
    return pk if 0 < pk <= MAX_ID else None
