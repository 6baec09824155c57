"""The residents list, search, the resident form, moving out and revealing numbers."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from residents.models import Resident, ResidentTag
from shequ.models import AccessLog
from tests.conftest import SECRET
from tests.factories import ResidentFactory, valid_id_number

LIST = reverse("residents:resident_list")


def page(client, user, url=LIST, **params) -> str:
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def test_it_lists_residents_with_masked_numbers_only(client, world):
    html = page(client, world.alice)
    for resident in world.residents:
        assert resident.name in html
        assert resident.id_number not in html
        assert resident.id_number_masked in html
    assert "138****5678" in html and "13812345678" not in html


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("张", [0]),
        (f"張{SECRET}", [0]),  # traditional characters find the simplified name
        ("wj", [1]),  # pinyin initials of 王甲机密
        ("5678", [0, 1, 2]),  # last digits of a mobile number
    ],
)
def test_one_box_finds_by_name_pinyin_or_last_digits(client, world, typed, found):
    html = page(client, world.alice, q=typed)
    for i, resident in enumerate(world.residents):
        assert (resident.name in html) == (i in found), (typed, resident.name)


def test_a_full_id_number_typed_in_the_get_search_box_is_not_searched(client, world):
    """It would sit in the URL, the browser history and the server's access log."""
    target = world.residents[2]
    html = page(client, world.alice, q=target.id_number.lower())
    assert "完整的证件号码或手机号码不在搜索框中查找" in html
    assert target.name in html and world.residents[0].name in html  # the box was ignored
    assert not AccessLog.objects.exists()


def test_a_grid_worker_sees_only_the_residents_of_their_grid_units(client, world):
    html = page(client, world.gina)
    assert world.residents[0].name in html
    assert world.residents[2].name not in html


def test_an_official_never_gets_a_list_of_names(client, world):
    client.force_login(world.bob)
    for name in ("resident_list", "household_list", "building_list", "visit_due",
                 "fieldlogentry_list", "resident_export"):  # fmt: skip
        assert client.get(reverse(f"residents:{name}")).status_code == 404, name
    assert client.get(reverse("residents:overview")).status_code == 200


def test_sensitive_tags_are_for_community_staff_only(client, world):
    released = ResidentTag.objects.get(code="released_prisoner")
    world.residents[0].tags.add(released)
    assert "刑释解教人员" in page(client, world.alice)
    assert "刑释解教人员" not in page(client, world.gina)
    # A filter would reveal the tag too.
    assert "刑释解教人员" not in page(client, world.gina, tags=released.pk)


def test_the_list_runs_a_fixed_number_of_queries(client, world):
    client.force_login(world.alice)
    client.get(LIST)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(LIST, {"q": "5678"}).status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    tag = ResidentTag.objects.get(code="disabled")
    for n in range(40):
        ResidentFactory(household=world.households[n % 2], tags=[tag], mobile=f"1360000{n:04d}")
    assert queries() == few


def test_revealing_numbers_is_for_community_staff_and_is_logged(client, world):
    resident = world.residents[0]
    url = reverse("residents:resident_reveal", args=[resident.pk])
    client.force_login(world.gina)
    assert client.post(url).status_code == 404
    assert not AccessLog.objects.exists()

    client.force_login(world.alice)
    html = client.post(url, headers={"HX-Request": "true"}).content.decode()
    assert resident.id_number in html and "13812345678" in html
    entry = AccessLog.objects.get()
    assert (entry.user, entry.object_id, entry.community) == (
        world.alice, str(resident.pk), world.community,
    )  # fmt: skip


def form_data(world, **overrides) -> dict:
    data = {
        "household": world.households[0].pk, "relation_to_head": "son", "name": "张小明",
        "document_type": "id_card", "id_number": valid_id_number("20150601", 15),
        "mobile": "", "ethnicity": "汉族", "political_status": "masses", "education": "",
        "marital_status": "", "registered_address": "", "residence_status": "present",
        "residence_type": "registered", "moved_in_on": "", "notes": "", "sex": "", "birth_date": "",
    }  # fmt: skip
    return {**data, **overrides}


