"""Volunteers' files and their teams: registration by the community and by the resident,
confirmation and 注销, team members under the one-leader and member-once rules, and who sees
what."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from shequ.models import Role
from tests.factories import (
    ActivityFactory,
    ResidentFactory,
    UserFactory,
    assign,
    valid_id_number,
)
from volunteers import services
from volunteers.choices import SignUpStatus, TeamRole, VolunteerStatus
from volunteers.models import Team, TeamMembership, Volunteer
from volunteers.services import sign_up

TODAY = datetime.date.today()


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _resident(world, **kwargs):
    return ResidentFactory(household=world.households[1], **kwargs)


def test_staff_register_a_resident_who_is_in_the_register_at_once(client, world):
    resident = _resident(world, full_name="赵志愿", birth_date=datetime.date(1985, 4, 2))
    client.force_login(world.alice)
    response = client.post(reverse("volunteers:volunteer_add"), {
        "resident": resident.pk, "registered_on": str(TODAY), "skills": "急救",
        "show_on_leaderboard": "on",
    })  # fmt: skip
    assert response.status_code == 302
    volunteer = Volunteer.objects.get(resident=resident)
    assert volunteer.status == VolunteerStatus.ACTIVE and volunteer.community == world.community
    assert volunteer.history.first().history_change_reason == "社区登记注册"
    # The picker offers nobody who already has a file.
    again = client.post(reverse("volunteers:volunteer_add"), {
        "resident": resident.pk, "registered_on": str(TODAY),
    })  # fmt: skip
    assert "还没有志愿者档案的居民" in _text(again)


def test_a_minor_needs_a_guardian_whoever_registers_them(client, world):
    child = _resident(world, full_name="小明", birth_date=TODAY.replace(year=TODAY.year - 15))
    client.force_login(world.alice)
    response = client.post(reverse("volunteers:volunteer_add"), {
        "resident": child.pk, "registered_on": str(TODAY),
    })  # fmt: skip
    assert response.status_code == 200
    assert "未满 18 周岁，须登记监护人及其同意日期。" in _text(response)
    assert not Volunteer.objects.filter(resident=child).exists()
    response = client.post(reverse("volunteers:volunteer_add"), {
        "resident": child.pk, "registered_on": str(TODAY), "guardian_name": "王芳",
        "guardian_relation": "母子", "guardian_consented_on": str(TODAY),
    })  # fmt: skip
    assert response.status_code == 302


def _applicant(world, birth=datetime.date(1990, 5, 5)):
    """A resident of alice's community with an account of their own and no volunteer file."""
    user = UserFactory(username="xiaoli")
    assign(user, Role.RESIDENT, world.community)
    number = valid_id_number(f"{birth:%Y%m%d}", 77)
    resident = _resident(world, full_name="孙申请", id_number=number, birth_date=birth)
    return user, resident, number


def test_a_resident_registers_from_their_phone_and_the_office_confirms(client, world):
    user, resident, number = _applicant(world)
    client.force_login(user)
    own = reverse("volunteers:volunteer_own")
    form = client.get(own)
    assert form.status_code == 200 and 'name="id_number"' in _text(form)
    response = client.post(own, {"id_number": number, "skills": "理发"})
    volunteer = Volunteer.objects.get(resident=resident)
    assert response.status_code == 302 and response.url == volunteer.get_absolute_url()
    assert volunteer.status == VolunteerStatus.PENDING and volunteer.account == user
    # Their own page now, never a form again; the number never appears in a URL or a page.
    assert client.get(own).url == volunteer.get_absolute_url()
    page = _text(client.get(volunteer.get_absolute_url()))
    assert "正在等待社区确认" in page and number not in page

    client.force_login(world.alice)
    pending = _text(client.get(reverse("volunteers:volunteer_list"), {"status": "pending"}))
    assert "孙申请" in pending and "待确认" in pending
    confirm = reverse("volunteers:volunteer_confirm", args=[volunteer.pk])
    assert client.post(confirm).status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.ACTIVE
    assert volunteer.history.first().history_change_reason == "社区确认注册"
    # Confirmed once: the step is not offered again.
    again = client.get(confirm)
    assert again.status_code == 302 and again.url == volunteer.get_absolute_url()


