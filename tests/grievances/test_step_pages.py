"""The steps on a case's page: each capacity takes its own, and a step refused (a wrong state,
the wrong person) shows why in place and changes nothing."""

import re

from django.urls import reverse

from grievances.choices import EventKind, Level, State
from grievances.models import Grievance, GrievanceEvent

GRID1, GRID2, TO_A, TO_B = range(4)


def post(client, user, case, step: str, **data):
    client.force_login(user)
    url = reverse(f"grievances:grievance_{step}", args=[case.pk])
    return client.post(url, {f"{step}-{key}": value for key, value in data.items()})


def offered(client, user, case) -> set[str]:
    """The steps the case's page offers the user (each is a form posting to its URL)."""
    client.force_login(user)
    page = client.get(case.get_absolute_url()).content.decode()
    return set(re.findall(rf'action="/grievances/{case.pk}/([\w-]+)/"', page))


def unchanged(case, refused_response, message: str) -> None:
    """The page again (not a redirect), the reason shown, the case and its timeline as before."""
    before = (case.state, case.level, case.events.count())
    assert refused_response.status_code == 200
    assert message in refused_response.content.decode()
    case.refresh_from_db()
    assert (case.state, case.level, case.events.count()) == before


def test_the_page_offers_each_user_only_the_steps_they_may_take(client, world):
    case = world.grievances[GRID1]
    assert {"accept", "assign", "reply", "reject", "hide", "note", "merge", "escalate",
            "request-extension"} == offered(client, world.alice, case)  # fmt: skip
    assert offered(client, world.gina, case) == {"note"}
    assert offered(client, world.peggy, case) == set()
    assert offered(client, world.bob, case) == {"note"}
    assert offered(client, world.dora, world.grievances[TO_A]) == {"answer", "return", "note"}


def test_community_staff_accept_assign_start_reply_and_close(client, world):
    case = world.grievances[GRID1]
    response = post(client, world.alice, case, "accept")
    assert response.status_code == 302 and response.url == case.get_absolute_url()
    assert "已受理。" in client.get(response.url).content.decode()
    assert post(client, world.alice, case, "assign", assignee=world.gina.pk).status_code == 302
    assert post(client, world.alice, case, "start").status_code == 302
    assert post(client, world.alice, case, "reply", reply="灯已换新").status_code == 302
    assert post(client, world.alice, case, "close").status_code == 302
    case.refresh_from_db()
    assert case.state == State.CLOSED and case.assignee == world.gina and case.reply == "灯已换新"
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == [EventKind.RECEIVED, EventKind.ACCEPTED, EventKind.ASSIGNED,
                     EventKind.STARTED, EventKind.REPLIED, EventKind.CLOSED]  # fmt: skip


def test_a_step_in_the_wrong_state_is_refused_in_place(client, world):
    case = world.grievances[GRID1]
    post(client, world.alice, case, "accept")
    case.refresh_from_db()
    unchanged(case, post(client, world.alice, case, "accept"), "诉求当前为“已受理”，不能受理。")
    unchanged(case, post(client, world.alice, case, "close"), "诉求当前为“已受理”，不能办结。")


def test_a_step_by_the_wrong_person_is_refused_in_place(client, world):
    case = world.grievances[GRID1]
    # The grid worker and the party worker read the case; neither keeps the desk.
    unchanged(case, post(client, world.gina, case, "accept"), "您无权对这件诉求受理。")
    refused = post(client, world.peggy, case, "note", note="看过")
    unchanged(case, refused, "您无权在这件诉求上记录。")
    refused = post(client, world.bob, case, "reject", reason="不管")
    unchanged(case, refused, "您无权对这件诉求不予受理")
    # Out of scope is not a refusal but a 404: the case does not exist for them.
    assert post(client, world.greg, case, "note", note="看过").status_code == 404
    assert post(client, world.charlie, case, "accept").status_code == 404


def test_required_texts_and_choices_outside_the_community_are_form_errors(client, world):
    case = world.grievances[GRID1]
    unchanged(case, post(client, world.alice, case, "reject", reason="  "), "这个字段是必填项")
    unchanged(case, post(client, world.alice, case, "assign", assignee=world.charlie.pk),
              "选择一个有效的选项")  # fmt: skip
    unchanged(case, post(client, world.alice, case, "escalate", to="department", reason="x"),
              "请选择职能部门。")  # fmt: skip
    unchanged(case, post(client, world.alice, case, "request_extension", days=99, reason="等"),
              "30")  # fmt: skip


