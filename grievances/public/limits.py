"""How often one address or one phone number may use the public desk: counters in the cache,
each a fixed window that starts with its first hit. The numbers live here and nowhere else."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache

from shequ import personal_data


@dataclass(frozen=True)
class Limit:
    name: str
    count: int
    seconds: int

    def _key(self, who: str) -> str:
        return f"grievances-public:{self.name}:{who}"

    def exceeded(self, who: str | None) -> bool:
        return who is not None and (cache.get(self._key(who)) or 0) >= self.count

    def hit(self, who: str | None) -> None:
        if who is None:
            return
        key = self._key(who)
        # add() starts the window only if none is running; incr() never extends it.
        cache.add(key, 0, self.seconds)
        try:
            cache.incr(key)
        except ValueError:  # the window ended between the two calls
            cache.set(key, 1, self.seconds)


SUBMISSIONS_PER_IP = Limit("submit-ip", 5, 60 * 60)
SUBMISSIONS_PER_PHONE = Limit("submit-phone", 3, 24 * 60 * 60)
# Looking a code up: every page shown by code counts, and wrong codes count again on their own,
# so guessing among 31^12 codes stops after a handful of tries an hour.
LOOKUPS_PER_IP = Limit("lookup-ip", 120, 60 * 60)
MISSES_PER_IP = Limit("miss-ip", 10, 60 * 60)


def phone_key(phone: str) -> str:
    """The counter's key for a phone number: its keyed hash, never the number itself."""
    return personal_data.lookup_hash(phone)
