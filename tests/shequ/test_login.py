"""Logging in: by username, mobile number or e-mail; failures slowed and locked; TOTP; idle-out."""

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

from shequ.models import User
from tests.factories import PASSWORD

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
