"""Logging in: by username, mobile number or e-mail; failures slowed and locked; TOTP; idle-out."""

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.test import RequestFactory
from django.urls import reverse

from shequ.models import AccessLog, User
from tests.factories import PASSWORD, UserFactory
from tests.shequ.test_settings import manage

LOGIN = "/accounts/login/"


def login(client, login, password=PASSWORD):
    return client.post(LOGIN, {"login": login, "password": password})


@pytest.mark.parametrize(
    "typed", ["alice", "ALICE", "13900000001", "+86 139-0000-0001", "alice@example.com"]
)
def test_it_logs_in_by_username_mobile_number_or_email(client, world, typed):
    response = login(client, typed)
    assert response.status_code == 302
    assert response.url == reverse("home")
    home = client.get(response.url)
    assert "甲机密社区" in home.content.decode()


def test_it_shows_a_wrong_password_in_chinese_in_place_and_keeps_the_login(client, world):
    response = login(client, "alice", "wrong-password-1")
    page = response.content.decode()
    assert response.status_code == 200
    assert "您提供的用户名或密码不正确。" in page
    assert 'value="alice"' in page
    assert "_auth_user_id" not in client.session


def test_it_locks_an_account_after_five_failures_whichever_name_is_typed(client, world):
    for typed in ("alice", "13900000001", "alice@example.com", "alice", "13900000001"):
        assert login(client, typed, "wrong-password-1").status_code == 200
    response = login(client, "alice@example.com")
    assert response.status_code == 200, "the right password must not get through a lock"
    assert "登录失败次数过多" in response.content.decode()
    # Another account from the same office computer is not locked.
    assert login(client, "charlie").status_code == 302


def test_it_asks_for_the_authenticator_code_once_totp_is_on(client, world):
    secret = pyotp.random_base32()
    TOTP.activate(world.alice, secret)
    response = login(client, "alice")
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    wrong = client.post(response.url, {"code": "000000"})
    assert "_auth_user_id" not in client.session
    assert "错误代码。" in wrong.content.decode()
    done = client.post(response.url, {"code": pyotp.TOTP(secret).now()})
    assert done.url == reverse("home")
    assert client.session["_auth_user_id"] == str(world.alice.pk)


def test_it_offers_staff_the_totp_setup_page(client, world):
    client.force_login(world.alice)
    page = client.get(reverse("mfa_activate_totp"))
    assert page.url.startswith(reverse("account_reauthenticate"))  # the password first
    client.post(page.url, {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp")).content.decode()
    assert 'name="code"' in page
    assert 'autocomplete="one-time-code"' in page


def idle(client, minutes: int) -> None:
    session = client.session
    session["last_activity"] -= minutes * 60
    session.save()


def test_it_ends_a_staff_session_after_thirty_idle_minutes(client, world):
    assert login(client, "alice").status_code == 302
    client.get(reverse("home"))
    idle(client, 29)
    assert client.get(reverse("home")).status_code == 200
    idle(client, 31)
    response = client.get(reverse("community_list"))
    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next=/communities/"
    page = client.get(response.url).content.decode()
    assert "长时间未操作，已自动退出" in page
    assert "_auth_user_id" not in client.session


def test_it_leaves_remember_me_to_the_user(client, world):
    client.post(LOGIN, {"login": "alice", "password": PASSWORD})
    assert client.session.get_expire_at_browser_close()
    client.logout()
    client.post(LOGIN, {"login": "alice", "password": PASSWORD, "remember": "on"})
    assert not client.session.get_expire_at_browser_close()


def test_it_keeps_signup_closed(client, db):
    response = client.get(reverse("account_signup"), follow=True)
    assert "当前已关闭注册" in response.content.decode()
    client.post(
        reverse("account_signup"),
        {"username": "mallory", "password1": "Long-enough-99", "password2": "Long-enough-99"},
    )
    assert not User.objects.filter(username="mallory").exists()


def test_it_applies_djangos_password_validators_on_change(client, world):
    client.force_login(world.alice)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "12345678", "password2": "12345678"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "密码太短，至少需要 10 个字符。" in page
    world.alice.refresh_from_db()
    assert world.alice.check_password(PASSWORD)


def fail_from(client, address: str, times: int, **headers) -> None:
    """Failed logins for accounts that do not exist, so only the per-address limit counts them."""
    for n in range(times):
        response = client.post(
            LOGIN, {"login": f"nobody-{address}-{n}", "password": "wrong-password-1"}, **headers
        )
        assert "登录失败次数过多" not in response.content.decode()


def access_log_ip(world, **meta) -> str | None:
    request = RequestFactory().get("/", **meta)
    request.user = world.alice
    return AccessLog.record(request, world.community, "view_full_phone").ip_address


def test_a_forged_forwarded_for_is_ignored_without_a_trusted_proxy(client, world):
    # Each attempt claims another address: without a proxy of ours that claim is the client's own.
    for n in range(10):
        fail_from(client, f"203.0.113.{n}", 1, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    response = client.post(
        LOGIN, {"login": "alice", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert access_log_ip(world, REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="1.2.3.4") == (
        "10.0.0.9"
    )


def test_behind_a_trusted_proxy_each_client_has_its_own_address(client, world, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    # The proxy appends the address it was reached from; what the client wrote stays on the left.
    fail_from(client, "a", 10, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    forged = client.post(
        LOGIN,
        {"login": "alice", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.5",
        **proxy,
    )
    assert "登录失败次数过多" in forged.content.decode()
    assert "_auth_user_id" not in client.session

    other = client.post(
        LOGIN,
        {"login": "alice", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
        **proxy,
    )
    assert other.url == reverse("home")
    assert access_log_ip(world, HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7", **proxy) == (
        "198.51.100.7"
    )
    # Reached directly, not through the proxy, the peer is the client.
    assert access_log_ip(world, REMOTE_ADDR="192.0.2.8") == "192.0.2.8"


def test_a_proxy_count_it_cannot_read_stops_the_start():
    out = manage("check", TRUSTED_PROXY_COUNT="nginx")
    assert out.returncode != 0
    assert "TRUSTED_PROXY_COUNT must be an integer; got 'nginx'" in out.stderr


def test_the_idle_warnings_keep_alive_extends_a_staff_session(client, world):
    assert login(client, "alice").status_code == 302
    page = client.get(reverse("home")).content.decode()
    assert 'data-seconds-left="1800"' in page
    assert "继续工作" in page
    assert "/static/js/session.js" in page

    idle(client, 29)
    assert client.get(reverse("keep_alive")).status_code == 405, "a prefetched link is no activity"
    response = client.post(reverse("keep_alive"))
    assert response.json() == {"seconds_left": 1800}
    idle(client, 29)
    assert client.get(reverse("community_list")).status_code == 200

    idle(client, 31)
    over = client.post(reverse("keep_alive"))
    assert over.status_code == 302
    assert over.url.startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_only_signed_in_staff_get_the_idle_warning_and_drafts(client, world):
    assert "/static/js/session.js" not in client.get(LOGIN).content.decode()
    client.force_login(UserFactory(username="resident-account"))
    home = client.get(reverse("home")).content.decode()
    assert "退出登录" in home
    assert "/static/js/session.js" not in home
