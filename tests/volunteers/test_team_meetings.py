"""A team's charter file and its meeting records (会议/活动记录): kept by the organisers, with
those who came picked among the members of the day; a resident sees the team and its charter,
never a meeting or a member's name; another community's staff get 404."""

import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from volunteers.models import TeamMeeting, TeamMembership

TODAY = timezone.localdate()


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _meeting_data(**changes) -> dict:
    return {"date": str(TODAY), "topic": "冬季巡逻安排", "place": "社区活动室",
            "minutes": "排定十二月夜间巡逻班次。", **changes}  # fmt: skip


def _jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {2: (36.0, 40.0, 12.0)}  # GPSInfo: latitude
    out = io.BytesIO()
    Image.new("RGB", (16, 16), "white").save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_staff_record_a_meeting_with_the_members_who_came(client, world):
    patrol, leader, former = world.teams[0], world.volunteers[0], world.volunteers[1]
    client.force_login(world.alice)
    add = reverse("volunteers:teammeeting_add", args=[patrol.pk])
    form = _text(client.get(add))
    # Only today's members are offered: 李 left the patrol last year.
    assert leader.name in form and former.name not in form
    sheet = SimpleUploadedFile("签到表.jpg", _jpeg_with_gps(), content_type="image/jpeg")
    response = client.post(add, {**_meeting_data(), "attendees": [leader.pk],
                                 "sheet_upload": sheet})  # fmt: skip
    assert response.status_code == 302
    meeting = TeamMeeting.objects.get(topic="冬季巡逻安排")
    assert list(meeting.attendees.all()) == [leader] and meeting.recorded_by == world.alice
    page = _text(client.get(meeting.get_absolute_url()))
    assert "排定十二月夜间巡逻班次。" in page and leader.name in page
    # The sheet is served by the scoped view, its GPS position gone.
    served = client.get(reverse("volunteers:teammeeting_sheet", args=[meeting.pk]))
    picture = Image.open(io.BytesIO(b"".join(served.streaming_content)))
    assert served["Content-Type"] == "image/jpeg" and not picture.getexif()
    # A day when 李 was still in the patrol: both may be picked; the history keeps the change.
    edit = reverse("volunteers:teammeeting_edit", args=[meeting.pk])
    day = datetime.date(2025, 5, 1)
    client.post(edit, {**_meeting_data(date=str(day)), "attendees": [leader.pk, former.pk]})
    meeting.refresh_from_db()
    assert meeting.date == day and set(meeting.attendees.all()) == {leader, former}
    assert meeting.history.count() >= 2 and meeting.sign_in_sheet


def test_someone_not_in_the_team_that_day_is_refused_in_place(client, world):
    patrol, leader, former = world.teams[0], world.volunteers[0], world.volunteers[1]
    client.force_login(world.alice)
    add = reverse("volunteers:teammeeting_add", args=[patrol.pk])
    before = TeamMeeting.objects.count()
    response = client.post(add, {**_meeting_data(), "attendees": [leader.pk, former.pk]})
    assert response.status_code == 200
    assert "只能选择会议当天在这支队伍中的队员" in _text(response)
    nobody = client.post(add, _meeting_data())
    assert "请选择参加的队员" in _text(nobody)
    assert TeamMeeting.objects.count() == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"date": str(TODAY + datetime.timedelta(days=1))}, "日期不能晚于今天"),
        ({"topic": "   "}, "这个字段是必填项"),
        ({"date": "2019-12-31"}, "成立于 2020-01-01"),
        ({"date": "下周三"}, "输入一个有效的日期"),
    ],
)
def test_bad_input_is_told_in_place_and_nothing_is_saved(client, world, changes, message):
    client.force_login(world.alice)
    add = reverse("volunteers:teammeeting_add", args=[world.teams[0].pk])
    before = TeamMeeting.objects.count()
    data = {**_meeting_data(**changes), "attendees": [world.volunteers[0].pk]}
    response = client.post(add, data)
    assert response.status_code == 200
    assert message in _text(response)
    assert "冬季巡逻安排" in _text(response) or changes.get("topic")  # what was typed stays
    assert TeamMeeting.objects.count() == before


def test_a_resident_sees_the_team_and_its_charter_but_no_meeting_and_no_name(client, world):
    patrol, leader = world.teams[0], world.volunteers[0]
    meeting = TeamMeeting.objects.get(team=patrol)
    client.force_login(world.rita)  # 李, once in the patrol
    page = _text(client.get(patrol.get_absolute_url()))
    assert patrol.name in page and leader.name not in page
    assert meeting.topic not in page and "会议/活动记录" not in page
    for name in ("teammeeting_detail", "teammeeting_edit", "teammeeting_sheet"):
        assert client.get(reverse(f"volunteers:{name}", args=[meeting.pk])).status_code == 404
    add = reverse("volunteers:teammeeting_add", args=[patrol.pk])
    assert client.post(add, {**_meeting_data(), "attendees": [leader.pk]}).status_code == 404
    charter = client.get(reverse("volunteers:team_charter", args=[patrol.pk]))
    assert charter.status_code == 200 and b"".join(charter.streaming_content).startswith(b"%PDF")


