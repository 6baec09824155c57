"""Sessions kept in the database and read through the cache (Redis in production).

Reading the session was the one query left on a signed-in request that needs neither the user nor
their roles (the health check, and the idle check of every page). Django's `cached_db` store does
this, but fails the request when Redis cannot be reached and keeps a session in the cache as long
as the session lasts. This one reads from the database when the cache is down, saying so in the
log, and keeps a session in the cache for five minutes at most: a sign-out that could not reach
the cache to delete its copy takes effect within five minutes rather than two weeks.

Settings use it only when `CACHE_URL` names Redis: a per-process memory cache would let one
gunicorn worker serve a session another has signed out.
"""

from __future__ import annotations

import logging

from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.db import SessionStore as DBStore

logger = logging.getLogger(__name__)

CACHE_SECONDS = 300


class SessionStore(cached_db.SessionStore):
    def load(self) -> dict:
        data = None
        try:
            data = self._cache.get(self.cache_key)
        except Exception:  # any cache error: the database still has the session
            logger.warning("Session cache unreachable; reading the session from the database.")
        if data is not None:
            return data
        stored = self._get_session_from_db()
        if stored is None:
            return {}
        data = self.decode(stored.session_data)
        self._keep(data, self.get_expiry_age(expiry=stored.expire_date))
        return data

    def save(self, must_create: bool = False) -> None:
        DBStore.save(self, must_create)
        self._keep(self._session, self.get_expiry_age())

    def delete(self, session_key: str | None = None) -> None:
        key = session_key or self.session_key
        DBStore.delete(self, session_key)
        if key is None:
            return
        try:
            self._cache.delete(self.cache_key_prefix + key)
        except Exception:
            logger.error(
                "Session cache unreachable while signing out; the cached copy lapses within "
                "%s seconds.",
                CACHE_SECONDS,
            )

    def exists(self, session_key: str) -> bool:
        return DBStore.exists(self, session_key)

    def _keep(self, data: dict, expiry_age: int) -> None:
        try:
            self._cache.set(self.cache_key, data, min(expiry_age, CACHE_SECONDS))
        except Exception:
            logger.warning("Session cache unreachable; the session was saved to the database.")
