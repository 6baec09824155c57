"""月检查: inspectors enter a score with what they found, before a deadline; what is missing or
late shows; the month's ranking takes the score when it is computed again."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from assessments.models import Inspection, Scheme
from assessments.scoring import score_month
from assessments.services import month_publish
from shequ.metrics import Period
from tests.factories import png_bytes

ADD = reverse("assessments:inspection_add")
GRID = reverse("assessments:inspections")
EARLIER = Period.of(timezone.localdate()).previous.previous


def _scheme_since_earlier(world) -> Scheme:
    scheme = Scheme.objects.get(district=world.district)
    Scheme.objects.filter(pk=scheme.pk).update(effective_from=EARLIER.first)
    return scheme


def _tidy(scheme):
    return scheme.indicators.get(name="楼道整洁")


def test_an_official_enters_an_inspection_and_the_month_takes_it(client, world):
    tidy = _tidy(_scheme_since_earlier(world))
    client.force_login(world.bob)
    form = client.get(ADD, {"community": world.community.pk, "indicator": tidy.pk,
                            "month": str(EARLIER)})  # fmt: skip
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.content.decode()
    response = client.post(ADD, {
        "month": str(EARLIER), "community": world.community.pk, "indicator": tidy.pk,
        "score": "7.5", "evidence": "2号楼楼道堆放纸箱。",
        "photos": [SimpleUploadedFile("纸箱.png", png_bytes(), "image/png")],
    })  # fmt: skip
    assert response.status_code == 302
    found = Inspection.objects.get(month=EARLIER.first, community=world.community)
    assert (found.score, found.inspector) == (Decimal("7.5"), world.bob)
    photo = found.photos.get()
    assert photo.community == world.community
    grid = client.get(GRID, {"month": str(EARLIER)}).content.decode()
    assert "7.50" in grid and "逾期录入" in grid  # entered today, long after that month's deadline
    score_month(world.district, EARLIER)
    score = world.community.assessment_scores.get(
        publication=0, assessment_month__month=EARLIER.first
    )
    assert score.parts.get(indicator=tidy).score == Decimal("7.50")
    # What the inspector found, photo included, is behind the score for the community to see.
    published = month_publish(score.assessment_month).scores.get(
        community=world.community, publication=1
    )
    client.force_login(world.alice)
    url = reverse("assessments:records", args=[published.pk, tidy.pk])
    assert photo.get_absolute_url() in client.get(url).content.decode()


def test_bad_scores_and_frozen_months_are_refused_in_place(client, world):
    scheme = _scheme_since_earlier(world)
    tidy = _tidy(scheme)
    client.force_login(world.bob)
    base = {"month": str(EARLIER), "community": world.community.pk, "indicator": tidy.pk,
            "evidence": "检查"}  # fmt: skip
    page = client.post(ADD, {**base, "score": "11"}).content.decode()
    assert "得分须在 0 到 10.00 之间。" in page
    this_month = Period.of(timezone.localdate())
    published = this_month.previous  # by the world
    page = client.post(ADD, {**base, "month": str(published), "score": "5"}).content.decode()
    assert "这个月的考核已发布" in page
    frozen = Inspection.objects.get(month=published.first, community=world.community)
    assert client.get(frozen.get_absolute_url()).status_code == 404
    later = this_month.following
    page = client.post(ADD, {**base, "month": str(later), "score": "5"}).content.decode()
    assert "不能为以后的月份评分。" in page
    client.post(ADD, {**base, "score": "5"})
    client.post(ADD, {**base, "score": "6"})  # the same cell again: the score is replaced
    assert [i.score for i in Inspection.objects.filter(month=EARLIER.first)] == [Decimal(6)]


def test_only_officials_enter_and_only_in_their_own_district(client, world):
    _scheme_since_earlier(world)
    client.force_login(world.alice)  # community staff read the grid, enter nothing
    assert client.get(GRID, {"month": str(EARLIER)}).status_code == 200
    assert client.get(ADD).status_code == 404
    client.force_login(world.bob)
    other = Scheme.objects.exclude(district=world.district).get()
    page = client.post(ADD, {
        "month": str(EARLIER), "community": world.other_community.pk,
        "indicator": _tidy(other).pk, "score": "5", "evidence": "x",
    }).content.decode()  # fmt: skip
    assert "选择一个有效的选项" in page
    assert not Inspection.objects.filter(community=world.other_community, month=EARLIER.first)


def test_missing_inspections_turn_red_after_the_deadline(client, world):
    _scheme_since_earlier(world)
    client.force_login(world.bob)
    grid = client.get(GRID, {"month": str(EARLIER)}).content.decode()
    assert "已逾期" in grid and 'text-bg-danger">未检查' in grid
    deadline = Scheme.objects.get(district=world.district).inspection_deadline(EARLIER.first)
    assert deadline == EARLIER.following.first + datetime.timedelta(days=4)
