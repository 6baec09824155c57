"""visible_to: who sees which rows, resolved in one SQL query."""

import pytest
from django.contrib.auth.models import AnonymousUser

from shequ.models import Community, District, GridUnit, Role, Street
from shequ.models.scoping import roles_of
from tests.factories import CommunityFactory, GridUnitFactory, StreetFactory, UserFactory, assign


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
    from residents.models import Resident

    staff_sql = str(Resident.objects.visible_to(world.alice).query)
    assert "grid_unit" not in staff_sql
    grid_sql = str(Resident.objects.visible_to(world.gina).query)
    assert "grid_unit" in grid_sql and "shequ_street" not in grid_sql