def test_a_resident_not_in_the_register_is_sent_to_the_office(client, world):
    user, _resident_row, _number = _applicant(world)
    client.force_login(user)
    response = client.post(reverse("volunteers:volunteer_own"),
                           {"id_number": valid_id_number("19700101", 555)})  # fmt: skip
    assert response.status_code == 200
    assert "请先到社区居委会办理居民信息登记" in _text(response)
    junk = client.post(reverse("volunteers:volunteer_own"), {"id_number": "12345"})
    assert junk.status_code == 200 and "id_number" in junk.context["form"].errors
    # Someone of another community is not found either: the search stays in their own.
    stranger = valid_id_number("19600505", 1)
    other = ResidentFactory(household=world.households[0], id_number=stranger)
    other.community = world.other_community
    other.save()
    response = client.post(reverse("volunteers:volunteer_own"), {"id_number": stranger})
    assert "请先到社区居委会办理居民信息登记" in _text(response)
    assert not Volunteer.objects.filter(account=user).exists()


def test_a_minor_registering_themselves_names_a_guardian(client, world):
    birth = TODAY.replace(year=TODAY.year - 16, day=1)
    user, resident, number = _applicant(world, birth)
    client.force_login(user)
    response = client.post(reverse("volunteers:volunteer_own"), {"id_number": number})
    assert response.status_code == 200
    assert "未满 18 周岁，须登记监护人及其同意日期。" in _text(response)
    assert not Volunteer.objects.filter(resident=resident).exists()
    response = client.post(reverse("volunteers:volunteer_own"), {
        "id_number": number, "guardian_name": "孙父", "guardian_relation": "父子",
        "guardian_consented_on": str(TODAY),
    })  # fmt: skip
    assert response.status_code == 302


def test_a_declined_registration_ends_and_the_resident_may_apply_again(world):
    user, _row, number = _applicant(world)
    volunteer = services.volunteer_apply(user, id_number=number)
    services.volunteer_decline(volunteer, world.alice, reason="信息不全")
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.LEFT
    assert volunteer.history.first().history_change_reason == "注册未通过：信息不全"
    again = services.volunteer_apply(user, id_number=number, skills="书法")
    assert again.pk == volunteer.pk and again.status == VolunteerStatus.PENDING


def test_leaving_keeps_the_file_and_ends_the_team_memberships(client, world):
    leader, other = world.volunteers[:2]
    starts = timezone.now() + datetime.timedelta(days=10)
    activity = ActivityFactory(community=world.community, capacity=1, starts_at=starts)
    held = sign_up(activity, leader, world.alice)
    waiting = sign_up(activity, other, world.alice)
    client.force_login(world.alice)
    url = reverse("volunteers:volunteer_leave", args=[leader.pk])
    response = client.post(url, {"day": str(TODAY), "reason": "搬离本市"})
    assert response.status_code == 302
    leader.refresh_from_db()
    assert leader.status == VolunteerStatus.LEFT
    assert leader.history.first().history_change_reason == "注销：搬离本市"
    membership = TeamMembership.objects.get(volunteer=leader)
    assert membership.left_on == TODAY
    # Their place in the coming activity goes to the one waiting.
    held.refresh_from_db()
    waiting.refresh_from_db()
    assert (held.status, waiting.status) == (SignUpStatus.CANCELLED, SignUpStatus.OFFERED)
    # A second 注销 is not offered.
    assert client.get(url).status_code == 302
    with pytest.raises(services.Refused):
        services.volunteer_leave(leader, world.alice, day=TODAY)


