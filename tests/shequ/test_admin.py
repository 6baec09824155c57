"""Administrators set up the hierarchy and role assignments; codes are checked in Chinese."""

import pytest
from django.urls import reverse

from shequ.models import Community, RoleAssignment
from tests.factories import UserFactory


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