def test_other_communities_and_officials_get_404(client, world):
    patrol = world.teams[0]
    meeting = TeamMeeting.objects.get(team=patrol)
    urls = [
        reverse("volunteers:teammeeting_add", args=[patrol.pk]),
        reverse("volunteers:teammeeting_detail", args=[meeting.pk]),
        reverse("volunteers:teammeeting_edit", args=[meeting.pk]),
        reverse("volunteers:teammeeting_sheet", args=[meeting.pk]),
        reverse("volunteers:team_charter", args=[patrol.pk]),
    ]
    for user in (world.charlie, world.bob):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
    client.force_login(world.peggy)  # a party worker of the community keeps them too
    assert client.get(urls[2]).status_code == 200


def test_the_charter_file_is_uploaded_replaced_and_served_only_through_the_team(client, world):
    patrol = world.teams[0]
    client.force_login(world.alice)
    edit = reverse("volunteers:team_edit", args=[patrol.pk])
    data = {"kind": patrol.kind, "name": patrol.name, "purpose": patrol.purpose,
            "charter": patrol.charter, "founded_on": str(patrol.founded_on)}  # fmt: skip
    word = SimpleUploadedFile("乒乓球协会章程.docx", b"PK\x03\x04word", content_type="")
    assert client.post(edit, {**data, "charter_upload": word}).status_code == 302
    patrol.refresh_from_db()
    assert patrol.charter_file_name == "乒乓球协会章程.docx"
    assert "乒乓球协会章程" not in patrol.charter_file.name  # stored under a random name
    download = client.get(reverse("volunteers:team_charter", args=[patrol.pk]))
    assert b"".join(download.streaming_content) == b"PK\x03\x04word"
    assert "attachment" in download["Content-Disposition"]
    page = _text(client.get(patrol.get_absolute_url()))
    assert reverse("volunteers:team_charter", args=[patrol.pk]) in page
    assert "/media/" not in page and patrol.charter_file.name not in page
    # A wrong kind of file, or one whose content belies its name, is refused in Chinese.
    program = SimpleUploadedFile("章程.exe", b"MZ\x90\x00", content_type="")
    refused = client.post(edit, {**data, "charter_upload": program})
    assert refused.status_code == 200
    assert "“章程.exe”不能上传：只收PDF、Word 文件和照片" in _text(refused)
    fake = SimpleUploadedFile("章程.pdf", b"MZ\x90\x00", content_type="application/pdf")
    assert "的内容与扩展名不符" in _text(client.post(edit, {**data, "charter_upload": fake}))
    patrol.refresh_from_db()
    assert patrol.charter_file_name == "乒乓球协会章程.docx"
    # Saving without a file keeps the one there.
    assert client.post(edit, data).status_code == 302
    patrol.refresh_from_db()
    assert patrol.charter_file_name == "乒乓球协会章程.docx"


def test_the_team_page_runs_the_same_queries_for_one_meeting_or_many(
    client, world, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from volunteers.services import team_meeting_save

    patrol, leader = world.teams[0], world.volunteers[0]
    client.force_login(world.alice)
    url = patrol.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        small = client.get(url)
    for n in range(8):
        meeting = TeamMeeting(team=patrol, date=datetime.date(2025, 1, n + 1), topic=f"例会{n}",
                              recorded_by=world.alice)  # fmt: skip
        team_meeting_save(meeting, by=world.alice, attendees=[leader], sheet=None)
    with django_assert_num_queries(len(few)):
        large = client.get(url)
    assert _text(large).count("1 人参加") > _text(small).count("1 人参加")


def test_a_member_who_left_before_the_meeting_cannot_be_added_by_any_way(world):
    from volunteers.services import Refused, team_meeting_save

    former = world.volunteers[1]
    assert TeamMembership.objects.get(volunteer=former).left_on < TODAY
    meeting = TeamMeeting(team=world.teams[0], date=TODAY, topic="例会", recorded_by=world.alice)
    with pytest.raises(Refused):
        team_meeting_save(meeting, by=world.alice, attendees=[former], sheet=None)
    with pytest.raises(Refused):
        team_meeting_save(meeting, by=world.rita, attendees=[world.volunteers[0]], sheet=None)
    assert not TeamMeeting.objects.filter(topic="例会").exists()