def test_team_rules_are_errors_on_the_form(client, world, caplog):
    patrol = world.teams[0]
    leader, free = world.volunteers[:2]  # 李 left the patrol last year
    client.force_login(world.alice)
    url = reverse("volunteers:teammembership_add", args=[patrol.pk])
    second_leader = client.post(url, {"volunteer": free.pk, "role": TeamRole.LEADER,
                                      "joined_on": str(TODAY)})  # fmt: skip
    assert second_leader.status_code == 200
    assert "这支队伍已有队长（会长），请先登记原队长退出。" in _text(second_leader)
    # Found by the form, not refused by the database.
    assert "refused by constraint" not in caplog.text
    twice = client.post(url, {"volunteer": leader.pk, "role": TeamRole.MEMBER,
                              "joined_on": str(TODAY)})  # fmt: skip
    assert twice.status_code == 200 and "现在不在这支队伍中" in _text(twice)
    # The member-once rule holds even when the form's choices were read before a join.
    form_class = client.get(url).context["form"].__class__
    form = form_class({"volunteer": free.pk, "role": "member", "joined_on": str(TODAY)},
                      team=patrol, user=world.alice)  # fmt: skip
    TeamMembership.objects.create(team=patrol, volunteer=free, joined_on=TODAY)
    form.fields["volunteer"].queryset = Volunteer.objects.all()
    assert not form.is_valid()
    assert "这位志愿者已在这支队伍中。" in str(form.errors)

    # The leader leaves; then a new leader may be named.
    old = TeamMembership.objects.get(team=patrol, volunteer=leader)
    leave = reverse("volunteers:teammembership_leave", args=[old.pk])
    assert client.post(leave, {"day": str(TODAY)}).status_code == 302
    assert client.get(leave).status_code == 302  # already left: no form
    new = TeamMembership.objects.get(team=patrol, volunteer=free, left_on__isnull=True)
    new.delete()
    response = client.post(url, {"volunteer": free.pk, "role": TeamRole.LEADER,
                                 "joined_on": str(TODAY)})  # fmt: skip
    assert response.status_code == 302
    assert patrol.memberships.get(left_on__isnull=True, role=TeamRole.LEADER).volunteer == free


def test_staff_create_a_team_with_its_charter(client, world):
    client.force_login(world.alice)
    response = client.post(reverse("volunteers:team_add"), {
        "kind": "association", "name": "乒乓球协会", "purpose": "健身交友",
        "charter": "第一条 本会名称……", "founded_on": "2021-09-01",
    })  # fmt: skip
    team = Team.objects.get(name="乒乓球协会")
    assert response.status_code == 302 and team.community == world.community
    same = client.post(reverse("volunteers:team_add"), {
        "kind": "association", "name": "乒乓球协会", "founded_on": "2021-09-01",
    })  # fmt: skip
    assert "本社区已有同名的队伍或协会。" in _text(same)
    edit = client.post(reverse("volunteers:team_edit", args=[team.pk]), {
        "kind": "association", "name": "乒乓球协会", "founded_on": "2021-09-01",
        "dissolved_on": "2020-01-01",
    })  # fmt: skip
    assert "解散日期不能早于成立日期。" in _text(edit)


def test_a_resident_sees_their_own_file_and_team_names_never_members(client, world):
    patrol = world.teams[0]
    mine, others = world.volunteers[1], (world.volunteers[0],)
    client.force_login(world.rita)
    assert client.get(reverse("volunteers:volunteer_own")).url == mine.get_absolute_url()
    assert client.get(mine.get_absolute_url()).status_code == 200
    for other in others:
        assert client.get(other.get_absolute_url()).status_code == 404
    assert client.get(reverse("volunteers:volunteer_list")).status_code == 404
    teams = _text(client.get(reverse("volunteers:team_list")))
    assert patrol.name in teams and "夜间巡逻" in teams
    detail = _text(client.get(patrol.get_absolute_url()))
    assert "章程" in detail and "您已于 2025-06-30 退出。" in detail
    assert others[0].name not in detail and mine.name not in detail
    assert client.get(reverse("volunteers:team_edit", args=[patrol.pk])).status_code == 404


