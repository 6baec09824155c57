"""Administrators set up the hierarchy and role assignments; codes are checked in Chinese."""

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

from shequ.models import Community, RoleAssignment
from tests.factories import PASSWORD, UserFactory


@pytest.fixture
def admin_client(client, world):
    client.force_login(UserFactory(is_superuser=True, is_staff=True, username="root"))
    return client


def test_it_refuses_a_community_code_outside_its_district_in_place(admin_client, world):
    url = reverse("admin:shequ_community_add")
    data = {
        "street": world.street.pk,
        "name": "新社区",
        "code": "370302001009",
        "address": "",
        "phone": "",
    }
    response = admin_client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "社区代码前 6 位应为所属区的区划代码 370301" in page
    assert 'value="新社区"' in page, "what was typed is kept"
    assert not Community.objects.filter(name="新社区").exists()

    data["code"] = "370301001009"
    assert admin_client.post(url, data).status_code == 302
    created = Community.objects.get(name="新社区")
    entry = created.history.get()
    assert entry.history_user.username == "root"
    assert entry.history_type == "+"


def test_it_refuses_a_role_scoped_at_the_wrong_level(admin_client, world):
    response = admin_client.post(
        reverse("admin:shequ_roleassignment_add"),
        {"user": world.charlie.pk, "role": "grid_worker", "community": world.community.pk},
    )
    assert "“网格员”须且只须指定一个网格" in response.content.decode()
    assert not RoleAssignment.objects.filter(user=world.charlie, role="grid_worker").exists()


def test_it_keeps_the_admin_to_system_administrators(client, world):
    staff_flag_only = UserFactory(is_staff=True)
    client.force_login(staff_flag_only)
    response = client.get(reverse("admin:shequ_community_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_it_records_who_changed_a_row_and_what(admin_client, world):
    url = reverse("admin:shequ_community_change", args=[world.community.pk])
    admin_client.post(
        url,
        {"street": world.street.pk, "name": "甲机密社区", "code": world.community.code,
         "address": "幸福路 1 号", "phone": ""},
    )  # fmt: skip
    latest = world.community.history.first()
    changes = latest.diff_against(latest.prev_record).changes
    assert [(c.field, c.old, c.new) for c in changes] == [("address", "", "幸福路 1 号")]
    assert latest.history_user.username == "root"


def test_it_refuses_a_duplicate_grid_unit_number_in_chinese(admin_client, world):
    response = admin_client.post(
        reverse("admin:shequ_gridunit_add"),
        {"community": world.community.pk, "number": 1, "name": "重复网格"},
    )
    assert "这个社区已有该序号的网格。" in response.content.decode()


ADMIN_LOGIN = "/admin/login/"


@pytest.fixture
def root(db):
    return UserFactory(is_superuser=True, is_staff=True, username="root")


def test_the_admin_door_is_the_front_door_with_its_authenticator_code(client, root):
    secret = pyotp.random_base32()
    TOTP.activate(root, secret)

    door = client.post(ADMIN_LOGIN, {"username": "root", "password": PASSWORD, "next": "/admin/"})
    assert "_auth_user_id" not in client.session, "the password alone opens nothing"
    assert door.status_code == 302
    assert door.url == "/accounts/login/?next=%2Fadmin%2F"
    assert client.get("/admin/").url == "/admin/login/?next=/admin/"

    asked = client.post(door.url, {"login": "root", "password": PASSWORD})
    assert asked.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    done = client.post(asked.url, {"code": pyotp.TOTP(secret).now()})
    assert done.url == "/admin/"
    assert client.session["_auth_user_id"] == str(root.pk)
    assert "基础数据与账户" in client.get("/admin/").content.decode()
    # Signed in, the admin's login page only sends the administrator on.
    assert client.get(ADMIN_LOGIN, {"next": "/admin/shequ/user/"}).url == "/admin/shequ/user/"


def test_wrong_passwords_at_the_admin_door_lock_the_account_as_at_the_front_door(client, root):
    for _ in range(15):
        response = client.post(ADMIN_LOGIN, {"username": "root", "password": "wrong-password-1"})
        assert response.url == "/accounts/login/?next=%2Fadmin%2Flogin%2F"
    assert "_auth_user_id" not in client.session

    # The admin door has no password form of its own: its failures are the front door's, counted
    # once per account whichever way in was taken.
    front, admin_next = "/accounts/login/", "/accounts/login/?next=%2Fadmin%2F"
    for url in (front, admin_next, front, admin_next, front):
        wrong = client.post(url, {"login": "root", "password": "wrong-password-1"})
        assert wrong.status_code == 200
    locked = client.post(admin_next, {"login": "root", "password": PASSWORD})
    assert "登录失败次数过多" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_a_signed_in_worker_cannot_post_an_administrators_password_to_the_admin_door(
    client, world, root
):
    world.alice.is_staff = True
    world.alice.save(update_fields=["is_staff"])
    client.force_login(world.alice)
    response = client.post(ADMIN_LOGIN, {"username": "root", "password": PASSWORD})
    assert response.status_code == 403
    assert client.session["_auth_user_id"] == str(world.alice.pk)
