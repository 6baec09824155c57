"""The pairing list, the 四个一 table and the needs board cost the same queries for one row or
many."""

import datetime
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partybuild import services
from partybuild.models import CommunityNeed, FourOnesRecord, Pairing
from tests.factories import HouseholdFactory, ResidentFactory, add_party_member


def _page(client, url: str, params: dict, row: str) -> tuple[int, int]:
    client.get(url, params)  # the first request also saves the session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured), len(set(re.findall(row, response.content.decode())))


def _more_members(world, n: int) -> list:
    """`n` more members of the first branch, each paired with a household of their own, with a
    record of 四个一 and a need they claimed."""
    branch = world.party_organizations[1]
    members = []
    for i in range(n):
        household = HouseholdFactory(building=world.buildings[0], room=f"5{i:02d}")
        member = add_party_member(ResidentFactory(household=household), branch, world.peggy)
        pairing = Pairing.objects.create(community=world.community, member=member,
                                         household=world.households[1], kind="disabled",
                                         started_on=datetime.date(2026, 1, 1))  # fmt: skip
        services.pairing_visit(pairing, world.peggy, visited_on=datetime.date(2026, 3, 1),
                               notes="走访")  # fmt: skip
        FourOnesRecord.objects.create(community=world.community, member=member, item="labour",
                                      done_on=datetime.date(2026, 4, 1), description="清扫",
                                      recorded_by=world.peggy)  # fmt: skip
        need = CommunityNeed.objects.create(community=world.community, kind="post",
                                            title=f"岗位{i}", posted_by=world.peggy)  # fmt: skip
        services.need_claim(need, member, world.peggy)
        members.append(member)
    return members


def test_the_field_work_lists_cost_the_same_queries_for_one_row_or_many(client, world):
    client.force_login(world.peggy)
    pages = [
        (reverse("partybuild:pairing_list"), {}, r'href="/partybuild/pairings/(\d+)/"'),
        (reverse("partybuild:four_ones"), {"organization": world.party_organizations[1].pk,
                                           "year": "2026"}, r'href="/partybuild/members/(\d+)/"'),
        (reverse("partybuild:need_list"), {}, r'href="/partybuild/needs/(\d+)/"'),
    ]  # fmt: skip
    few = [_page(client, *page) for page in pages]
    _more_members(world, 6)
    many = [_page(client, *page) for page in pages]
    for (url, _params, _row), (few_queries, few_rows), (many_queries, many_rows) in zip(
        pages, few, many, strict=True
    ):
        assert many_rows > few_rows, url
        assert many_queries == few_queries, url
