"""月考核 pages cost the same queries however many communities a district has."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import CommunityScore
from assessments.scoring import score_month
from assessments.services import month_publish
from shequ.metrics import Period
from tests.factories import CommunityFactory

PERIOD = Period.of(timezone.localdate())
ROW = re.compile(r'href="/assessments/scores/(\d+)/"')


def _month_page(client, user) -> tuple[int, int]:
    url = reverse("assessments:month")
    client.get(url, {"month": str(PERIOD)})  # the first request also saves the session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"month": str(PERIOD)})
    assert response.status_code == 200
    return len(captured), len(set(ROW.findall(response.content.decode())))


def test_the_ranking_and_a_score_cost_the_same_queries_for_one_community_or_thirty(client, world):
    client.force_login(world.bob)
    few, few_rows = _month_page(client, world.bob)
    score = CommunityScore.objects.filter(community=world.community).latest("publication")
    with CaptureQueriesContext(connection) as captured:
        assert client.get(score.get_absolute_url()).status_code == 200
    score_queries = len(captured)

    for _ in range(29):
        CommunityFactory(street=world.street)
    month_publish(score_month(world.district, PERIOD))
    many, many_rows = _month_page(client, world.bob)
    assert many_rows > few_rows
    assert many == few
    score = CommunityScore.objects.filter(community=world.community).latest("publication")
    with CaptureQueriesContext(connection) as captured:
        assert client.get(score.get_absolute_url()).status_code == 200
    assert len(captured) == score_queries
