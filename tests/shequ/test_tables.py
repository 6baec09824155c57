"""List tables built in Python (shequ.tables): what a row shows is escaped, however it was typed,
and the page links follow the page the user is on."""

from django.core.paginator import Paginator
from django.test import RequestFactory
from django.urls import reverse

from residents.models import Building, FieldLogEntry
from tests.factories import FieldLogEntryFactory, HouseholdFactory, ResidentFactory

MARKUP = '<img src=x onerror="alert(1)">'


def test_text_typed_into_a_row_is_shown_as_text_in_every_list(client, world):
    """A name, an address or a log entry that looks like HTML never becomes HTML."""
    household = world.households[0]
    ResidentFactory(household=household, full_name=f"王{MARKUP}")
    Building.objects.filter(pk=household.building_id).update(address=MARKUP)
    FieldLogEntryFactory(
        grid_unit=household.building.grid_unit, building=household.building, seen=MARKUP,
        done=MARKUP, author=world.gina,
    )  # fmt: skip
    client.force_login(world.alice)
    for name in ("residents:resident_list", "residents:building_list",
                 "residents:fieldlogentry_list"):  # fmt: skip
        html = client.get(reverse(name)).content.decode()
        assert MARKUP not in html, name
        assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html, name
    assert FieldLogEntry.objects.filter(seen=MARKUP).exists()


def test_an_empty_cell_shows_a_dash_and_a_zero_stays_a_number(client, world):
    HouseholdFactory(building=world.households[0].building, number="空户001")
    client.force_login(world.alice)
    html = client.get(reverse("residents:household_list") + "?q=空户001").content.decode()
    assert "<td>—</td>" in html  # no 户主
    assert '<td class="text-end">0</td>' in html  # nobody living there
    assert "None" not in html


def test_page_links_surround_the_page_the_user_is_on():
    from shequ.tables import pagination

    request = RequestFactory().get("/residents/?q=王&page=20")
    html = pagination(Paginator(range(1000), 25).page(20), request)
    assert 'aria-current="page"><span class="page-link">20<' in html
    for neighbour in (18, 19, 21, 22):
        assert f"page={neighbour}" in html
    assert "q=%E7%8E%8B" in html  # the filters stay in every link
    assert "共 1000 条" in html


def test_an_official_is_not_linked_to_lists_of_buildings_or_residents_from_the_grid_units(
    client, world
):
    client.force_login(world.bob)
    html = client.get(reverse("residents:gridunit_list")).content.decode()
    assert world.grid_units[0].name in html
    for name in ("residents:building_list", "residents:resident_list"):
        assert f'href="{reverse(name)}?' not in html
        assert client.get(reverse(name)).status_code == 404
    client.force_login(world.alice)
    html = client.get(reverse("residents:gridunit_list")).content.decode()
    assert f'href="{reverse("residents:resident_list")}?grid_unit={world.grid_units[0].pk}"' in html
