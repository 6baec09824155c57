"""Shared fixtures. The cast, as in Healthchecks' tests:

- alice: community staff of 甲社区 (the community whose data must never leak)
- gina: grid worker of 甲社区's first grid unit only
- bob: official of the district 甲社区 is in (reads everything below it)
- charlie: community staff of 乙社区, in another district: sees none of alice's rows
"""

import os
from dataclasses import dataclass

import pytest
from django.core.cache import cache

from shequ.models import Community, District, GridUnit, Role, Street, User
from tests.factories import (
    CommunityFactory,
    DistrictFactory,
    GridUnitFactory,
    StreetFactory,
    UserFactory,
    assign,
)

# The marker every row of alice's world carries, so a leak shows up in any page's HTML.
SECRET = "甲机密"


@dataclass
class World:
    district: District
    street: Street
    community: Community
    grid_units: list[GridUnit]
    other_community: Community
    alice: User
    gina: User
    bob: User
    charlie: User


@pytest.fixture
def world(db) -> World:
    district = DistrictFactory(name=f"{SECRET}区", code="370301")
    street = StreetFactory(district=district, name=f"{SECRET}街道", code="370301001")
    community = CommunityFactory(street=street, name=f"{SECRET}社区", code="370301001001")
    grid_units = [
        GridUnitFactory(community=community, number=n, name=f"{SECRET}第{n}网格") for n in (1, 2)
    ]
    other = CommunityFactory(
        street=StreetFactory(
            district=DistrictFactory(name="乙区", code="370302"), code="370302001"
        ),
        name="乙社区",
        code="370302001001",
    )
    alice = UserFactory(username="alice", name="爱丽丝", phone="13900000001")
    gina = UserFactory(username="gina", name="吉娜")
    bob = UserFactory(username="bob", name="鲍勃")
    charlie = UserFactory(username="charlie", name="查理")
    assign(alice, Role.COMMUNITY_STAFF, community)
    assign(gina, Role.GRID_WORKER, grid_units[0])
    assign(bob, Role.OFFICIAL, district)
    assign(charlie, Role.COMMUNITY_STAFF, other)
    return World(district, street, community, grid_units, other, alice, gina, bob, charlie)


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()


def pytest_sessionfinish(session, exitstatus):
    """In CI a skipped worker or browser test would hide a broken component, so it fails."""
    if not os.environ.get("SHEQU_TESTS_NO_SKIP"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(
            f"SHEQU_TESTS_NO_SKIP is set and {len(skipped)} test(s) were skipped.", red=True
        )
        session.exitstatus = 1