def test_a_grid_worker_adds_a_note_to_a_case_of_their_grid(client, world):
    case = world.grievances[GRID1]
    assert post(client, world.gina, case, "note", note="现场看过，灯罩碎了").status_code == 302
    assert case.events.filter(kind=EventKind.NOTE, actor=world.gina).exists()


def test_an_escalated_case_is_answered_by_its_department_and_comes_back(client, world):
    case = world.grievances[TO_A]
    # The other department's handler does not know the case exists.
    assert post(client, world.dan, case, "answer", answer="不归我们").status_code == 404
    # The community cannot reply to the resident while the department holds the case.
    unchanged(case, post(client, world.alice, case, "reply", reply="好了"), "诉求已上报")
    response = post(client, world.dora, case, "answer", answer="已派执法队员清理")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.level == Level.COMMUNITY and case.department == world.departments[0]
    # Back at the community, the department has nothing more to answer.
    unchanged(case, post(client, world.dora, case, "answer", answer="再答"), "没有上报")
    assert offered(client, world.dora, case) == {"note"}
    assert post(client, world.alice, case, "reply", reply="城管已清理").status_code == 302
    # The handler still reads the case they answered.
    client.force_login(world.dora)
    assert client.get(case.get_absolute_url()).status_code == 200


def test_a_department_returns_a_case_that_is_not_its_remit(client, world):
    case = world.grievances[TO_B]
    unchanged(case, post(client, world.dan, case, "return", reason=""), "这个字段是必填项")
    assert post(client, world.dan, case, "return", reason="属物业管理").status_code == 302
    case.refresh_from_db()
    assert case.level == Level.COMMUNITY
    assert case.events.last().kind == EventKind.RETURNED


def test_an_official_decides_an_extension_the_community_asked_for(client, world):
    case = world.grievances[GRID1]
    due = case.due_on
    unchanged(case, post(client, world.bob, case, "decide_extension", decision="approve"),
              "没有待审批的延期申请。")  # fmt: skip
    asked = post(client, world.alice, case, "request_extension", days=3, reason="等配件")
    assert asked.status_code == 302
    assert "decide-extension" in offered(client, world.bob, case)
    case.refresh_from_db()
    unchanged(case, post(client, world.alice, case, "decide_extension", decision="approve"),
              "延期须由街道或区的领导审批。")  # fmt: skip
    assert post(client, world.bob, case, "decide_extension", decision="approve").status_code == 302
    case.refresh_from_db()
    assert case.due_on > due and case.extension_requested_days is None


def test_a_duplicate_is_merged_into_a_case_of_the_community_by_its_number(client, world):
    duplicate, target = world.grievances[GRID2], world.grievances[GRID1]
    unchanged(duplicate, post(client, world.alice, duplicate, "merge", into="2026-9999"),
              "本社区没有这个登记编号的诉求。")  # fmt: skip
    unchanged(duplicate, post(client, world.alice, duplicate, "merge", into="第一件"),
              "请填写登记编号")  # fmt: skip
    response = post(client, world.alice, duplicate, "merge", into=target.register_number)
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.state == State.MERGED and duplicate.merged_into == target
    client.force_login(world.alice)
    assert duplicate.register_number in client.get(target.get_absolute_url()).content.decode()


def test_rejecting_and_hiding_need_a_reason_and_keep_the_case(client, world):
    case = world.grievances[GRID1]
    assert post(client, world.alice, case, "reject", reason="不属于受理范围").status_code == 302
    assert post(client, world.alice, case, "hide", reason="重复灌水").status_code == 302
    case.refresh_from_db()
    assert case.state == State.REJECTED and case.hidden
    assert Grievance.objects.filter(pk=case.pk).exists()
    assert GrievanceEvent.objects.filter(grievance=case, kind=EventKind.HIDDEN).exists()
    unchanged(case, post(client, world.alice, case, "accept"), "不能受理")


def test_a_get_on_a_step_is_not_allowed(client, world):
    client.force_login(world.alice)
    url = reverse("grievances:grievance_accept", args=[world.grievances[GRID1].pk])
    assert client.get(url).status_code == 405