def test_it_registers_a_resident_deriving_birth_date_and_sex_from_the_id(client, world):
    client.force_login(world.alice)
    response = client.post(reverse("residents:resident_add"), form_data(world))
    assert response.status_code == 302
    child = Resident.objects.get(name="张小明")
    assert (child.birth_date, child.sex) == (datetime.date(2015, 6, 1), "M")
    assert child.community == world.community
    assert child.history.get().history_user == world.alice


def test_bad_input_gets_chinese_messages_in_place_and_keeps_what_was_typed(client, world):
    client.force_login(world.alice)
    data = form_data(world, id_number="1.10105E+17", mobile="1381234", notes="楼上漏水")
    response = client.post(reverse("residents:resident_add"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "科学计数法" in html
    assert "11 位中国大陆手机号码" in html
    assert 'value="张小明"' in html and "楼上漏水" in html
    assert not Resident.objects.filter(name="张小明").exists()


def test_the_same_id_number_cannot_be_registered_twice_in_a_community(client, world):
    client.force_login(world.alice)
    data = form_data(world, id_number=world.residents[0].id_number.lower())
    html = client.post(reverse("residents:resident_add"), data).content.decode()
    assert "本社区已登记过这个证件号码" in html


def test_a_sex_that_contradicts_the_id_number_is_refused(client, world):
    client.force_login(world.alice)
    html = client.post(reverse("residents:resident_add"), form_data(world, sex="F")).content
    assert "与身份证号码中的性别不一致" in html.decode()


def test_a_household_of_another_community_cannot_be_chosen(client, world):
    from tests.factories import HouseholdFactory

    foreign = HouseholdFactory(community=world.other_community,
                               building__grid_unit__community=world.other_community)  # fmt: skip
    client.force_login(world.alice)
    html = client.post(
        reverse("residents:resident_add"), form_data(world, household=foreign.pk)
    ).content.decode()
    assert "选择一个有效的选项" in html
    assert not Resident.objects.filter(name="张小明").exists()


def test_moving_out_keeps_the_person_in_the_households_history(client, world):
    resident = world.residents[1]
    client.force_login(world.alice)
    url = reverse("residents:resident_move_out", args=[resident.pk])
    undated = client.post(url, {"status": "moved_out"}).content.decode()
    assert "这个字段是必填项。" in undated
    resident.refresh_from_db()
    assert resident.status == "living"
    client.post(url, {"status": "moved_out", "status_changed_on": "2026-10-01"})
    resident.refresh_from_db()
    assert resident.status == "moved_out"
    html = page(client, world.alice, world.households[0].get_absolute_url())
    assert "曾在本户" in html and resident.name in html
    assert resident.name not in page(client, world.alice)  # living only by default
    assert resident.name in page(client, world.alice, status="moved_out")


def test_a_grid_worker_cannot_change_the_registry(client, world):
    client.force_login(world.gina)
    url = reverse("residents:resident_edit", args=[world.residents[0].pk])
    assert client.get(url).status_code == 404
    assert client.post(url, form_data(world)).status_code == 404


def test_a_party_affairs_worker_reads_the_registry_but_changes_none_of_it(client, world):
    html = page(client, world.peggy)
    assert all(resident.name in html for resident in world.residents)
    assert all(resident.id_number not in html for resident in world.residents)
    for url in (reverse("residents:resident_edit", args=[world.residents[0].pk]),
                reverse("residents:resident_add"), reverse("residents:building_add"),
                reverse("residents:resident_reveal", args=[world.residents[0].pk])):  # fmt: skip
        assert client.post(url, form_data(world)).status_code == 404, url
    assert not Resident.objects.filter(name="张小明").exists()


def test_a_resident_account_gets_no_page_of_the_registry(client, world):
    client.force_login(world.rita)
    for url in (LIST, reverse("residents:household_list"), reverse("residents:building_list"),
                world.residents[0].get_absolute_url(), world.households[0].get_absolute_url(),
                reverse("residents:resident_export")):  # fmt: skip
        assert client.get(url).status_code == 404, url
