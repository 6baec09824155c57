"""The Open311 API under the scope walk, in the full world of the walk (departments included)."""

from tests.grievances.test_open311 import register


def test_the_scope_walk_finds_the_api_the_same_for_every_signed_in_user(other_scopes):
    from tests.conftest import OTHER_SECRET, SECRET
    from tests.scope_walker import walk
    from tests.shequ.test_url_scope import pairs

    world = other_scopes
    register(world, address=f"{SECRET}路")
    register(world, community=world.other_community, by=world.charlie, address=f"{OTHER_SECRET}路")
    report = walk(pairs(world), only=lambda route: route.name.startswith("open311:"))
    assert report.requests and report.problems == [] and report.findings == []
