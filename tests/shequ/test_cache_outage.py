"""With Redis unreachable people still log in, the lockout still holds, and the log says why."""

import logging

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCacheClient
from django.urls import reverse
from redis.exceptions import ConnectionError as RedisConnectionError

from shequ import cache as fallback_cache
from tests.factories import PASSWORD
from tests.shequ.test_settings import show

# Nothing listens on port 1: every connection is refused, as when Redis is down.
UNREACHABLE = {"BACKEND": "shequ.cache.FallbackRedisCache", "LOCATION": "redis://127.0.0.1:1/0"}


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {"default": UNREACHABLE}
    cache.clear()  # the process's fallback, which outlives a test
    fallback_cache._retry_at.clear()  # so the test sees the outage begin
    yield
    fallback_cache._retry_at.clear()


def cache_warnings(caplog) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "shequ.cache" and r.levelno == logging.WARNING
    ]


def test_people_log_in_and_reset_passwords_while_redis_is_down(client, world, redis_down, caplog):
    caplog.set_level(logging.WARNING, logger="shequ.cache")

    response = client.post("/accounts/login/", {"login": "alice", "password": PASSWORD})
    assert response.url == reverse("home")
    assert client.session["_auth_user_id"] == str(world.alice.pk)
    client.logout()

    page = client.get(reverse("account_reset_password"))
    assert "重置我的密码" in page.content.decode()
    sent = client.post(reverse("account_reset_password"), {"email": "alice@example.com"})
    assert sent.url == reverse("account_reset_password_done")
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]

    warnings = cache_warnings(caplog)
    assert len(warnings) == 1, "one warning for the outage, not one per call"
    assert "Cache unreachable" in warnings[0]
    assert "memory" in warnings[0]


def test_the_lockout_still_holds_while_redis_is_down(client, world, redis_down):
    for _ in range(5):
        wrong = client.post("/accounts/login/", {"login": "alice", "password": "wrong-password-1"})
        assert "登录失败次数过多" not in wrong.content.decode()
    locked = client.post("/accounts/login/", {"login": "alice", "password": PASSWORD})
    assert "登录失败次数过多" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_goes_back_to_redis_once_redis_answers(monkeypatch, caplog):
    caplog.set_level(logging.INFO, logger="shequ.cache")
    fallback_cache._retry_at.clear()
    backend = fallback_cache.FallbackRedisCache("redis://127.0.0.1:1/9", {})
    redis = {}

    def refused(client, key, default):
        raise RedisConnectionError("Connection refused.")

    # Nothing listens on its port either, so set() fails as get() does.
    monkeypatch.setattr(RedisCacheClient, "get", refused)
    backend.set("counter", "kept in memory")
    assert backend.get("counter") == "kept in memory"

    monkeypatch.setattr(
        RedisCacheClient, "get", lambda client, key, default: redis.get(key, default)
    )
    redis[backend.make_key("counter")] = "from redis"
    assert backend.get("counter") == "kept in memory", "no retry before the interval is up"
    monkeypatch.setattr(fallback_cache.time, "monotonic", lambda: 10**9)
    assert backend.get("counter") == "from redis"
    assert [r.getMessage().split(" (")[0].split(":")[0] for r in caplog.records] == [
        "Cache unreachable",
        "Cache reachable again",
    ]
    fallback_cache._retry_at.clear()


def test_a_redis_cache_url_gets_the_fallback():
    out = show("settings.CACHES['default']['BACKEND']", CACHE_URL="redis://127.0.0.1:6379/1")
    assert out.stdout.strip() == "shequ.cache.FallbackRedisCache", out.stderr