def test_staff_of_another_community_and_officials_see_nothing(client, world):
    patrol, volunteer = world.teams[0], world.volunteers[0]
    client.force_login(world.charlie)
    assert volunteer.name not in _text(client.get(reverse("volunteers:volunteer_list")))
    assert patrol.name not in _text(client.get(reverse("volunteers:team_list")))
    assert client.get(volunteer.get_absolute_url()).status_code == 404
    assert client.get(patrol.get_absolute_url()).status_code == 404
    client.force_login(world.bob)
    for url in (reverse("volunteers:volunteer_list"), reverse("volunteers:team_list"),
                volunteer.get_absolute_url(), patrol.get_absolute_url(),
                reverse("volunteers:volunteer_own")):  # fmt: skip
        assert client.get(url).status_code == 404


def test_staff_read_the_roster_masked_with_teams_and_the_team_with_its_members(client, world):
    leader = world.volunteers[0]
    client.force_login(world.alice)
    roster = _text(client.get(reverse("volunteers:volunteer_list")))
    assert leader.resident.mobile_masked in roster and leader.resident.mobile not in roster
    assert "治安巡逻队<small" in roster and "（队长/会长）" in roster
    by_team = _text(client.get(reverse("volunteers:volunteer_list"), {"team": world.teams[0].pk}))
    assert world.volunteers[1].name not in by_team and leader.name in by_team
    by_skill = _text(client.get(reverse("volunteers:volunteer_list"), {"skills": "急救"}))
    assert leader.name in by_skill and world.volunteers[1].name not in by_skill
    # One who stopped is still on the roster, marked (a badge table clash once made this a 500).
    services.volunteer_leave(world.volunteers[1], world.alice, day=TODAY, reason="搬离")
    roster = _text(client.get(reverse("volunteers:volunteer_list")))
    assert re.search(rf"{world.volunteers[1].name}</a> <span[^>]*>已注销</span>", roster)
    team = _text(client.get(world.teams[0].get_absolute_url()))
    assert "队长/会长：" in team and leader.name in team and "2024-03-01 加入" in team
    assert "已退出" in team and "2024-03-01–2025-06-30" in team


def _grow(world, n: int) -> None:
    patrol = world.teams[0]
    for index in range(n):
        resident = _resident(world, full_name=f"队员{index}")
        volunteer = Volunteer.objects.create(community=world.community, resident=resident,
                                             status="active", skills="维修")  # fmt: skip
        TeamMembership.objects.create(team=patrol, volunteer=volunteer)
        Team.objects.create(community=world.community, kind="association", name=f"协会{index}",
                            founded_on=datetime.date(2020, 1, 1))  # fmt: skip


@pytest.mark.parametrize("name", ["volunteers:volunteer_list", "volunteers:team_list"])
def test_list_pages_run_the_same_queries_for_one_row_or_many(
    client, world, django_assert_num_queries, name
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.alice)
    url = reverse(name)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        small = client.get(url)
    _grow(world, 15)
    with django_assert_num_queries(len(few)):
        large = client.get(url)
    assert large.content.count(b"<tr>") > small.content.count(b"<tr>")


def test_the_navigation_offers_each_role_its_pages(client, world):
    client.force_login(world.alice)
    page = _text(client.get(reverse("home")))
    assert reverse("volunteers:volunteer_list") in page and reverse("volunteers:team_list") in page
    client.force_login(world.rita)
    page = _text(client.get(reverse("home")))
    assert reverse("volunteers:volunteer_own") in page
    assert f'href="{reverse("volunteers:volunteer_list")}"' not in page
    client.force_login(world.bob)
    assert reverse("volunteers:team_list") not in _text(client.get(reverse("home")))
