"""visible_to: who sees which rows, resolved in one SQL query."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from residents.models import Resident
from shequ.models import Community, District, GridUnit, Role, RoleAssignment, Street
from shequ.models.scoping import roles_of
from tests.conftest import SECRET
from tests.factories import (
    CommunityFactory,
    GridUnitFactory,
    ResidentFactory,
    StreetFactory,
    UserFactory,
    assign,
)


def names(queryset) -> set[str]:
    return {str(row) for row in queryset}


def test_it_shows_community_staff_their_community_and_its_grid_units(world):
    assert names(Community.objects.visible_to(world.alice)) == {world.community.name}
    assert set(GridUnit.objects.visible_to(world.alice)) == set(world.grid_units)


def test_it_shows_a_grid_worker_only_their_grid_units(world):
    assert list(GridUnit.objects.visible_to(world.gina)) == [world.grid_units[0]]
    # The community itself is visible, so the grid worker's home page can say where they work.
    assert list(Community.objects.visible_to(world.gina)) == [world.community]


def test_it_shows_a_district_official_every_community_below_them(world):
    sibling = CommunityFactory(street=StreetFactory(district=world.district, code="370301002"))
    assert set(Community.objects.visible_to(world.bob)) == {world.community, sibling}
    assert set(Street.objects.visible_to(world.bob)) == {world.street, sibling.street}
    assert list(District.objects.visible_to(world.bob)) == [world.district]


def test_it_shows_a_street_official_only_their_street(world):
    other_street = CommunityFactory(street=StreetFactory(district=world.district, code="370301002"))
    street_official = UserFactory()
    assign(street_official, Role.OFFICIAL, world.street)
    assert list(Community.objects.visible_to(street_official)) == [world.community]
    assert other_street not in Community.objects.visible_to(street_official)


def test_it_hides_everything_of_another_community(world):
    for model in (District, Street, Community, GridUnit):
        assert (
            not model.objects.visible_to(world.charlie)
            .filter(pk__in=model.objects.visible_to(world.alice))
            .exists()
        ), model.__name__


def test_it_shows_nothing_to_anonymous_inactive_or_unassigned_users(world):
    world.alice.is_active = False
    stranger = UserFactory()
    for user in (AnonymousUser(), world.alice, stranger):
        assert not Community.objects.visible_to(user).exists()
        assert not GridUnit.objects.visible_to(user).exists()


def test_it_lets_officials_read_but_never_change(world):
    assert Community.objects.visible_to(world.bob).exists()
    assert not Community.objects.visible_to(world.bob, "change").exists()
    assert list(Community.objects.visible_to(world.alice, "change")) == [world.community]


def test_it_keeps_reference_data_changes_to_system_administrators(world):
    admin = UserFactory(is_superuser=True, is_staff=True)
    assert not District.objects.visible_to(world.bob, "change").exists()
    assert not Street.objects.visible_to(world.alice, "change").exists()
    assert District.objects.visible_to(admin, "change").count() == 2


def test_it_refuses_an_unknown_action(world):
    with pytest.raises(KeyError):
        Community.objects.visible_to(world.alice, "delete")


def test_it_resolves_in_a_single_query_however_many_assignments(world, django_assert_num_queries):
    for n in range(3, 30):
        assign(world.gina, Role.GRID_WORKER, GridUnitFactory(community=world.community, number=n))
    roles_of(world.gina)  # the user's roles are read once per request
    with django_assert_num_queries(1):
        assert len(list(GridUnit.objects.visible_to(world.gina))) == 28


def test_the_scoping_sql_leaves_out_the_branches_a_user_has_no_role_for(world):
    """An empty grid-unit branch OR-ed in made PostgreSQL scan all residents of the city."""
    staff_sql = str(Resident.objects.visible_to(world.alice).query)
    assert "grid_unit" not in staff_sql
    grid_sql = str(Resident.objects.visible_to(world.gina).query)
    assert "grid_unit" in grid_sql and "shequ_street" not in grid_sql


def test_it_filters_by_plain_ids_not_by_subqueries_of_role_assignments(world):
    """A subquery was planned on every request and kept the list's index unused at a million
    residents; literal ids are planned exactly."""
    staff_sql = str(Resident.objects.visible_to(world.alice).query)
    assert f'"residents_resident"."community_id" IN ({world.community.pk})' in staff_sql
    grid_sql = str(Resident.objects.visible_to(world.gina).query)
    assert f"IN ({world.grid_units[0].pk})" in grid_sql
    official_sql = str(Community.objects.visible_to(world.bob).query)
    assert f'U1."district_id" IN ({world.district.pk})' in official_sql
    for sql in (staff_sql, grid_sql, official_sql):
        assert "roleassignment" not in sql


def test_a_grid_worker_who_is_also_staff_of_the_community_gets_one_branch(world):
    assign(world.gina, Role.COMMUNITY_STAFF, world.community)
    assert "grid_unit" not in str(Resident.objects.visible_to(world.gina).query)
    assert set(Resident.objects.visible_to(world.gina)) == set(world.residents)


def test_a_signed_in_request_costs_one_query_until_the_view_asks_for_more(client, world, settings):
    """The floor under every page: 68 req/s signed in against 953 anonymous, when each request
    joined eleven tables of role assignments before the view ran. (Sessions in the database; with
    Redis configured the session read is not a query either, tests/shequ/test_sessions.py.)"""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    client.force_login(world.alice)
    client.get(reverse("health"))  # stamps the session's first activity
    with CaptureQueriesContext(connection) as signed_in:
        response = client.get(reverse("health"))
    assert response.content == b"ok"
    tables = [q["sql"].split(" FROM ")[1].split()[0] for q in signed_in.captured_queries]
    assert tables == ['"django_session"']
    client.logout()
    with CaptureQueriesContext(connection) as anonymous:
        assert client.get(reverse("health")).content == b"ok"
    assert anonymous.captured_queries == []


def test_a_page_costs_three_queries_before_its_own(client, world, settings):
    """Session, user and role assignments, each read once, whatever the page asks of them."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    client.force_login(world.alice)
    client.get(reverse("community_list"))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("community_list")).status_code == 200
    tables = [q["sql"].split(" FROM ")[1].split()[0] for q in captured.captured_queries]
    assert tables[:3] == ['"django_session"', '"shequ_user"', '"shequ_roleassignment"']
    assert '"shequ_roleassignment"' not in tables[3:]


