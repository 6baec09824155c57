"""Data that makes sense: no dates in the future or before birth, one living 户主 per household,
one spelling per building number, buildings and rooms in natural order."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from residents.choices import AgeGroup
from residents.forms import BuildingForm, HouseholdForm
from residents.models import Building, Household, Resident, Visit
from residents.privacy import age_group_by_year_q
from residents.services import residents_import
from shequ.validators import natural_sort_key, normalize_building_number, not_in_future
from tests.factories import BuildingFactory, HouseholdFactory, ResidentFactory, valid_id_number
from tests.residents.test_excel import person, xlsx
from tests.residents.test_resident_views import form_data

TOMORROW = timezone.localdate() + datetime.timedelta(days=1)
FUTURE = "日期不能晚于今天"


def errors(response, field: str) -> str:
    assert response.status_code == 200, "the form was accepted"
    return " ".join(response.context["form"].errors.get(field, []))


def test_future_dates_are_refused_under_their_field_in_every_form(client, world):
    client.force_login(world.alice)
    tomorrow = f"{TOMORROW:%Y-%m-%d}"
    resident = world.residents[0]
    born_later = form_data(world, document_type="passport", id_number="", sex="F",
                           birth_date="2030-01-01", name="未来人")  # fmt: skip
    response = client.post(reverse("residents:resident_add"), born_later)
    assert FUTURE in errors(response, "birth_date")
    moved_in_later = form_data(world, moved_in_on=tomorrow)
    response = client.post(reverse("residents:resident_add"), moved_in_later)
    assert FUTURE in errors(response, "moved_in_on")
    response = client.post(
        reverse("residents:resident_move_out", args=[resident.pk]),
        {"status": "moved_out", "status_changed_on": tomorrow},
    )
    assert FUTURE in errors(response, "status_changed_on")
    response = client.post(reverse("residents:visit_add"), {
        "household": world.households[0].pk, "visited_on": "2036-01-01", "notes": "未来的走访",
    })  # fmt: skip
    assert FUTURE in errors(response, "visited_on")
    response = client.post(reverse("residents:fieldlogentry_add"), {
        "date": tomorrow, "grid_unit": world.grid_units[0].pk, "seen": "未来的日志",
    })  # fmt: skip
    assert FUTURE in errors(response, "date")
    assert not Resident.objects.filter(name="未来人").exists()
    assert not Visit.objects.filter(notes="未来的走访").exists()
    assert Resident.objects.get(pk=resident.pk).status == "living"


def test_nothing_is_dated_before_the_persons_birth(client, world):
    client.force_login(world.alice)
    head, spouse = world.residents[0], world.residents[1]  # born 1950 and 1952
    response = client.post(
        reverse("residents:resident_move_out", args=[head.pk]),
        {"status": "deceased", "status_changed_on": "1900-01-01"},
    )
    assert "迁出/去世日期不能早于出生日期（1950-03-07）" in errors(response, "status_changed_on")
    edit = form_data(world, moved_in_on="1949-12-31", name="李新", id_number="")
    edit.update(document_type="passport", sex="M", birth_date="1980-01-01")
    response = client.post(reverse("residents:resident_add"), edit)
    assert "迁入日期不能早于出生日期" in errors(response, "moved_in_on")
    response = client.post(reverse("residents:visit_add"), {
        "household": world.households[0].pk, "residents": [spouse.pk],
        "visited_on": "1951-06-01", "notes": "出生前的走访",
    })  # fmt: skip
    assert spouse.name in errors(response, "visited_on")
    assert Resident.objects.get(pk=head.pk).status == "living"
    assert not Visit.objects.filter(notes="出生前的走访").exists()


def test_a_second_living_head_is_refused_in_the_form_with_a_message(client, world):
    client.force_login(world.alice)
    data = form_data(world, relation_to_head="head")
    response = client.post(reverse("residents:resident_add"), data)
    message = errors(response, "relation_to_head")
    assert f"这一户已有在住的户主（{world.residents[0].name}）" in message
    assert not Resident.objects.filter(name="张小明").exists()


def test_the_database_keeps_one_living_head_per_household(world):
    head = world.residents[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        ResidentFactory(household=head.household, relation_to_head="head")
    head.status, head.status_changed_on = "deceased", datetime.date(2025, 1, 1)
    head.save()
    successor = ResidentFactory(household=head.household, relation_to_head="head")
    assert successor.relation_to_head == "head"


def test_the_households_head_follows_its_living_head(client, world):
    client.force_login(world.alice)
    household = HouseholdFactory(building=world.buildings[0], room="502")
    data = form_data(world, household=household.pk, relation_to_head="head")
    assert client.post(reverse("residents:resident_add"), data).status_code == 302
    head = Resident.objects.get(name="张小明")
    household.refresh_from_db()
    assert household.head == head
    client.post(
        reverse("residents:resident_move_out", args=[head.pk]),
        {"status": "moved_out", "status_changed_on": "2026-01-01"},
    )
    household.refresh_from_db()
    assert household.head is None


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("1号楼", "1"), ("１２号楼", "12"), ("3栋", "3"), ("7 幢", "7"), ("05", "5"), ("A座", "A座")],
)
def test_building_numbers_are_normalised(typed, stored):
    assert normalize_building_number(typed) == stored


def test_1号楼_is_the_same_building_as_1(world):
    form = BuildingForm(
        {"grid_unit": world.grid_units[0].pk, "number": "１号楼", "kind": "block", "units": 2,
         "floors": 6},
        user=world.alice,
    )  # fmt: skip
    form.is_valid()
    assert form.instance.number == "1"
    with pytest.raises(ValidationError, match="本社区已有这个楼栋号"):
        form.instance.full_clean()


def test_buildings_are_listed_and_offered_in_natural_order(client, world):
    for number in ("11", "10"):
        BuildingFactory(grid_unit=world.grid_units[0], number=number)
    natural = ["1", "2", "10", "11"]
    buildings = Building.objects.filter(community=world.community)
    assert [b.number for b in buildings] == natural
    client.force_login(world.alice)
    html = client.get(reverse("residents:building_list")).content.decode()
    links = [html.index(f'href="{b.get_absolute_url()}"') for b in buildings]
    assert links == sorted(links)
    offered = HouseholdForm(user=world.alice).fields["building"].queryset
    assert [b.number for b in offered] == natural
    assert natural_sort_key("3-1") < natural_sort_key("10")


def test_households_in_a_building_are_in_natural_room_order(world):
    building = world.buildings[0]
    for room in ("1202", "302", "1201"):
        HouseholdFactory(building=building, unit=1, room=room)
    HouseholdFactory(building=building, unit=2, room="101")
    rooms = [(h.unit, h.room) for h in Household.objects.filter(building=building)]
    assert rooms == [(1, "301"), (1, "302"), (1, "1201"), (1, "1202"), (2, "101")]


def test_the_import_applies_the_same_rules_and_finds_1号楼_as_building_1(world):
    rows = [
        person(building="１号楼", name="赵大山", 证件号码=valid_id_number("19800101", 71)),
        person(building="1栋", room="502", number="新2", name="钱早", 迁入日期="1970-01-01",
               证件号码=valid_id_number("19800101", 73)),
    ]  # fmt: skip
    result = residents_import(user=world.alice, community=world.community, file=xlsx(rows))
    assert [(e.row, e.column) for e in result.errors] == [(4, "迁入日期")]
    assert "迁入日期不能早于出生日期（1980-01-01）" in result.errors[0].message
    result = residents_import(user=world.alice, community=world.community, file=xlsx(rows[:1]))
    assert result.ok
    assert Resident.objects.get(name="赵大山").household.building == world.buildings[0]


def test_today_is_the_offices_date_not_the_servers():
    # 17:00 UTC on 23 November is already 01:00 on the 24th in Asia/Shanghai.
    evening_utc = datetime.datetime(2026, 11, 23, 17, 0, tzinfo=datetime.UTC)
    with mock.patch("django.utils.timezone.now", return_value=evening_utc):
        not_in_future(datetime.date(2026, 11, 24))
        with pytest.raises(ValidationError, match="2026-11-24"):
            not_in_future(datetime.date(2026, 11, 25))


def test_every_age_group_filters_by_birth_year_for_those_who_may_not_see_birth_dates(world):
    """The youngest group has no lower bound; by year it once raised a TypeError (a 500 on the
    resident list's 0–6 filter, found by the fuzz walk)."""
    today = datetime.date(2026, 11, 24)
    for group in AgeGroup.values:
        Resident.objects.filter(age_group_by_year_q(group, today)).count()
    born = Resident.objects.filter(age_group_by_year_q(AgeGroup.PRESCHOOL, today))
    assert not born.filter(birth_date__lt=datetime.date(2019, 1, 1)).exists()
