"""考核看板 and the red flag: published months only, and the latest publication of each; what
each viewer's scope holds, on the page and in its export; the same queries for one community
or thirty; the flag's rule."""

import datetime
import re
import statistics
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.choices import Kind
from assessments.dashboards import published, quartiles, red_flags, refresh_area_figures
from assessments.models import (
    AreaFigures,
    AssessmentMonth,
    CommunityScore,
    Inspection,
    Scheme,
)
from assessments.red_flags import held_by
from assessments.scoring import score_month
from assessments.services import month_publish
from shequ.metrics import Period
from shequ.models import Role
from tests.conftest import SECRET
from tests.factories import CommunityFactory, StreetFactory, UserFactory, assign
from tests.scope_walker import XLSX, shown

THIS_MONTH = Period.of(timezone.localdate())  # computed by the world, not published
LAST = THIS_MONTH.previous  # published by the world
EARLIER = LAST.previous

RANKING = reverse("assessments:dashboard")
TREND = reverse("assessments:dashboard_trend")
BREAKDOWN = reverse("assessments:dashboard_breakdown")
SPREAD = reverse("assessments:dashboard_spread")
INSPECTIONS = reverse("assessments:dashboard_inspections")
RED_FLAGS = reverse("assessments:red_flags")
PAGES = [RANKING, TREND, BREAKDOWN, SPREAD, INSPECTIONS, RED_FLAGS]
OFFICIALS_ONLY = [RANKING, SPREAD, INSPECTIONS, RED_FLAGS]


def publish(world, period: Period, cells: dict) -> AssessmentMonth:
    """Score and publish a month of the world's district (again, if it was published). `cells`:
    community → (grievance on-time figures or None for a month without cases, which scores full
    marks; the inspected 楼道整洁 score or None for not inspected)."""
    scheme = Scheme.objects.get(district=world.district)
    if scheme.effective_from > period.first:
        Scheme.objects.filter(pk=scheme.pk).update(effective_from=period.first)
    tidy = scheme.indicators.get(kind=Kind.INSPECTED)
    Inspection.objects.filter(indicator=tidy, month=period.first).delete()
    for community, (_on_time, score) in cells.items():
        if score is not None:
            Inspection.objects.create(
                indicator=tidy, community=community, month=period.first, score=Decimal(score),
                evidence="检查", inspector=world.bob,
            )  # fmt: skip
    figures = {c.pk: on_time for c, (on_time, _score) in cells.items() if on_time}
    return month_publish(
        score_month(world.district, period, figures={"grievance_on_time": figures})
    )


def sheet_text(response) -> str:
    assert response["Content-Type"] == XLSX
    return shown(response)


