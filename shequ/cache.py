"""The Redis cache, falling back to this process's memory while Redis cannot be reached.

The login rate limits and the lockout live in the cache, so with a plain Redis backend an
unreachable Redis makes every login and password reset a 500. Here the same calls go to a
per-process memory cache instead: nobody is shut out, and the limits still hold, counted per
process (with two workers an address gets at most twice its tries) rather than per site. The
outage is logged once when it starts and once when Redis answers again, never per call.
"""

import logging
import threading
import time
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# How long calls skip Redis after it failed, so an outage costs one failed connection per
# interval and process, not one per call.
RETRY_SECONDS = 30
# Redis answers in milliseconds; waiting longer than this for one that does not only holds up the
# login page.
SOCKET_TIMEOUT_SECONDS = 1.0

_UNREACHABLE = (RedisConnectionError, RedisTimeoutError)

# Django makes one backend instance per thread, so the outage is shared at module level, keyed by
# the servers' URL: one warning per process and outage, not one per thread.
_retry_at: dict[str, float] = {}
_lock = threading.Lock()


class FallbackRedisCache(RedisCache):
    """Django's RedisCache, whose calls use a per-process LocMemCache while Redis is down."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = {
            "socket_connect_timeout": SOCKET_TIMEOUT_SECONDS,
            "socket_timeout": SOCKET_TIMEOUT_SECONDS,
            **params.get("OPTIONS", {}),
        }
        super().__init__(server, {**params, "OPTIONS": options})
        self._outage_key = str(server)
        # LocMemCache instances of one name share their data across the process's threads.
        # Redis's OPTIONS mean nothing to it, so only the key and timeout settings are passed on.
        shared = ("TIMEOUT", "KEY_PREFIX", "VERSION", "KEY_FUNCTION")
        self._fallback = LocMemCache(
            f"shequ-fallback:{server}", {k: params[k] for k in shared if k in params}
        )

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        retry_at = _retry_at.get(self._outage_key)
        if retry_at is None or time.monotonic() >= retry_at:
            try:
                result = getattr(super(), method)(*args, **kwargs)
            except _UNREACHABLE as exc:
                self._record_outage(exc)
            else:
                if retry_at is not None:
                    self._record_recovery()
                return result
        return getattr(self._fallback, method)(*args, **kwargs)

    def _record_outage(self, exc: Exception) -> None:
        with _lock:
            starting = self._outage_key not in _retry_at
            _retry_at[self._outage_key] = time.monotonic() + RETRY_SECONDS
        if starting:
            logger.warning(
                "Cache unreachable (%s): rate limits, login lockouts and cached values are kept "
                "in this process's memory until it answers again (retried every %d s).",
                exc,
                RETRY_SECONDS,
            )

    def _record_recovery(self) -> None:
        with _lock:
            ended = _retry_at.pop(self._outage_key, None) is not None
        if ended:
            logger.warning("Cache reachable again: rate limits are shared across processes again.")

    def add(self, *args: Any, **kwargs: Any) -> bool:
        return self._call("add", *args, **kwargs)

    def get(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("get", *args, **kwargs)

    def set(self, *args: Any, **kwargs: Any) -> None:
        return self._call("set", *args, **kwargs)

    def touch(self, *args: Any, **kwargs: Any) -> bool:
        return self._call("touch", *args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> bool:
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args: Any, **kwargs: Any) -> dict:
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args: Any, **kwargs: Any) -> bool:
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args: Any, **kwargs: Any) -> int:
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args: Any, **kwargs: Any) -> list:
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args: Any, **kwargs: Any) -> None:
        return self._call("delete_many", *args, **kwargs)

    def clear(self) -> bool:
        return self._call("clear")
