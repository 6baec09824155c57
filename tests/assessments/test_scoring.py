"""月考核 scoring: rules at their thresholds, metrics the apps declare, a month computed from the
apps' own rows, re-runs that replace, the lock, and publication that freezes."""

import re
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from assessments.choices import MonthState, Rule, Source
from assessments.models import AssessmentMonth, CommunityScore, IndicatorScore, Inspection, Scheme
from assessments.models.scores import WORKING
from assessments.rules import marks
from assessments.scoring import MonthBusy, score_month
from assessments.services import month_publish, street_review
from grievances import services
from grievances.choices import Channel, Kind
from grievances.models import Category
from shequ.metrics import Period, metrics
from shequ.models import Role
from tests.factories import StreetFactory, UserFactory, assign

D = Decimal
PERIOD = Period.of(timezone.localdate())


@pytest.mark.parametrize(
    ("rule", "value", "zero_at", "full_at", "expected"),
    [
        (Rule.LINEAR, "60", "60", "95", "0.00"),  # at the zero threshold
        (Rule.LINEAR, "95", "60", "95", "10.00"),  # at the full threshold
        (Rule.LINEAR, "77.5", "60", "95", "5.00"),  # half way
        (Rule.LINEAR, "40", "60", "95", "0.00"),  # worse than zero: never negative
        (Rule.LINEAR, "100", "60", "95", "10.00"),  # better than full: never more
        (Rule.LINEAR, "5", "20", "5", "10.00"),  # lower is better (a reopened share)
        (Rule.LINEAR, "12.5", "20", "5", "5.00"),
        (Rule.LINEAR, "20", "20", "5", "0.00"),
        (Rule.LINEAR, "66.67", "0", "100", "6.67"),  # rounded half up to the cent
        (Rule.TARGET, "90", None, "90", "10.00"),  # reached exactly
        (Rule.TARGET, "89.99", None, "90", "0.00"),
        (Rule.TARGET, "3", "10", "5", "10.00"),  # lower is better
        (Rule.TARGET, "6", "10", "5", "0.00"),
    ],
)
def test_rules_at_their_thresholds(rule, value, zero_at, full_at, expected):
    given = marks(rule=rule, value=D(value), full_marks=D(10), full_at=D(full_at),
                  zero_at=None if zero_at is None else D(zero_at))  # fmt: skip
    assert given == D(expected)


def test_the_apps_metrics_are_found_without_the_assessments_app_naming_them():
    assert {
        "grievance_on_time", "grievance_satisfaction", "grievance_reopened", "mediation_success",
        "visits_in_time", "field_log_per_grid_worker",
    } <= set(metrics())  # fmt: skip
    # Scoring reads the apps only through the registry. 四无 (the civility modules) is kept per
    # building of the registry and reads the desk's cases and field-log entries about one, and
    # the demo fills every app: they name the apps they read.
    scoring = [p for p in Path("assessments").rglob("*.py")
               if "civility" not in p.name and p.name != "demo.py"]  # fmt: skip
    source = "\n".join(p.read_text() for p in scoring)
    assert "import residents" not in source and "from residents" not in source
    # Only the working-day calendar (appeal periods), which the desk keeps for its time limits.
    assert set(re.findall(r"from grievances[.\w]*", source)) == {"from grievances.workdays"}


def _case(world, title: str, *, reply: bool):
    case = services.grievance_register(
        community=world.community, category=Category.objects.get(code="sanitation"),
        kind=Kind.COMPLAINT, channel=Channel.VISIT, title=title, description=title,
        address="3号楼", by=world.alice,
    )  # fmt: skip
    if reply:
        services.grievance_reply(grievance=case, by=world.alice, reply="已处理")
    return case


def _parts(district) -> dict:
    return {
        (p.community_score.community_id, p.indicator.name): (p.numerator, p.denominator, p.score,
                                                             p.source)
        for p in IndicatorScore.objects.filter(
            community_score__assessment_month__district=district,
            community_score__assessment_month__month=PERIOD.first,
            community_score__publication=WORKING,
        ).select_related("community_score", "indicator")
    }  # fmt: skip


