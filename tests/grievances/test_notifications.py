"""Who hears of what, through the outbox: written with the step, never to the one who took it,
and waiting safely when the broker is down."""

import pytest
from django.db.models import Q

from grievances import services
from grievances.choices import Channel, Level
from shequ import outbox
from shequ.models import Department, OutboxMessage, Role, RoleAssignment
from shequ.tasks import outbox_deliver
from tests.factories import UserFactory
from tests.grievances.conftest import register_case

# The book starts empty: these tests count numbers, messages and figures.
pytestmark = pytest.mark.empty_desk


@pytest.fixture(autouse=True)
def _empty_outbox(world):
    """The world's own cases (one came in online) have told their staff already."""
    OutboxMessage.objects.all().delete()


def inbox(**filters) -> list[tuple[str, str]]:
    return sorted(
        (m.kind, m.user.username if m.user_id else m.phone)
        for m in OutboxMessage.objects.filter(**filters).select_related("user")
    )


def test_a_walk_in_case_tells_nobody_but_an_online_one_tells_the_staff(world, category):
    register_case(world, category)
    assert inbox() == []
    case = register_case(world, category, channel=Channel.ONLINE, by=None)
    assert inbox() == [("grievance.received", "alice")]
    assert case.register_number in OutboxMessage.objects.get().subject


def test_each_step_tells_the_ones_who_must_act_next(world, category):
    handler = UserFactory(username="handler")
    department = Department.objects.create(name="城管局")
    RoleAssignment.objects.create(user=handler, role=Role.DEPARTMENT_HANDLER, department=department)
    staff2 = UserFactory(username="staff2")
    RoleAssignment.objects.create(user=staff2, role=Role.COMMUNITY_STAFF, community=world.community)
    case = register_case(world, category)

    services.grievance_assign(grievance=case, by=world.alice, assignee=world.gina)
    assert inbox() == [("grievance.assigned", "gina")]

    services.grievance_escalate(
        grievance=case, by=world.alice, to=Level.DEPARTMENT, reason="占道", department=department
    )
    assert inbox(kind="grievance.escalated") == [("grievance.escalated", "handler")]

    services.grievance_answer(grievance=case, by=handler, answer="已清理")
    # Alice and her colleague hold the case again; the handler who answered is not told.
    assert inbox(kind="grievance.answered") == [
        ("grievance.answered", "alice"), ("grievance.answered", "staff2"),
    ]  # fmt: skip
    assert "已清理" in OutboxMessage.objects.filter(kind="grievance.answered").first().body

    services.grievance_reply(grievance=case, by=world.alice, reply="电梯已修好")
    (to_resident,) = OutboxMessage.objects.filter(kind="grievance.replied")
    assert to_resident.user is None and to_resident.phone == "13812345678"
    assert case.tracking_code in to_resident.body and "电梯已修好" in to_resident.body

    services.grievance_reopen(grievance=case, reason="又坏了")
    assert inbox(kind="grievance.reopened") == [
        ("grievance.reopened", "alice"), ("grievance.reopened", "gina"),
        ("grievance.reopened", "staff2"),
    ]  # fmt: skip


def test_a_refused_step_leaves_no_message(world, category):
    case = register_case(world, category)
    with pytest.raises(services.Refused):
        services.grievance_assign(grievance=case, by=world.charlie, assignee=world.gina)
    assert not OutboxMessage.objects.filter(~Q(kind="grievance.received")).exists()


def test_with_the_broker_down_an_online_case_is_registered_and_its_message_sent_later(
    world, category, broker_down, django_capture_on_commit_callbacks, caplog
):
    with django_capture_on_commit_callbacks(execute=True):
        case = register_case(world, category, channel=Channel.ONLINE, by=None)
    assert case.pk and case.register_number == f"{case.year}-0001"
    assert "beat will deliver" in caplog.text
    waiting = OutboxMessage.objects.get()
    assert waiting.sent_at is None

    assert outbox_deliver() == 1
    waiting.refresh_from_db()
    assert waiting.sent_at is not None
    assert outbox.deliver() == 0
