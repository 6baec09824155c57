"""The life of a case: each step by who may take it, each refusal in Chinese with nothing
changed, the department as a second axis of scope, and a timeline that cannot be rewritten."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from grievances import services
from grievances.choices import Channel, EventKind, Kind, Level, State
from grievances.models import Category, Grievance, GrievanceEvent
from shequ.models import Department, Role, RoleAssignment
from tests.factories import UserFactory

# The book starts empty: these tests count numbers, messages and figures.
pytestmark = pytest.mark.empty_desk


@pytest.fixture
def case(world) -> Grievance:
    category, _ = Category.objects.get_or_create(
        code="test-steps", defaults={"name": "测试", "time_limit_days": 5}
    )
    return services.grievance_register(
        community=world.community, category=category, kind=Kind.COMPLAINT,
        channel=Channel.VISIT, title="电梯停运", description="2号楼电梯停了两天",
        building=world.buildings[0], by=world.alice, contact_phone="13900001111",
    )  # fmt: skip


@pytest.fixture
def departments(world):
    chengguan = Department.objects.create(name="城管局", district=world.district)
    zhujian = Department.objects.create(name="住建局", district=world.district)
    handler = UserFactory(username="handler", name="城管经办")
    other = UserFactory(username="other_handler", name="住建经办")
    RoleAssignment.objects.create(user=handler, role=Role.DEPARTMENT_HANDLER, department=chengguan)
    RoleAssignment.objects.create(user=other, role=Role.DEPARTMENT_HANDLER, department=zhujian)
    return chengguan, handler, other


def _unchanged(case: Grievance, refused_step) -> None:
    before = (case.state, case.level, case.events.count())
    with pytest.raises(services.Refused) as refusal:
        refused_step()
    case.refresh_from_db()
    assert (case.state, case.level, case.events.count()) == before
    assert any("\u4e00" <= ch <= "\u9fff" for ch in refusal.value.messages[0])


def test_the_closed_loop_received_accepted_in_progress_replied_closed(world, case):
    services.grievance_accept(grievance=case, by=world.alice)
    services.grievance_assign(grievance=case, by=world.alice, assignee=world.gina)
    services.grievance_start(grievance=case, by=world.alice)
    services.grievance_reply(grievance=case, by=world.alice, reply="已联系维保单位修复")
    services.grievance_close(grievance=case, by=world.alice)
    case.refresh_from_db()
    assert case.state == State.CLOSED and case.assignee == world.gina
    assert case.reply == "已联系维保单位修复" and case.closed_at and case.replied_at
    assert list(case.events.values_list("kind", flat=True)) == [
        "received", "accepted", "assigned", "started", "replied", "closed",
    ]  # fmt: skip
    assert list(case.events.filter(public=True).values_list("actor", flat=True)) != []


def test_wrong_state_and_wrong_person_are_refused_with_nothing_changed(world, case):
    _unchanged(case, lambda: services.grievance_close(grievance=case, by=world.alice))
    _unchanged(case, lambda: services.grievance_accept(grievance=case, by=world.charlie))
    _unchanged(case, lambda: services.grievance_accept(grievance=case, by=world.gina))
    _unchanged(case, lambda: services.grievance_accept(grievance=case, by=world.peggy))
    _unchanged(case, lambda: services.grievance_reply(grievance=case, by=world.alice, reply=" "))
    _unchanged(case, lambda: services.grievance_reject(grievance=case, by=world.alice, reason=""))
    _unchanged(case, lambda: services.grievance_assign(
        grievance=case, by=world.alice, assignee=world.charlie
    ))  # fmt: skip
    _unchanged(case, lambda: services.grievance_answer(
        grievance=case, by=world.bob, answer="不是上报的"
    ))  # fmt: skip


def test_escalated_to_a_department_it_is_answered_there_and_comes_back(world, case, departments):
    chengguan, handler, other = departments
    visible = Grievance.objects.visible_to
    assert not visible(handler).exists()
    services.grievance_accept(grievance=case, by=world.alice)
    _unchanged(case, lambda: services.grievance_reply(
        grievance=case, by=handler, reply="城管不能直接答复居民"
    ))  # fmt: skip
    services.grievance_escalate(
        grievance=case, by=world.alice, to=Level.DEPARTMENT, department=chengguan,
        reason="占道经营，需执法",
    )  # fmt: skip
    assert list(visible(handler)) == [case]
    assert not visible(other).exists()  # another department's handler sees nothing
    _unchanged(case, lambda: services.grievance_answer(grievance=case, by=other, answer="越权"))
    _unchanged(case, lambda: services.grievance_reply(grievance=case, by=world.alice, reply="早"))
    services.grievance_answer(grievance=case, by=handler, answer="已现场执法，摊位已清理")
    case.refresh_from_db()
    assert (case.level, case.state) == (Level.COMMUNITY, State.IN_PROGRESS)
    assert list(visible(handler)) == [case]  # the department still reads what it answered
    _unchanged(case, lambda: services.grievance_answer(grievance=case, by=handler, answer="再"))
    services.grievance_reply(grievance=case, by=world.alice, reply="城管已清理")
    assert case.events.filter(kind=EventKind.ANSWERED, actor=handler).exists()


def test_the_street_returns_what_is_not_its_remit(world, case):
    services.grievance_escalate(grievance=case, by=world.alice, to=Level.DISTRICT, reason="跨街道")
    _unchanged(case, lambda: services.grievance_return(grievance=case, by=world.bob, reason=""))
    services.grievance_return(grievance=case, by=world.bob, reason="属社区自治事项，请社区协调")
    case.refresh_from_db()
    assert case.level == Level.COMMUNITY
    _unchanged(case, lambda: services.grievance_escalate(
        grievance=case, by=world.alice, to=Level.COMMUNITY, reason="无效"
    ))  # fmt: skip


def test_an_extension_is_approved_by_an_official_above_and_moves_the_time_limit(world, case):
    due = case.due_on
    services.grievance_request_extension(grievance=case, by=world.alice, days=5, reason="等配件")
    _unchanged(case, lambda: services.grievance_request_extension(
        grievance=case, by=world.alice, days=5, reason="再等"
    ))  # fmt: skip
    _unchanged(case, lambda: services.grievance_decide_extension(
        grievance=case, by=world.alice, approve=True
    ))  # fmt: skip
    services.grievance_decide_extension(grievance=case, by=world.bob, approve=True)
    case.refresh_from_db()
    assert case.due_on > due and case.extension_requested_days is None
    assert (case.due_on - due).days >= 5


def test_a_duplicate_is_merged_and_both_numbers_lead_to_the_case(world, case):
    duplicate = services.grievance_register(
        community=world.community, category=case.category, kind=Kind.COMPLAINT,
        channel=Channel.PHONE, title="电梯又坏", description="同一部电梯", address="2号楼",
        by=world.alice,
    )  # fmt: skip
    _unchanged(duplicate, lambda: services.grievance_merge(
        grievance=duplicate, into=duplicate, by=world.alice
    ))  # fmt: skip
    services.grievance_merge(grievance=duplicate, into=case, by=world.alice)
    duplicate.refresh_from_db()
    assert duplicate.state == State.MERGED and duplicate.merged_into == case
    assert case.events.filter(kind=EventKind.MERGED).exists()


def test_the_resident_rates_and_reopens_once_within_fifteen_days(world, case):
    _unchanged(case, lambda: services.grievance_rate(grievance=case, rating=5))
    services.grievance_reply(grievance=case, by=world.alice, reply="已修复")
    case.refresh_from_db()
    _unchanged(case, lambda: services.grievance_rate(grievance=case, rating=9))
    services.grievance_rate(grievance=case, rating=2, comment="又坏了")
    _unchanged(case, lambda: services.grievance_rate(grievance=case, rating=3))
    services.grievance_reopen(grievance=case, reason="电梯还是停")
    case.refresh_from_db()
    assert case.state == State.IN_PROGRESS and case.due_on >= timezone.localdate()
    services.grievance_reply(grievance=case, by=world.alice, reply="更换主板")
    case.refresh_from_db()
    _unchanged(case, lambda: services.grievance_reopen(grievance=case, reason="第二次"))
    Grievance.objects.filter(pk=case.pk).update(
        reopened_at=None, replied_at=timezone.now() - datetime.timedelta(days=16)
    )
    case.refresh_from_db()
    _unchanged(case, lambda: services.grievance_reopen(grievance=case, reason="太晚了"))


def test_the_timeline_cannot_be_rewritten(world, case):
    event = case.events.get()
    written = event.note
    with pytest.raises(Exception, match="只能新增"):
        event.note = "改写"
        event.save()
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's")
    for statement in ("UPDATE grievances_grievanceevent SET note = 'x'",
                      "DELETE FROM grievances_grievanceevent"):  # fmt: skip
        refused = pytest.raises(DatabaseError, match="append-only")
        with refused, transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert GrievanceEvent.objects.get().note == written