def page(client, url: str, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def test_they_read_each_month_as_last_published_and_never_the_working_copy(client, world):
    client.force_login(world.bob)
    html = page(client, RANKING)
    # The world published last month (inspected 8, no cases: 10 + 8) and only computed this one.
    assert f'value="{LAST}" selected' in html and f'value="{THIS_MONTH}"' not in html
    assert "18.00" in html
    assert f'value="{LAST}" selected' in page(client, RANKING, month=str(THIS_MONTH))

    # The working copy of the published month changes: nothing shows until it is published again,
    # as an accepted appeal publishes it, and then the dashboards read the second publication.
    Inspection.objects.filter(community=world.community, month=LAST.first).update(score=3)
    score_month(world.district, LAST)
    assert "18.00" in page(client, RANKING) and "13.00" not in page(client, RANKING)
    assert month_publish(AssessmentMonth.objects.get(district=world.district, month=LAST.first))
    html = page(client, RANKING)
    assert "13.00" in html and "18.00" not in html
    assert "13.00" in page(client, TREND)


def test_a_district_that_never_published_shows_no_month(client, world):
    AssessmentMonth.objects.filter(district=world.district).update(publication=0)
    client.force_login(world.bob)
    for url in PAGES:
        html = page(client, url)
        assert 'data-testid="no-months"' in html
        assert "dashboard-figure" not in html and "导出" not in html
        export = sheet_text(client.get(url, {"export": "xlsx"}))
        assert "没有可导出的数据" in export


@pytest.fixture
def two_streets(world):
    """A second street in bob's district with two communities, and sam, its official."""
    street = StreetFactory(district=world.district, name="丙街道", code="370301002")
    third = CommunityFactory(street=street, name="丙社区", code="370301002001")
    fourth = CommunityFactory(street=street, name="丁社区", code="370301002002")
    publish(world, LAST, {world.community: (None, 8), third: (None, 9), fourth: (None, 4)})
    world.sam = UserFactory(username="sam", name="萨姆")
    assign(world.sam, Role.OFFICIAL, street)
    world.third, world.fourth, world.second_street = third, fourth, street
    return world


def test_a_street_official_reads_their_street_and_nothing_of_the_others(client, two_streets):
    world = two_streets
    client.force_login(world.sam)
    own = world.street.pk
    for url in PAGES:
        for params in ({}, {"street": own}, {"community": world.community.pk}):
            html = page(client, url, **params)
            export = sheet_text(client.get(url, {**params, "export": "xlsx"}))
            assert SECRET not in html and SECRET not in export, (url, params)
            if url in (RANKING, TREND):
                assert world.third.name in html and world.third.name in export
    # Their street's mean, not the district's they do not read; their street's flag only.
    assert "丙街道平均" in page(client, TREND) and "全区平均" not in page(client, TREND)
    flags = page(client, RANKING)
    assert "丙街道流动红旗" in flags and "全区流动红旗" not in flags

    client.force_login(world.bob)
    html = page(client, RANKING)
    assert world.community.name in html and world.third.name in html
    assert "全区流动红旗" in html and "丙街道流动红旗" in html
    assert "全区平均" in page(client, TREND)
    street = page(client, RANKING, street=world.second_street.pk)
    assert world.community.name not in street and world.third.name in street


def test_a_community_reads_its_own_trend_and_breakdown_and_no_other_page(client, two_streets):
    world = two_streets
    neighbour = CommunityFactory(street=world.street, name="戊社区", code="370301001002")
    publish(world, LAST, {world.community: (None, 8), neighbour: (None, 10)})
    client.force_login(world.alice)
    for url in (TREND, BREAKDOWN):
        for params in ({}, {"community": neighbour.pk}, {"community": world.third.pk}):
            html = page(client, url, **params)
            assert world.community.name in html
            assert neighbour.name not in html and world.third.name not in html
            # No figure of an area she does not read whole.
            assert "平均" not in html
            export = sheet_text(client.get(url, {**params, "export": "xlsx"}))
            assert neighbour.name not in export and world.community.name in export
    for url in OFFICIALS_ONLY:
        assert client.get(url).status_code == 404
    for stranger in (world.rita, world.gina):
        client.force_login(stranger)
        for url in PAGES:
            assert client.get(url).status_code == 404
            assert client.get(url, {"export": "xlsx"}).status_code == 404


def test_the_menu_leads_officials_to_the_ranking_and_communities_to_their_trend(client, world):
    client.force_login(world.bob)
    assert f'href="{RANKING}">考核看板' in page(client, reverse("home"))
    client.force_login(world.alice)
    assert f'href="{TREND}">考核看板' in page(client, reverse("home"))


ROW = re.compile(r'<a href="/assessments/dashboard/trend/\?[^"]*community=(\d+)')


def _queries(client, url: str) -> tuple[int, int]:
    client.get(url)  # the first request also saves the session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), len(set(ROW.findall(response.content.decode())))


def test_every_page_costs_the_same_queries_for_one_community_or_thirty(client, world):
    publish(world, EARLIER, {world.community: (None, 6)})
    client.force_login(world.bob)
    trend = f"{TREND}?community={world.community.pk}"
    # 月考核 of a published month, with its red flags.
    month = f"{reverse('assessments:month')}?month={LAST}"
    few = {url: _queries(client, url) for url in [*PAGES, trend, month]}
    client.force_login(world.alice)
    few_alice = {url: _queries(client, url)[0] for url in (TREND, BREAKDOWN)}

    extra = [CommunityFactory(street=world.street) for _ in range(29)]
    cells = {c: ((n, 40), n % 11) for n, c in enumerate(extra, start=20)}
    for period in (EARLIER.previous, EARLIER, LAST):
        publish(world, period, {world.community: (None, 8), **cells})
    client.force_login(world.bob)
    many = {url: _queries(client, url) for url in [*PAGES, trend, month]}
    assert {url: n for url, (n, _rows) in many.items()} == {
        url: n for url, (n, _rows) in few.items()
    }
    assert many[RANKING][1] == 30 > few[RANKING][1] == 1
    client.force_login(world.alice)
    assert {url: _queries(client, url)[0] for url in (TREND, BREAKDOWN)} == few_alice


def test_the_ranking_pages_a_large_district_and_its_export_holds_every_community(client, world):
    extra = [CommunityFactory(street=world.street) for _ in range(55)]
    publish(world, LAST, {world.community: (None, 8), **{c: (None, 5) for c in extra}})
    client.force_login(world.bob)
    first, second = page(client, RANKING), page(client, RANKING, page=2)
    assert len(set(ROW.findall(first))) == 50 and len(set(ROW.findall(second))) == 6
    assert "共 56 条" in first
    export = sheet_text(client.get(RANKING, {"export": "xlsx"}))
    assert all(c.name in export for c in [world.community, *extra])


def test_moves_are_since_the_previous_published_month(client, world):
    second = CommunityFactory(street=world.street, name="戊社区", code="370301001002")
    publish(world, EARLIER, {world.community: (None, 2), second: (None, 9)})
    publish(world, LAST, {world.community: (None, 8), second: (None, 7)})
    client.force_login(world.bob)
    html = page(client, RANKING)
    assert re.search(r"18\.00</td><td[^>]*>↑1</td>", html)
    assert re.search(r"17\.00</td><td[^>]*>↓1</td>", html)
    assert f"与上一个已发布的月份 {EARLIER} 的名次相比" in html


def test_the_red_flag_goes_to_the_best_total_then_the_computed_marks_then_the_code(world):
    street = world.street
    a = CommunityFactory(street=street, name="甲一社区", code="370301001011")
    b = CommunityFactory(street=street, name="甲二社区", code="370301001012")
    c = CommunityFactory(street=street, name="甲三社区", code="370301001013")
    # a: 5 computed (77.5 % on time) + 10 inspected; b and c: 10 computed (no cases) + 5.
    month = publish(world, EARLIER, {world.community: (None, 1), a: ((31, 40), 10),
                                     b: (None, 5), c: (None, 5)})  # fmt: skip
    totals = dict(month.scores.filter(publication=month.publication).values_list(
        "community", "total"))  # fmt: skip
    assert totals[a.pk] == totals[b.pk] == totals[c.pk] == Decimal(15)
    flags = red_flags(world.bob, world.district, [month])
    assert [(f.label, f.holder) for f in flags] == [
        ("全区流动红旗", b),
        (f"{street.name}流动红旗", b),
    ]
    assert held_by(flags) == {b.pk: f"全区流动红旗、{street.name}流动红旗"}
    # A street's official reads their street's flag; a community's staff no flag at all.
    sam = UserFactory(username="sam")
    assign(sam, Role.OFFICIAL, street)
    assert [f.label for f in red_flags(sam, world.district, [month])] == [f"{street.name}流动红旗"]
    assert red_flags(world.alice, world.district, [month]) == []


def test_each_street_has_its_flag_and_a_republished_month_hands_it_on(client, two_streets):
    world = two_streets
    client.force_login(world.bob)
    month_page = page(client, reverse("assessments:month"), month=str(LAST))
    assert re.search(r"全区流动红旗：<strong>丙社区</strong>", month_page)
    assert re.search(rf"{world.street.name}流动红旗：<strong>{world.community.name}", month_page)
    assert "总分相同的，系统计算指标得分合计高者获得" in month_page
    # An accepted appeal raises 丁社区 above 丙社区 and the month is published again.
    Inspection.objects.filter(community=world.fourth, month=LAST.first).update(score=10)
    month_publish(score_month(world.district, LAST))
    month_page = page(client, reverse("assessments:month"), month=str(LAST))
    assert re.search(r"全区流动红旗：<strong>丁社区</strong>", month_page)
    assert (
        '丁社区</a> <span class="badge red-flag">全区流动红旗、丙街道流动红旗</span>' in month_page
    )
    # The working copy of this month holds no flag.
    this_month = page(client, reverse("assessments:month"), month=str(THIS_MONTH))
    assert 'data-testid="red-flags"' not in this_month


def test_the_history_counts_how_often_each_community_held_each_flag(client, two_streets):
    world = two_streets
    spring, summer = Period.of(datetime.date(2025, 4, 1)), Period.of(datetime.date(2025, 7, 1))
    # Spring: 甲 20 holds the district's flag and its street's, 丁 14 the second street's.
    publish(world, spring, {world.community: (None, 10), world.third: (None, 3),
                            world.fourth: (None, 4)})  # fmt: skip
    # Summer: 丙 19 the district's and its street's, 甲 18 its street's.
    publish(world, summer, {world.community: (None, 8), world.third: (None, 9),
                            world.fourth: (None, 4)})  # fmt: skip
    client.force_login(world.bob)
    html = page(client, RED_FLAGS, year=2025)
    # Street's flags, then the district's.
    assert re.search(rf"<td[^>]*>{world.community.name}</td><td[^>]*>[^<]+</td>"
                     r"<td[^>]*>2</td><td[^>]*>1</td>", html)  # fmt: skip
    assert re.search(r"<td[^>]*>丙社区</td><td[^>]*>丙街道</td><td[^>]*>1</td>"
                     r"<td[^>]*>1</td>", html)  # fmt: skip
    assert re.search(r"<td[^>]*>丁社区</td><td[^>]*>丙街道</td><td[^>]*>1</td>"
                     r"<td[^>]*>0</td>", html)  # fmt: skip
    assert re.search(r"<td[^>]*>2025-07</td><td[^>]*>丙社区（19.00）</td>", html)
    # A year without a published month offers the years there are.
    assert f'<option value="{LAST.first.year}"' in page(client, RED_FLAGS, year=1999)


def test_quartiles_are_interpolated_between_ranks_as_numpy_does(world):
    values = [3, 9, 4, 10, 7, 1, 8]
    extra = [CommunityFactory(street=world.street) for _ in values]
    month = publish(
        world,
        EARLIER,
        {world.community: (None, 6), **dict(zip(extra, [(None, v) for v in values], strict=True))},
    )
    shown = published(CommunityScore.objects, [month])
    found = quartiles(shown, ["assessment_month"], "total")[month.pk,]
    totals = [Decimal(10 + v) for v in [6, *values]]
    expected = [min(totals), *statistics.quantiles(totals, n=4, method="inclusive"), max(totals)]
    assert list(found) == [Decimal(v).quantize(Decimal("0.01")) for v in expected] + [8]


def test_the_spread_and_breakdown_show_each_indicator(client, world):
    second = CommunityFactory(street=world.street, name="戊社区", code="370301001002")
    publish(world, LAST, {world.community: ((31, 40), 8), second: (None, 4)})
    client.force_login(world.bob)
    spread = page(client, SPREAD)
    # 楼道整洁: 4 and 8 of 10; the quartiles of two lie a quarter of the way between them.
    assert re.search(r"楼道整洁</td><td[^>]*>10.00</td><td[^>]*>4.00</td><td[^>]*>5.00</td>"
                     r"<td[^>]*>6.00</td><td[^>]*>7.00</td><td[^>]*>8.00</td><td[^>]*>2</td>",
                     spread)  # fmt: skip
    breakdown = page(client, BREAKDOWN, community=world.community.pk)
    # 诉求按时办结: the district's mean (5 + 10) / 2 = 7.5 of 10; 甲 5 of 10.
    assert re.search(r"诉求按时办结</td><td[^>]*>10.00</td><td[^>]*>7.50</td><td[^>]*>75.0</td>"
                     r"<td[^>]*>5.00</td><td[^>]*>50.0</td>", breakdown)  # fmt: skip


def test_inspections_late_or_missing_are_counted_by_month_street_and_inspector(client, world):
    second = CommunityFactory(street=world.street, name="戊社区", code="370301001002")
    # The world's inspection of 甲 was entered today, after the 5th: late. 戊 has none.
    month = publish(world, LAST, {world.community: (None, 8), second: (None, None)})
    entered = Inspection.objects.get(month=LAST.first, community=world.community)
    late = int(timezone.localdate() > month.scheme.inspection_deadline(LAST.first))
    assert entered.late == bool(late)
    client.force_login(world.bob)
    html = page(client, INSPECTIONS)
    assert re.search(rf"<td[^>]*>{LAST}</td><td[^>]*>2</td><td[^>]*>1</td><td[^>]*>1</td>"
                     rf"<td[^>]*>{late}</td>", html)  # fmt: skip
    assert re.search(rf"<td[^>]*>{world.street.name}</td><td[^>]*>2</td><td[^>]*>1</td>"
                     rf"<td[^>]*>{late}</td>", html)  # fmt: skip
    assert re.search(rf"<td[^>]*>{world.bob.name}</td><td[^>]*>1</td><td[^>]*>{late}</td>", html)


def test_area_figures_are_computed_once_a_publication_and_read_by_the_areas_officials(
    two_streets, django_capture_on_commit_callbacks
):
    world = two_streets
    month = AssessmentMonth.objects.get(district=world.district, month=LAST.first)
    refresh_area_figures(world.district, [month])
    with (
        mock.patch("assessments.services.area_figures_refresh.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        month = month_publish(score_month(world.district, LAST))
    delay.assert_called_once_with(month.pk)
    refresh_area_figures(world.district, [month])
    refresh_area_figures(world.district, [month])
    rows = AreaFigures.objects.filter(assessment_month=month, publication=month.publication)
    # The district's and each street's, once however often computed.
    assert sorted(str(row) for row in rows) == sorted(
        [f"{world.district} {LAST}", f"{world.street} {LAST}", f"丙街道 {LAST}"]
    )
    district = rows.get(street=None)
    assert (district.communities, district.holder, district.mean) == (3, world.third, Decimal("17"))
    assert district.spread == ["14.00", "16.00", "18.00", "18.50", "19.00"]
    # The earlier publication keeps its own figures.
    assert AreaFigures.objects.filter(assessment_month=month).count() == 6
    assert set(AreaFigures.objects.visible_to(world.sam).filter(assessment_month=month)) == set(
        AreaFigures.objects.filter(assessment_month=month, street=world.second_street)
    )
    assert AreaFigures.objects.visible_to(world.alice).count() == 0
