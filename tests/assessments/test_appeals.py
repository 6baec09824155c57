"""A community appeals one indicator of a published month; the district accepts (the month is
published again, the earlier publication kept) or rejects with a reason."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from assessments.choices import AppealState, Source
from assessments.models import Appeal, AssessmentMonth, CommunityScore, EvidencePhoto
from shequ.metrics import Period
from tests.factories import png_bytes

LAST = Period.of(timezone.localdate()).previous


def _published(world, community=None):
    """The community's score in last month's last publication, and its inspected part."""
    community = community or world.community
    month = AssessmentMonth.objects.get(district=community.street.district, month=LAST.first)
    score = CommunityScore.objects.get(
        assessment_month=month, community=community, publication=month.publication
    )
    return score, score.parts.get(indicator__name="楼道整洁")


def _appeal_url(part) -> str:
    return reverse("assessments:appeal_add", args=[part.pk])


def _file(client, world, reason="3号楼杂物检查当天已清走，附清理后照片。") -> Appeal:
    _score, part = _published(world)
    client.force_login(world.alice)
    photo = SimpleUploadedFile("清理后.png", png_bytes(), "image/png")
    response = client.post(_appeal_url(part), {"reason": reason, "photos": [photo]})
    assert response.status_code == 302, response.content.decode()
    return Appeal.objects.get(community=world.community, indicator=part.indicator)


def test_an_accepted_appeal_publishes_the_month_again_and_keeps_the_first_publication(
    client, world
):
    score, part = _published(world)
    client.force_login(world.alice)
    page = client.get(score.get_absolute_url()).content.decode()
    assert _appeal_url(part) in page  # the community is offered 申诉 on each indicator
    form = client.get(_appeal_url(part)).content.decode()
    assert "对 楼道整洁 提出申诉" in form and 'enctype="multipart/form-data"' in form
    appeal = _file(client, world)
    assert appeal.marks_before == Decimal(8) and appeal.state == AppealState.PENDING
    assert appeal.photos.count() == 1

    client.force_login(world.bob)
    decide = reverse("assessments:appeal_decide", args=[appeal.pk])
    page = client.get(appeal.get_absolute_url()).content.decode()
    assert "3号楼杂物检查当天已清走" in page and appeal.photos.get().get_absolute_url() in page
    wrong = client.post(decide, {"state": "accepted", "marks": "12", "decision": "复核属实"})
    assert "得分须在 0 到 10.00 之间。" in wrong.content.decode()
    empty = client.post(decide, {"state": "accepted", "decision": "复核属实"})
    assert "采纳申诉须填写调整后得分。" in empty.content.decode()
    done = client.post(decide, {"state": "accepted", "marks": "10", "decision": "复核属实"},
                       follow=True).content.decode()  # fmt: skip
    assert "已采纳申诉" in done and "第 2 版" in done

    month = score.assessment_month
    month.refresh_from_db()
    assert month.publication == 2
    first = CommunityScore.objects.get(pk=score.pk)
    second = CommunityScore.objects.get(assessment_month=month, community=world.community,
                                        publication=2)  # fmt: skip
    assert first.total == score.total  # the first publication stands as it was
    assert second.total == score.total + 2
    changed = second.parts.get(indicator=part.indicator)
    assert (changed.score, changed.source) == (Decimal(10), Source.APPEAL)
    assert CommunityScore.objects.filter(assessment_month=month, publication=1).count() == (
        CommunityScore.objects.filter(assessment_month=month, publication=2).count()
    )

    client.force_login(world.alice)
    old = client.get(first.get_absolute_url()).content.decode()
    assert "已因申诉被新版本取代" in old and second.get_absolute_url() in old
    new = client.get(second.get_absolute_url()).content.decode()
    assert "申诉采纳后调整（原 8.00 分）" in new and "已采纳" in new
    ranking = client.get(reverse("assessments:month"), {"month": str(LAST)}).content.decode()
    assert second.get_absolute_url() in ranking and first.get_absolute_url() not in ranking
    again = client.post(decide, {"state": "rejected", "decision": "x"}, follow=True)
    assert "申诉由区里的考核负责人处理。" in again.content.decode()  # a community never decides
    assert Appeal.objects.get(pk=appeal.pk).state == AppealState.ACCEPTED


def test_a_rejection_says_why_and_changes_no_score(client, world):
    appeal = _file(client, world)
    client.force_login(world.bob)
    decide = reverse("assessments:appeal_decide", args=[appeal.pk])
    blank = client.post(decide, {"state": "rejected", "decision": "  "}).content.decode()
    assert "这个字段是必填项。" in blank or "必填" in blank
    client.post(decide, {"state": "rejected", "decision": "检查当天确有杂物，照片为事后所拍。"})
    appeal.refresh_from_db()
    assert appeal.state == AppealState.REJECTED and appeal.marks_after is None
    assert AssessmentMonth.objects.get(pk=appeal.assessment_month_id).publication == 1
    again = client.post(decide, {"state": "accepted", "marks": "10", "decision": "改判"},
                        follow=True).content.decode()  # fmt: skip
    assert "已经有人处理过了" in again
    client.force_login(world.alice)
    page = client.get(appeal.get_absolute_url()).content.decode()
    assert "照片为事后所拍" in page and "不予采纳" in page


def test_no_appeal_after_the_period_or_twice_or_from_another_community(client, world):
    _score, part = _published(world)
    _file(client, world)
    second = client.get(_appeal_url(part), follow=True).content.decode()
    assert "这个月的这项指标已经申诉过了。" in second

    other, other_part = _published(world, world.other_community)
    client.force_login(world.charlie)  # the other community's staff, in another district
    assert client.get(_appeal_url(part)).status_code == 404
    AssessmentMonth.objects.filter(pk=other.assessment_month_id).update(
        appeals_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    late = client.post(_appeal_url(other_part), {"reason": "迟到的申诉"}, follow=True)
    assert "申诉期已过" in late.content.decode()
    assert not Appeal.objects.filter(community=world.other_community).exists()


@pytest.mark.parametrize("who", ["charlie", "olive", "rita"])
def test_an_appeal_and_its_photos_stay_in_the_community_and_its_district(client, world, who):
    appeal = _file(client, world)
    photo = EvidencePhoto.objects.get(appeal=appeal)
    client.force_login(getattr(world, who))
    assert client.get(appeal.get_absolute_url()).status_code == 404
    assert client.get(photo.get_absolute_url()).status_code == 404
    listed = client.get(reverse("assessments:appeal_list"))
    assert listed.status_code == 404 or world.community.name not in listed.content.decode()
    client.force_login(world.bob)
    assert client.get(photo.get_absolute_url())["Content-Type"] == "image/png"
    assert client.get(reverse("assessments:appeal_list")).status_code == 200
