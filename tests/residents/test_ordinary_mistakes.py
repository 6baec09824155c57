"""Ordinary mistakes of an office never give a 500: each test here is one of the eight causes
the fuzzing of issue 6 found, and says what the user sees instead."""

import io
import logging

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from residents import excel
from residents.models import Building, Household, Resident, Visit
from residents.presenters import history_rows
from shequ.access import Access
from shequ.forms import ScopedModelForm
from tests.conftest import SECRET
from tests.factories import BuildingFactory

JUNK = ["abc", "1abc", "-1", "1.5", "１", "9" * 40, "\x00", " "]


def test_a_building_number_already_in_the_community_is_a_message_on_the_number(client, world):
    client.force_login(world.alice)
    response = client.post(reverse("residents:building_add"), {
        "grid_unit": world.grid_units[1].pk, "number": world.buildings[0].number,
        "address": "幸福路", "kind": "block", "units": 1, "floors": 6,
    })  # fmt: skip
    assert response.status_code == 200
    assert response.context["form"].errors == {"number": ["本社区已有这个楼栋号。"]}
    assert Building.objects.filter(community=world.community).count() == 2


def test_a_household_number_already_in_the_community_is_a_message_on_the_number(client, world):
    client.force_login(world.alice)
    response = client.post(reverse("residents:household_add"), {
        "building": world.buildings[1].pk, "unit": 2, "room": "502",
        "number": world.households[0].number, "kind": "family",
    })  # fmt: skip
    assert response.status_code == 200
    assert response.context["form"].errors == {"number": ["本社区已有这个户号。"]}
    assert Household.objects.filter(community=world.community).count() == 2


def test_a_row_saved_by_someone_else_in_between_is_a_message_not_a_500(client, world, monkeypatch):
    """The form checks constraints, but another office can save the same number between the
    check and the save; the database refuses it, and the page says why."""
    monkeypatch.setattr(ScopedModelForm, "validate_unique", lambda form: None)
    client.force_login(world.alice)
    response = client.post(reverse("residents:building_add"), {
        "grid_unit": world.grid_units[1].pk, "number": world.buildings[0].number,
        "kind": "block", "units": 1, "floors": 6,
    })  # fmt: skip
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["本社区已有这个楼栋号。"]
    assert Building.objects.filter(community=world.community).count() == 2


def test_a_visit_saved_with_no_household_asks_for_one(client, world):
    client.force_login(world.alice)
    response = client.post(reverse("residents:visit_add"), {
        "household": "", "visited_on": "2026-01-06", "notes": "上门了解情况",
    })  # fmt: skip
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["household"]
    assert Visit.objects.count() == 1


def initial(name):
    return lambda response: response.context["form"].initial.get(name)


def context(name):
    return lambda response: response.context[name]


def form_field(name):
    return lambda response: response.context["form"].fields.get(name)


@pytest.mark.parametrize("junk", JUNK)
@pytest.mark.parametrize(
    ("url_name", "param", "chosen"),
    [
        ("residents:visit_add", "household", initial("household")),
        ("residents:resident_add", "household", initial("household")),
        ("residents:household_add", "building", initial("building")),
        ("residents:fieldlogentry_add", "resident", form_field("residents")),
        ("residents:overview", "community", context("chosen")),
        ("residents:visit_due", "grid_unit", context("chosen_grid_unit")),
    ],
)
def test_a_non_numeric_id_in_the_query_string_is_no_filter(
    client, world, url_name, param, chosen, junk
):
    client.force_login(world.alice)
    response = client.get(reverse(url_name), {param: junk})
    assert response.status_code == 200
    assert chosen(response) is None


def test_junk_in_the_due_list_grid_unit_lists_every_grid_unit(client, world):
    client.force_login(world.alice)
    everyone = client.get(reverse("residents:visit_due")).context["object_list"]
    junk = client.get(reverse("residents:visit_due"), {"grid_unit": "abc"}).context["object_list"]
    assert [r.pk for r in junk] == [r.pk for r in everyone] != []


def test_a_vertical_tab_pasted_from_word_never_breaks_the_export_nor_reaches_the_log(
    client, world, caplog
):
    """A row saved before input was cleaned (or by a bulk load) still holds the character."""
    resident = world.residents[0]
    Resident.objects.filter(pk=resident.pk).update(notes=f"{SECRET}第一行\x0b第二行\x0c")
    client.force_login(world.alice)
    with caplog.at_level(logging.DEBUG):
        response = client.get(reverse("residents:resident_export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))[excel.TITLE]
    assert f"{SECRET}第一行第二行" in [cell.value for cell in sheet[2]]
    assert SECRET not in caplog.text


def test_control_characters_typed_into_any_text_field_are_dropped_on_input(client, world):
    client.force_login(world.alice)
    client.post(reverse("residents:building_add"), {
        "grid_unit": world.grid_units[1].pk, "number": "9\x0b",
        "address": "幸福路\x0b8\x85号\ufffe", "kind": "block", "units": 1, "floors": 6,
    })  # fmt: skip
    building = Building.objects.get(community=world.community, number="9")
    assert building.address == "幸福路8号"


@pytest.mark.parametrize("which", ["resident", "household", "building"])
def test_the_page_of_a_row_loaded_without_history_shows(client, world, which):
    """Rows loaded by the city generator or a legacy migration have no history rows at all."""
    row = {
        "resident": world.residents[0],
        "household": world.households[0],
        "building": world.buildings[0],
    }[which]
    row.history.all().delete()
    client.force_login(world.alice)
    response = client.get(row.get_absolute_url())
    assert response.status_code == 200
    assert response.context["history"] == []


def test_history_rows_work_with_no_one_or_several_records(world):
    building = world.buildings[0]
    access = Access(world.alice)
    building.history.all().delete()
    assert history_rows(building, access) == []
    building = BuildingFactory(grid_unit=world.grid_units[0], number="77", address="旧地址")
    assert [row.kind for row in history_rows(building, access)] == ["登记"]
    building.address = "新地址"
    building.save()
    rows = history_rows(building, access)
    assert [row.kind for row in rows] == ["修改", "登记"]
    assert (rows[0].changes[0].old, rows[0].changes[0].new) == ("旧地址", "新地址")