@pytest.mark.empty_desk
def test_a_month_is_scored_from_the_apps_own_rows_and_explains_itself(world):
    _case(world, "垃圾桶满了", reply=True)
    _case(world, "路灯不亮", reply=True)
    _case(world, "楼道堆物", reply=False)  # not resolved: not in the on-time share
    score_month(world.district, PERIOD)
    parts = _parts(world.district)
    assert parts[world.community.pk, "诉求按时办结"] == (D(2), D(2), D("10.00"), Source.COMPUTED)
    assert parts[world.community.pk, "楼道整洁"] == (None, None, D("8.00"), Source.INSPECTED)
    score = CommunityScore.objects.get(
        community=world.community, assessment_month__month=PERIOD.first, publication=WORKING
    )
    assert (score.total, score.rank) == (D("18.00"), 1)
    # Another district's community is scored in its own district's month, not in this one.
    assert {c for c, _ in parts} == {world.community.pk}


@pytest.mark.empty_desk
def test_without_a_denominator_the_indicator_takes_the_schemes_choice(world):
    score_month(world.district, PERIOD)
    part = _parts(world.district)[world.community.pk, "诉求按时办结"]
    assert part == (D(0), D(0), D("10.00"), Source.NO_DATA)


def test_a_rerun_replaces_the_working_rows_with_identical_ones(world):
    score_month(world.district, PERIOD)
    first, count = _parts(world.district), IndicatorScore.objects.count()
    score_month(world.district, PERIOD)
    assert _parts(world.district) == first
    assert IndicatorScore.objects.count() == count


def test_a_second_run_is_refused_while_another_holds_the_month(world):
    settings = connection.settings_dict
    other = psycopg.connect(
        dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"],
        port=settings["PORT"] or 5432, autocommit=True,
    )  # fmt: skip
    keys = (PERIOD.first.year * 100 + PERIOD.first.month, world.district.pk)
    try:
        other.execute("SELECT pg_advisory_lock(%s, %s)", keys)
        with pytest.raises(MonthBusy):
            score_month(world.district, PERIOD)
        other.execute("SELECT pg_advisory_unlock(%s, %s)", keys)
        score_month(world.district, PERIOD)  # free again
    finally:
        other.close()


def test_publication_freezes_the_month_against_later_data_and_runs(world):
    published_month = PERIOD.previous  # the world published last month
    month = AssessmentMonth.objects.get(district=world.district, month=published_month.first)
    published = CommunityScore.objects.get(
        assessment_month=month, community=world.community, publication=month.publication
    )
    Inspection.objects.filter(month=published_month.first, community=world.community).update(
        score=Decimal(2)
    )
    score_month(world.district, published_month)
    assert CommunityScore.objects.get(pk=published.pk).total == published.total
    working = CommunityScore.objects.get(
        assessment_month=month, community=world.community, publication=WORKING
    )
    assert working.total == published.total - 6
    republished = month_publish(month)
    assert republished.publication == published.publication + 1
    kept = CommunityScore.objects.filter(assessment_month=month, community=world.community)
    assert kept.count() == 3  # the working copy and both publications


def test_a_scheme_version_scored_into_a_published_month_is_locked_and_copied_to_change(world):
    scheme = Scheme.objects.get(district=world.district)
    assert scheme.locked
    copy = scheme.new_version()
    assert (copy.version, copy.based_on) == (2, scheme)
    assert [i.name for i in copy.indicators.all()] == [i.name for i in scheme.indicators.all()]
    assert not copy.locked


