"""Sessions read through the cache when Redis is configured (shequ/sessions.py): no query for the
session on a signed-in request, and never a 500 or a session that outlives its sign-out."""

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shequ import sessions


@pytest.fixture(autouse=True)
def _cached_sessions(settings):
    # A memory cache stands in for Redis, so a test can make it fail.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.SESSION_ENGINE = "shequ.sessions"


def test_a_signed_in_request_reads_its_session_from_the_cache(client, world):
    client.force_login(world.alice)
    client.get(reverse("health"))  # stamps the session's first activity
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("health")).content == b"ok"
    assert captured.captured_queries == []


def test_signing_out_ends_the_session_at_once(client, world):
    client.force_login(world.alice)
    page = reverse("residents:resident_list")
    assert world.residents[0].name in client.get(page).content.decode()
    cookie = client.cookies["sessionid"].value
    client.post(reverse("account_logout"))
    client.cookies["sessionid"] = cookie  # the old cookie, replayed
    response = client.get(page)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_cached_session_lapses_within_five_minutes(client, world, monkeypatch):
    kept = []
    real_set = LocMemCache.set
    monkeypatch.setattr(
        LocMemCache,
        "set",
        lambda self, key, value, timeout, **kw: (
            kept.append(timeout) or real_set(self, key, value, timeout, **kw)
        ),
    )
    client.force_login(world.alice)
    client.get(reverse("residents:resident_list"))
    assert kept
    assert max(kept) <= sessions.CACHE_SECONDS == 300


def test_the_cache_being_down_neither_fails_a_page_nor_keeps_a_signed_out_session(
    client, world, monkeypatch, caplog
):
    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    for method in ("get", "set", "delete"):
        monkeypatch.setattr(LocMemCache, method, down)
    client.force_login(world.alice)
    page = reverse("residents:resident_list")
    assert world.residents[0].name in client.get(page).content.decode()
    assert "Session cache unreachable" in caplog.text
    client.post(reverse("account_logout"))
    response = client.get(page)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
