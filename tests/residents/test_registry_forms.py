"""Registering and correcting buildings and households, what a save outside the user's scope
leaves behind, a grid worker's reach, and the household's former members."""

from django.urls import reverse

from residents.models import Building, Household
from shequ.models import Role
from tests.factories import (
    BuildingFactory,
    FieldLogEntryFactory,
    GridUnitFactory,
    HouseholdFactory,
    ResidentFactory,
    assign,
)


def building_data(world, **overrides) -> dict:
    data = {"grid_unit": world.grid_units[0].pk, "number": "8", "address": "幸福路8号",
            "kind": "block", "units": 3, "floors": 7}  # fmt: skip
    return {**data, **overrides}


def household_data(world, **overrides) -> dict:
    data = {"building": world.buildings[0].pk, "unit": 2, "room": "502", "number": "H0502",
            "kind": "family"}  # fmt: skip
    return {**data, **overrides}


def test_staff_register_a_building_and_find_it_on_its_page(client, world):
    client.force_login(world.alice)
    response = client.post(reverse("residents:building_add"), building_data(world))
    building = Building.objects.get(number="8")
    assert response.url == building.get_absolute_url()
    assert (building.community, building.grid_unit) == (world.community, world.grid_units[0])
    page = client.get(building.get_absolute_url()).content.decode()
    assert "已登记楼栋 8号楼。" in page
    assert "幸福路8号" in page
    assert building.history.get().history_user == world.alice


def test_staff_correct_a_buildings_address(client, world):
    building = world.buildings[0]
    client.force_login(world.alice)
    url = reverse("residents:building_edit", args=[building.pk])
    client.post(url, building_data(world, number=building.number, address="幸福路10号"))
    page = client.get(building.get_absolute_url()).content.decode()
    assert "已保存楼栋 1号楼。" in page
    assert "幸福路10号" in page
    building.refresh_from_db()
    assert building.address == "幸福路10号"


def test_a_building_number_taken_in_the_community_gets_a_message_in_place(client, world):
    client.force_login(world.alice)
    response = client.post(reverse("residents:building_add"), building_data(world, number="1"))
    assert response.status_code == 200
    assert "本社区已有这个楼栋号。" in response.content.decode()
    assert Building.objects.filter(community=world.community, number="1").count() == 1


def test_staff_register_a_household_and_go_on_to_its_members(client, world):
    client.force_login(world.alice)
    response = client.post(reverse("residents:household_add"), household_data(world))
    household = Household.objects.get(number="H0502")
    assert response.url == f"{reverse('residents:resident_add')}?household={household.pk}"
    assert household.community == world.community
    form = client.get(response.url).content.decode()
    assert "已登记 1号楼2单元502，请继续登记这一户的成员。" in form
    assert f'<option value="{household.pk}" selected>' in form


def test_staff_correct_a_households_room(client, world):
    household = world.households[0]
    client.force_login(world.alice)
    url = reverse("residents:household_edit", args=[household.pk])
    data = household_data(world, unit=1, room="302", number=household.number)
    response = client.post(url, data)
    assert response.url == household.get_absolute_url()
    assert "已保存 1号楼1单元302。" in client.get(response.url).content.decode()


def test_a_dwelling_registered_twice_gets_a_message_in_place(client, world):
    client.force_login(world.alice)
    data = household_data(world, unit=1, room="301")  # world.households[0]'s dwelling
    response = client.post(reverse("residents:household_add"), data)
    assert response.status_code == 200
    assert "这栋楼的这个单元、门牌已登记过一户。" in response.content.decode()
    assert not Household.objects.filter(number="H0502").exists()


def test_a_household_number_taken_in_the_community_gets_a_message_in_place(client, world):
    client.force_login(world.alice)
    data = household_data(world, number=world.households[1].number)
    response = client.post(reverse("residents:household_add"), data)
    assert response.status_code == 200
    assert "本社区已有这个户号。" in response.content.decode()
    assert not Household.objects.filter(room="502").exists()


def test_a_save_that_lands_outside_what_the_user_may_change_is_rolled_back(client, world):
    """Form choices are what the user may see; alice also reads 乙社区's registry as its party
    affairs worker, so its grid units are offered, but she may change only 甲社区's. The base
    edit view re-checks the saved row inside the transaction, answers 404 and keeps nothing."""
    assign(world.alice, Role.PARTY_WORKER, world.other_community)
    foreign = GridUnitFactory(community=world.other_community, number=1, name="乙第1网格")
    client.force_login(world.alice)
    form = client.get(reverse("residents:building_add")).content.decode()
    assert "乙第1网格" in form
    data = building_data(world, grid_unit=foreign.pk, number="越界楼")
    response = client.post(reverse("residents:building_add"), data)
    assert response.status_code == 404
    assert not Building.objects.filter(number="越界楼").exists()
    assert not Building.history.filter(number="越界楼").exists()
    # The same save within her own community goes through.
    client.post(reverse("residents:building_add"), building_data(world, number="界内楼"))
    assert Building.objects.get(number="界内楼").community == world.community


def test_a_grid_worker_gets_404_on_every_page_of_another_grid(client, world):
    entry = FieldLogEntryFactory(grid_unit=world.grid_units[1], author=world.greg, seen="二网格")
    greg_rows = [world.buildings[1], world.households[1], world.residents[2], entry]
    gina_rows = [world.buildings[0], world.households[0], world.residents[0]]
    for user, own, others in ((world.gina, gina_rows, greg_rows),
                              (world.greg, greg_rows, gina_rows)):  # fmt: skip
        client.force_login(user)
        for row in own:
            assert client.get(row.get_absolute_url()).status_code == 200, (user, row)
        for row in others:
            assert client.get(row.get_absolute_url()).status_code == 404, (user, row)


def test_a_member_who_moved_to_another_household_is_listed_with_where_they_live_now(client, world):
    mover = world.residents[1]
    mover.household = world.households[1]
    mover.save()
    client.force_login(world.alice)
    page = client.get(world.households[0].get_absolute_url()).content.decode()
    start = page.index("曾在本户")
    former = page[start : page.index("</ul>", start)]
    assert mover.name in former
    assert "现住 2号楼1单元301" in former
    assert world.residents[0].name not in former  # still living here


def test_a_former_member_now_in_another_grid_is_not_shown_to_this_grids_worker(client, world):
    mover = ResidentFactory(household=world.households[0], full_name="迁往二网格")
    mover.household = HouseholdFactory(building=BuildingFactory(grid_unit=world.grid_units[1]))
    mover.save()
    client.force_login(world.gina)
    page = client.get(world.households[0].get_absolute_url()).content.decode()
    assert "迁往二网格" not in page
    client.force_login(world.alice)
    assert "迁往二网格" in client.get(world.households[0].get_absolute_url()).content.decode()
