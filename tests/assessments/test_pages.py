"""月考核 and 月检查 cost the same queries however many communities a district has."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import CommunityScore
from assessments.scoring import score_month
from assessments.services import street_review, streets_to_review
from shequ.metrics import Period
from tests.factories import CommunityFactory, StreetFactory

PERIOD = Period.of(timezone.localdate())
ROW = re.compile(r'href="/assessments/scores/(\d+)/"')
# A line of the inspection grid: one per community.
CELL = re.compile(r"<tr><td>([^<]+)</td>")


def _month_page(client, user, name: str = "assessments:month", row=ROW) -> tuple[int, int]:
    url = reverse(name)
    client.get(url, {"month": str(PERIOD)})  # the first request also saves the session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"month": str(PERIOD)})
    assert response.status_code == 200
    return len(captured), len(set(row.findall(response.content.decode())))


def test_the_ranking_and_a_score_cost_the_same_queries_for_one_community_or_thirty(client, world):
    client.force_login(world.bob)
    few, few_rows = _month_page(client, world.bob)
    grid_few, grid_few_rows = _month_page(client, world.bob, "assessments:inspections", CELL)
    score = CommunityScore.objects.filter(community=world.community).latest("publication")
    with CaptureQueriesContext(connection) as captured:
        assert client.get(score.get_absolute_url()).status_code == 200
    score_queries = len(captured)

    # More communities, in more streets, each street with its review on the unpublished month.
    for number in range(29):
        street = world.street if number < 20 else StreetFactory(district=world.district)
        CommunityFactory(street=street)
    month = score_month(world.district, PERIOD)
    for street in streets_to_review(month)[:5]:
        street_review(month, street, world.bob)
    many, many_rows = _month_page(client, world.bob)
    assert many_rows > few_rows
    assert many == few
    grid_many, grid_many_rows = _month_page(client, world.bob, "assessments:inspections", CELL)
    assert grid_many_rows > grid_few_rows
    assert grid_many == grid_few
    score = CommunityScore.objects.filter(community=world.community).latest("publication")
    with CaptureQueriesContext(connection) as captured:
        assert client.get(score.get_absolute_url()).status_code == 200
    assert len(captured) == score_queries
