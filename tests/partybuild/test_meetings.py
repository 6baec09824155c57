"""Organisational life: the roll of a meeting's day, recording attendance, what each role sees,
and pages that cost the same queries however many meetings and branches there are."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from partybuild.compliance import branch_quarters, community_figures, refresh_compliance
from partybuild.models import Attendance, ComplianceQuarter, MeetingAttachment, OrganizationalLife
from partybuild.services import member_move, member_transfer_out
from shequ.metrics import Quarter
from shequ.models import Role
from tests.conftest import OTHER_SECRET, SECRET
from tests.factories import (
    CommunityFactory,
    PartyOrganizationFactory,
    ResidentFactory,
    StreetFactory,
    UserFactory,
    add_meeting,
    add_party_member,
    assign,
)

ADD = reverse("partybuild:meeting_add")


def _names(response) -> str:
    return response.content.decode()


def _post(client, data, **files):
    return client.post(ADD, {**data, **files})


def _meeting_data(form_page, **fields) -> dict:
    """What the form sends as shown: every member on the roll present."""
    data = {"status": "held", "topic": "学习二十大报告", **fields}
    for member in form_page.context["form"].members:
        data.setdefault(f"presence-{member.pk}", "present")
    return data


def test_the_roll_is_the_organisation_on_the_meeting_day(client, world):
    """王 moved from branch 2 into branch 1 after the meeting, 赵 was transferred out of
    branch 1 before it, 钱 joined branch 1 after it: branch 1's roll of that day is 张 (in its
    group) and 赵 gone, 王 absent from it, 钱 too; recorded later, edited later, it stays so."""
    branch1, branch2 = world.party_organizations[1], world.party_organizations[3]
    zhang = world.party_members[0]
    today = timezone.localdate()
    day = today - datetime.timedelta(days=120)
    wang = add_party_member(ResidentFactory(household=world.households[0], full_name="王移入"),
                            branch2, world.peggy, joined_on=datetime.date(2001, 7, 1))  # fmt: skip
    zhao = add_party_member(ResidentFactory(household=world.households[0], full_name="赵转出"),
                            branch1, world.peggy, joined_on=datetime.date(2001, 7, 1))  # fmt: skip
    member_move(wang, world.peggy, organization=branch1, day=day + datetime.timedelta(days=30))
    member_transfer_out(
        zhao, world.peggy, day=day - datetime.timedelta(days=30), counterpart="某街道党工委"
    )
    qian = add_party_member(
        ResidentFactory(household=world.households[0], full_name="钱新党员"),
        branch1,
        world.peggy,
        joined_on=day + datetime.timedelta(days=60),
    )

    client.force_login(world.peggy)
    query = {"organization": branch1.pk, "kind": "general", "date": f"{day:%Y-%m-%d}"}
    page = client.get(ADD, query)
    roll = {row.member for row in page.context["form"].roll}
    assert roll == {zhang}

    response = _post(client, _meeting_data(page, organization=branch1.pk, kind="general",
                                           date=f"{day:%Y-%m-%d}"))  # fmt: skip
    assert response.status_code == 302
    meeting = OrganizationalLife.objects.get(organization=branch1, date=day)
    assert set(meeting.attendances.values_list("member", flat=True)) == {zhang.pk}

    # Edited today, when 王 and 钱 are in branch 1: the roll is still the meeting day's.
    edit = reverse("partybuild:meeting_edit", args=[meeting.pk])
    page = client.get(edit)
    assert {row.member for row in page.context["form"].roll} == {zhang}
    data = _meeting_data(page, organization=branch1.pk, kind="general", date=f"{day:%Y-%m-%d}",
                         minutes="补记会议记录")  # fmt: skip
    assert client.post(edit, data).status_code == 302
    assert set(meeting.attendances.values_list("member", flat=True)) == {zhang.pk}
    # Today's roll of branch 1 has them both, as a meeting today would list them.
    now = client.get(ADD, {**query, "date": f"{today:%Y-%m-%d}"})
    assert {row.member for row in now.context["form"].roll} == {wang, qian, zhang}


def test_a_committee_meeting_lists_the_committee_in_office_that_day(client, world):
    branch1, zhang = world.party_organizations[1], world.party_members[0]
    client.force_login(world.peggy)
    before = client.get(ADD, {"organization": branch1.pk, "kind": "committee",
                              "date": "2022-02-28"})  # fmt: skip
    assert before.context["form"].roll == []
    during = client.get(ADD, {"organization": branch1.pk, "kind": "committee",
                              "date": "2022-03-01"})  # fmt: skip
    assert [row.member for row in during.context["form"].roll] == [zhang]


def test_leave_needs_a_reason_and_nothing_is_saved_without_it(client, world):
    branch1, zhang = world.party_organizations[1], world.party_members[0]
    client.force_login(world.peggy)
    today = f"{timezone.localdate():%Y-%m-%d}"
    query = {"organization": branch1.pk, "kind": "committee", "date": today}
    page = client.get(ADD, query)
    data = _meeting_data(page, **query, topic="研究发展党员")
    data[f"presence-{zhang.pk}"] = "leave"
    before = OrganizationalLife.objects.count()

    response = _post(client, data)
    assert response.status_code == 200
    assert "请假须填写事由" in _names(response)
    assert "研究发展党员" in _names(response)  # what was typed is kept
    assert OrganizationalLife.objects.count() == before

    data[f"reason-{zhang.pk}"] = "外出就医"
    assert _post(client, data).status_code == 302
    attendance = Attendance.objects.get(meeting__topic="研究发展党员")
    assert (attendance.member, attendance.presence, attendance.reason) == (
        zhang,
        "leave",
        "外出就医",
    )


def test_a_roll_changed_under_the_form_is_shown_again_not_saved(client, world):
    """The date typed after the roll was listed gives another roll: its new members are
    asked for, not taken as present unseen."""
    branch1 = world.party_organizations[1]
    client.force_login(world.peggy)
    page = client.get(ADD, {"organization": branch1.pk, "kind": "committee", "date": "2022-02-28"})
    data = _meeting_data(page, organization=branch1.pk, kind="committee", date="2024-05-06")
    response = _post(client, data)
    assert response.status_code == 200
    assert "请选择出勤情况" in _names(response)
    assert response.context["form"].members == [world.party_members[0]]
    assert not OrganizationalLife.objects.filter(date="2024-05-06").exists()


def test_bad_input_is_a_message_in_place_never_a_500(client, world):
    branch1 = world.party_organizations[1]
    client.force_login(world.peggy)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    page = client.get(ADD, {"organization": branch1.pk, "kind": "general"})
    base = _meeting_data(page, organization=branch1.pk, kind="general",
                         date=f"{timezone.localdate():%Y-%m-%d}")  # fmt: skip
    cases = [
        ({**base, "date": f"{tomorrow:%Y-%m-%d}"}, {}, "未召开的会议请登记为计划"),
        ({**base, "kind": "group"}, {}, "党支部不召开党小组会"),
        ({**base, "also_lecture": "on", "kind": "committee", "organization": branch1.pk},
         {}, "只有支部党员大会和主题党日可以同时计入党课"),
        ({**base, "status": "planned", "date": "2020-01-01"}, {}, "计划日期已过"),
        (base, {"attachments": SimpleUploadedFile("a.exe", b"MZ\x90")}, "不能上传"),
        (base, {"attachments": SimpleUploadedFile("a.pdf", b"not a pdf")}, "与扩展名不符"),
        (base, {"attachments": SimpleUploadedFile("a.jpg", b"junk")}, "无法识别"),
        ({**base, f"presence-{world.party_members[0].pk}": "maybe"}, {}, "不在可用的选项中"),
    ]  # fmt: skip
    before = OrganizationalLife.objects.count()
    for data, files, message in cases:
        response = _post(client, data, **files)
        assert response.status_code == 200, message
        assert message in _names(response)
    assert OrganizationalLife.objects.count() == before
    junks = ({"organization": "x", "kind": "?", "date": "2026-02-30"},
             {"quarter": "2026-9", "status": "x", "kind": "x", "organization": "-1"})  # fmt: skip
    for junk in junks:
        assert client.get(ADD, junk).status_code == 200
        assert client.get(reverse("partybuild:meeting_list"), junk).status_code == 200
        assert client.get(reverse("partybuild:compliance"), junk).status_code == 200


def test_a_photo_loses_its_metadata_and_files_are_served_only_in_scope(client, world):
    branch1 = world.party_organizations[1]
    client.force_login(world.peggy)
    picture = Image.new("RGB", (20, 10), "blue")
    exif = Image.Exif()
    exif[0x010F] = "WhereaboutsPhone"  # the camera's make; GPS tags travel the same way
    raw = io.BytesIO()
    picture.save(raw, format="JPEG", exif=exif)
    assert b"WhereaboutsPhone" in raw.getvalue()
    query = {"organization": branch1.pk, "kind": "committee",
             "date": f"{timezone.localdate():%Y-%m-%d}"}  # fmt: skip
    page = client.get(ADD, query)
    data = _meeting_data(page, **query, topic="带照片的支委会")
    response = _post(client, data, attachments=[
        SimpleUploadedFile("签到表.jpg", raw.getvalue()),
        SimpleUploadedFile("课件.pdf", b"%PDF-1.4 slides"),
    ])  # fmt: skip
    assert response.status_code == 302
    photo, pdf = MeetingAttachment.objects.filter(meeting__topic="带照片的支委会").order_by("pk")
    served = b"".join(client.get(photo.get_absolute_url()).streaming_content)
    assert served.startswith(b"\xff\xd8") and b"WhereaboutsPhone" not in served
    download = client.get(pdf.get_absolute_url())
    assert "attachment" in download["Content-Disposition"]
    client.force_login(world.charlie)
    assert client.get(photo.get_absolute_url()).status_code == 404
    client.force_login(world.rita)
    assert client.get(photo.get_absolute_url()).status_code == 404


def test_a_member_sees_only_their_own_attendance(client, world, other_scopes):
    client.force_login(world.rita)
    response = client.get(reverse("partybuild:attendance_list"))
    assert response.status_code == 200
    page = _names(response)
    assert f"{SECRET}住院" in page and f"{SECRET}党员大会" in page  # 李's own row
    assert f"{SECRET}支委会" not in page  # a meeting 李 was not on the roll of
    assert OTHER_SECRET not in page
    for meeting in world.meetings:
        assert client.get(meeting.get_absolute_url()).status_code == 404
    assert client.get(reverse("partybuild:meeting_list")).status_code == 404
    assert client.get(reverse("partybuild:compliance")).status_code == 404


def test_officials_read_counts_never_names_or_minutes(client, world, other_scopes):
    client.force_login(world.bob)
    response = client.get(reverse("partybuild:compliance_overview"))
    assert response.status_code == 200
    page = _names(response)
    assert world.community.name in page
    for secret in ("张", "李", f"{SECRET}会议记录", f"{SECRET}支委会", f"{SECRET}住院"):
        assert secret not in page
    assert "统计于" in page
    compliance = _names(client.get(reverse("partybuild:compliance")))
    assert "张" not in compliance and f"{SECRET}换届" not in compliance
    for name in ("partybuild:meeting_list", "partybuild:attendance_list"):
        assert client.get(reverse(name)).status_code == 404
    assert client.get(world.meetings[0].get_absolute_url()).status_code == 404
    # Another district's official sees none of it.
    client.force_login(world.olive)
    assert world.community.name not in _names(client.get(reverse("partybuild:compliance_overview")))


def _queries(client, url, params=None) -> int:
    client.get(url, params)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


def test_pages_cost_the_same_queries_for_few_meetings_or_many(client, world):
    committee, branch1 = world.party_organizations[:2]
    zhang = world.party_members[0]
    list_url = reverse("partybuild:meeting_list")
    compliance_url = reverse("partybuild:compliance")
    overview_url = reverse("partybuild:compliance_overview")
    client.force_login(world.peggy)
    few = _queries(client, list_url), _queries(client, compliance_url)
    client.force_login(world.bob)
    few_overview = _queries(client, overview_url)

    today = timezone.localdate()
    for days in range(40):
        add_meeting(branch1, "committee", today - datetime.timedelta(days=days * 9), world.peggy,
                    attendance={zhang: ("present", "")})  # fmt: skip
    for _n in range(5):
        branch = PartyOrganizationFactory(community=world.community, parent=committee)
        PartyOrganizationFactory(community=world.community, parent=branch, kind="group")
        add_meeting(branch, "general", today, world.peggy)
        other = PartyOrganizationFactory(community=CommunityFactory(street=world.street))
        add_meeting(other, "lecture", today, world.peggy)
    client.force_login(world.peggy)
    assert (_queries(client, list_url), _queries(client, compliance_url)) == few
    client.force_login(world.bob)
    assert _queries(client, overview_url) == few_overview


def _overview_rows(response) -> dict[str, tuple]:
    return {
        row.community.name: (row.held, row.required, row.branches, row.missing, row.counted)
        for row in response.context["table"].rows
        if row.community
    }


def test_the_overview_reads_the_stored_figures_in_a_fixed_number_of_queries(client, world):
    overview_url = reverse("partybuild:compliance_overview")
    current = Quarter.current()
    refresh_compliance()
    client.force_login(world.bob)
    few = _queries(client, overview_url)
    for _n in range(6):
        other = CommunityFactory(street=world.street)
        branch = PartyOrganizationFactory(community=other)
        add_meeting(branch, "general", timezone.localdate(), world.peggy)
    refresh_compliance()
    assert _queries(client, overview_url) == few
    # What it shows is the stored row, not a count of the meetings.
    stored = ComplianceQuarter.objects.get(community=world.community, quarter=current.first)
    stored.held, stored.required = 77, 99
    stored.save()
    response = client.get(overview_url)
    assert _overview_rows(response)[world.community.name][:2] == (77, 99)
    assert f"统计于 {timezone.localtime(stored.computed_at):%Y-%m-%d}" in _names(response)


def test_a_community_never_counted_is_counted_when_first_shown(client, world):
    overview_url = reverse("partybuild:compliance_overview")
    last = Quarter.current().previous.previous
    client.force_login(world.bob)
    assert not ComplianceQuarter.objects.exists()
    response = client.get(overview_url, {"quarter": str(last)})
    assert ComplianceQuarter.objects.filter(quarter=last.first).count() == 1
    live = community_figures(branch_quarters([world.community.pk], last, timezone.localdate()))
    assert _overview_rows(response)[world.community.name] == (*live[world.community.pk], True)
    # A quarter not begun has nothing to count: dashes, and no rows stored for it.
    following = Quarter.current().following
    response = client.get(overview_url, {"quarter": str(following)})
    assert _overview_rows(response)[world.community.name][-1] is False
    assert "这个季度还没有开始" in _names(response)
    assert not ComplianceQuarter.objects.filter(quarter=following.first).exists()


def test_a_street_official_reads_only_their_street(client, world):
    neighbour = CommunityFactory(street=StreetFactory(district=world.district), name="丙社区")
    PartyOrganizationFactory(community=neighbour, name="丙社区第一党支部")
    street_official = UserFactory(username="stella")
    assign(street_official, Role.OFFICIAL, neighbour.street)
    refresh_compliance()
    client.force_login(street_official)
    response = client.get(reverse("partybuild:compliance_overview"))
    assert list(_overview_rows(response)) == ["丙社区"]
    assert world.community.name not in _names(response)
    assert (
        ComplianceQuarter.objects.visible_to(street_official)
        .filter(community=world.community)
        .count()
        == 0
    )


def test_a_street_official_reads_the_overview_under_their_streets_name(client, world):
    overview_url = reverse("partybuild:compliance_overview")
    walker = UserFactory(username="street-official")
    assign(walker, Role.OFFICIAL, world.street)
    client.force_login(walker)
    heading = client.get(overview_url).content.decode()
    assert f"三会一课汇总 · {world.street.name} " in heading
    client.force_login(world.bob)
    heading = client.get(overview_url).content.decode()
    assert f"三会一课汇总 · {world.street.district.name} " in heading