@pytest.mark.parametrize("who", ["alice", "gina", "bob"])
def test_a_page_reads_the_role_assignments_once_and_plans_no_subquery_of_them(client, world, who):
    client.force_login(getattr(world, who))
    page = reverse("community_list" if who == "bob" else "residents:resident_list")
    client.get(page)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(page).status_code == 200
    reading = [q["sql"] for q in captured.captured_queries if "roleassignment" in q["sql"]]
    assert len(reading) == 1
    assert reading[0].startswith('SELECT "shequ_roleassignment"."role"')


def test_a_changed_role_assignment_takes_effect_on_the_next_request(client, world):
    client.force_login(world.alice)
    page = reverse("residents:resident_list")
    assert world.residents[0].name in client.get(page).content.decode()
    neighbour = ResidentFactory(
        household__building__grid_unit=GridUnitFactory(community=world.other_community, number=1),
        full_name="赵乙",
    )
    RoleAssignment.objects.filter(user=world.alice).delete()
    assign(world.alice, Role.COMMUNITY_STAFF, world.other_community)
    html = client.get(page).content.decode()
    assert neighbour.name in html
    assert SECRET not in html
    RoleAssignment.objects.filter(user=world.alice).delete()
    assert client.get(page).status_code == 404


def test_a_user_object_kept_across_a_change_of_assignments_sees_the_change(world):
    assert list(Community.objects.visible_to(world.charlie)) == [world.other_community]
    assign(world.charlie, Role.COMMUNITY_STAFF, world.community)
    assert set(Community.objects.visible_to(world.charlie)) == {
        world.community,
        world.other_community,
    }
    world.charlie.role_assignments.get(community=world.other_community).delete()
    assert list(Community.objects.visible_to(world.charlie)) == [world.community]