def test_scores_and_their_records_stay_in_scope(client, world):
    score = CommunityScore.objects.filter(community=world.community, publication=1).get()
    on_time = score.parts.get(indicator__name="诉求按时办结").indicator
    records = reverse("assessments:records", args=[score.pk, on_time.pk])
    client.force_login(world.charlie)  # another district's community staff
    assert client.get(score.get_absolute_url()).status_code == 404
    assert client.get(records).status_code == 404
    client.force_login(world.bob)  # the district's official
    assert client.get(score.get_absolute_url()).status_code == 200
    assert client.get(records).status_code == 200
    client.force_login(world.alice)  # the community's own staff read what was published
    page = client.get(score.get_absolute_url()).content.decode()
    assert "楼道整洁" in page and "8.00" in page
    working = CommunityScore.objects.filter(community=world.community, publication=WORKING)
    assert client.get(working.first().get_absolute_url()).status_code == 404


def test_the_district_official_starts_a_run_and_reads_the_ranking(client, world):
    client.force_login(world.bob)
    page = client.get(reverse("assessments:month"), {"month": str(PERIOD)}).content.decode()
    assert world.community.name in page and "已计算" in page
    assert world.other_community.name not in page
    run_url = f"{reverse('assessments:run')}?district={world.district.pk}&month="
    assert client.post(run_url + str(PERIOD)).status_code == 302
    run = world.district.scoring_runs.get(month=PERIOD.first)
    assert run.started_by == world.bob
    # A published month is not computed again from the page.
    refused = client.post(run_url + str(PERIOD.previous), follow=True).content.decode()
    assert "这个月的考核已发布，不能重新计算。" in refused
    assert not world.district.scoring_runs.filter(month=PERIOD.previous.first).exists()
    # Community staff and another district's people may not start runs.
    for user in (world.alice, world.charlie, world.olive):
        client.force_login(user)
        assert client.post(run_url + str(PERIOD)).status_code == 404


def test_each_street_reviews_its_communities_before_the_district_publishes(client, world):
    publish = f"{reverse('assessments:publish')}?district={world.district.pk}&month={PERIOD}"
    for user in (world.alice, world.olive):  # a community's staff; another district's official
        client.force_login(user)
        assert client.post(publish).status_code == 404
    client.force_login(world.alice)
    page = client.get(reverse("assessments:month"), {"month": str(PERIOD)}).content.decode()
    assert "这个月还没有可查看的考核得分。" in page  # computed, not yet published
    client.force_login(world.bob)
    refused = client.post(publish, follow=True).content.decode()
    assert "还有街道没有审核这个月的得分" in refused

    month = AssessmentMonth.objects.get(district=world.district, month=PERIOD.first)
    review = f"{reverse('assessments:review')}?assessment={month.pk}&street={world.street.pk}"
    neighbour = UserFactory(username="sam")  # the official of another street of the district
    assign(neighbour, Role.OFFICIAL, StreetFactory(district=world.district))
    client.force_login(neighbour)
    assert client.post(review, {"note": "x"}).status_code == 404
    street_official = UserFactory(username="steve")
    assign(street_official, Role.OFFICIAL, world.street)
    client.force_login(street_official)
    page = client.get(reverse("assessments:month"), {"month": str(PERIOD)}).content.decode()
    assert "审核通过" in page and world.community.name in page
    done = client.post(review, {"note": "已逐项核对"}, follow=True).content.decode()
    assert "已审核" in done and "已逐项核对" in done
    month.refresh_from_db()
    assert month.state == MonthState.REVIEWED

    client.force_login(world.bob)
    done = client.post(publish, follow=True).content.decode()
    assert "已发布" in done and "社区现在可以看到得分" in done
    again = client.post(publish, follow=True).content.decode()
    assert "这个月的考核已经发布过了。" in again
    month.refresh_from_db()
    assert month.publication == 1 and month.appeals_until > PERIOD.first
    client.force_login(world.alice)
    page = client.get(reverse("assessments:month"), {"month": str(PERIOD)}).content.decode()
    assert world.community.name in page


def test_a_new_run_asks_the_streets_to_review_again(world):
    month = AssessmentMonth.objects.get(district=world.district, month=PERIOD.first)
    street_review(month, world.street, world.bob, "核对无误")
    month.refresh_from_db()
    assert month.state == MonthState.REVIEWED
    score_month(world.district, PERIOD)
    month.refresh_from_db()
    assert month.state == MonthState.COMPUTED and not month.reviews.exists()
