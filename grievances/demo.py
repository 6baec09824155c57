"""Demo desk: a few departments with a handler account (bumen, of 城管), and cases in every state
in the first two demo communities, each taken through the services step by step, some
registered days ago so the lists show cases near and past their time limits."""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator
from unittest import mock

from django.db import transaction
from django.utils import timezone

from grievances import services
from grievances.choices import Channel, Kind, Level
from grievances.defaults import seed_categories
from grievances.models import Category, Grievance, GrievanceEvent
from shequ.demo import DEMO_PASSWORD
from shequ.models import Community, Department, District, Role, RoleAssignment, User

DEPARTMENTS = [("城管", "0533-12319"), ("住建", "0533-3182011"), ("市场监管", "0533-12315"),
               ("派出所", "110")]  # fmt: skip

# (days ago, category, kind, channel, title, steps)
# fmt: off
CASES = [
    (0, "property-elevator", Kind.HELP, Channel.VISIT, "3号楼电梯停在5楼不动", []),
    (0, "sanitation-rubbish", Kind.COMPLAINT, Channel.PHONE, "垃圾桶两天没有清运", ["accept"]),
    (1, "order-parking", Kind.COMPLAINT, Channel.GRID, "消防通道被私家车占用",
     ["accept", "assign"]),
    (1, "property-water", Kind.HELP, Channel.VISIT, "楼道感应灯坏了", ["accept", "start"]),
    (2, "neighbours", Kind.DISPUTE, Channel.VISIT, "楼上装修噪音影响休息",
     ["accept", "assign", "start"]),
    (6, "property-leak", Kind.HELP, Channel.VISIT, "顶楼雨天漏水", ["accept", "start"]),
    (9, "employment", Kind.INQUIRY, Channel.PHONE, "咨询灵活就业社保补贴", ["accept"]),
    (3, "order-stalls", Kind.COMPLAINT, Channel.HOTLINE, "小区门口流动摊贩占道经营",
     ["accept", "start", "department:城管"]),
    (2, "order-noise", Kind.COMPLAINT, Channel.HOTLINE, "夜间烧烤店噪音扰民",
     ["accept", "start", "department:城管", "answer"]),
    (4, "security-fire", Kind.HELP, Channel.GRID, "地下室堆放易燃杂物",
     ["accept", "start", "escalate:street"]),
    (5, "property-fee", Kind.COMPLAINT, Channel.VISIT, "物业费上涨没有公示",
     ["accept", "start", "department:住建"]),
    (1, "sanitation-greening", Kind.SUGGESTION, Channel.ONLINE, "建议在广场补种树木",
     ["accept", "start", "reply"]),
    (3, "assistance-elderly", Kind.HELP, Channel.VISIT, "独居老人申请助餐服务",
     ["accept", "assign", "start", "reply", "close"]),
    (7, "property-elevator", Kind.HELP, Channel.PHONE, "电梯按钮失灵",
     ["accept", "start", "reply", "close"]),
    (8, "other", Kind.PRAISE, Channel.VISIT, "感谢网格员帮忙找回走失老人",
     ["accept", "reply", "close"]),
    (2, "other", Kind.INQUIRY, Channel.ONLINE, "咨询养犬登记", ["reject"]),
    (0, "sanitation-rubbish", Kind.COMPLAINT, Channel.PHONE, "垃圾没有清运（重复反映）",
     ["merge"]),
    (5, "neighbours", Kind.DISPUTE, Channel.VISIT, "邻居在公共走廊堆放鞋柜",
     ["accept", "start", "extension"]),
    (6, "assistance-disability", Kind.HELP, Channel.VISIT, "残疾人申请无障碍改造",
     ["accept", "start", "extension", "approve"]),
    (1, "other", Kind.COMPLAINT, Channel.ONLINE, "重复灌水内容", ["hide"]),
    (0, "security-safety", Kind.HELP, Channel.GRID, "单元门禁损坏", ["accept", "note"]),
    (4, "order-parking", Kind.COMPLAINT, Channel.PHONE, "共享单车堵住单元门",
     ["accept", "start", "department:城管", "return"]),
]
# fmt: on
CONTACTS = ["王秀英", "李建国", "张丽", "刘强", "陈玉兰", "杨志强", "赵海燕", "黄德福"]


@contextlib.contextmanager
def _clock(moment: datetime.datetime) -> Iterator[None]:
    """Let the services believe it is `moment`: the case's dates and its events' times."""
    event_time = GrievanceEvent._meta.get_field("at")
    with (
        mock.patch("django.utils.timezone.now", return_value=moment),
        mock.patch.object(event_time, "_get_default", lambda: moment),
    ):
        yield


def _departments(district: District) -> dict[str, Department]:
    departments = {}
    for name, phone in DEPARTMENTS:
        departments[name], _ = Department.objects.get_or_create(
            name=f"{district.name}{name}", defaults={"district": district, "phone": phone}
        )
    return departments


def _handler(department: Department) -> User:
    user, created = User.objects.get_or_create(
        username="bumen",
        defaults={"name": "吴科长", "phone": "13800000008", "email": "bumen@example.com"},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    RoleAssignment.objects.get_or_create(
        user=user, role=Role.DEPARTMENT_HANDLER, department=department
    )
    return user


def _first_user(**assignment) -> User | None:
    lookups = {f"role_assignments__{key}": value for key, value in assignment.items()}
    return User.objects.filter(**lookups).order_by("pk").first()


@transaction.atomic
def seed(district: District) -> None:
    departments = _departments(district)
    handlers = {departments["城管"].pk: _handler(departments["城管"])}
    communities = Community.objects.filter(street__district=district).order_by("code")[:2]
    official = _first_user(role=Role.OFFICIAL, district=district)
    seed_categories()  # a transactional test may have emptied the table the migration filled
    categories = {c.code: c for c in Category.objects.all()}
    for index, community in enumerate(communities):
        if community.grievances.exists():
            continue
        staff = _first_user(role=Role.COMMUNITY_STAFF, community=community)
        if staff is None:
            continue
        cases = CASES if index == 0 else CASES[:6]
        buildings = list(community.buildings.order_by("pk")[:4])
        registered: list[Grievance] = []
        morning = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
        for n, (days, code, kind, channel, title, steps) in enumerate(cases):
            moment = min(morning - datetime.timedelta(days=days, minutes=-n * 7), timezone.now())
            with _clock(moment):
                case = services.grievance_register(
                    community=community, category=categories[code], kind=kind, channel=channel,
                    title=title, description=f"{title}，请社区帮助解决。", by=staff,
                    building=buildings[n % len(buildings)] if buildings else None,
                    address="" if buildings else f"{community.name}院内",
                    contact_name=CONTACTS[n % len(CONTACTS)],
                    contact_phone=f"139{n:04d}{5678 + n:04d}"[:11],
                )  # fmt: skip
            for step_number, step in enumerate(steps, start=1):
                later = moment + datetime.timedelta(hours=step_number * 3)
                with _clock(min(later, timezone.now())):
                    _take(step, case, staff, official, departments, handlers, registered)
            registered.append(case)


def _take(step, case, staff, official, departments, handlers, registered) -> None:
    action, _, target = step.partition(":")
    case.refresh_from_db()
    if action == "accept":
        services.grievance_accept(grievance=case, by=staff)
    elif action == "assign":
        services.grievance_assign(grievance=case, by=staff, assignee=staff)
    elif action == "start":
        services.grievance_start(grievance=case, by=staff)
    elif action == "department":
        services.grievance_escalate(
            grievance=case, by=staff, to=Level.DEPARTMENT, department=departments[target],
            reason="超出社区职权，请职能部门处理。",
        )  # fmt: skip
    elif action == "escalate":
        services.grievance_escalate(grievance=case, by=staff, to=target, reason="需要街道协调。")
    elif action in ("answer", "return"):
        handler = handlers[case.department_id]
        if action == "answer":
            services.grievance_answer(
                grievance=case, by=handler, answer="已派执法队员现场处理，将持续巡查。"
            )
        else:
            services.grievance_return(
                grievance=case, by=handler, reason="属物业管理范围，请社区协调物业。"
            )
    elif action == "reply":
        services.grievance_reply(grievance=case, by=staff, reply="已处理完毕，并电话告知反映人。")
    elif action == "close":
        services.grievance_close(grievance=case, by=staff)
    elif action == "reject":
        services.grievance_reject(
            grievance=case, by=staff, reason="不属于社区受理范围，已告知去向。"
        )
    elif action == "merge":
        services.grievance_merge(grievance=case, into=registered[1], by=staff)
    elif action == "extension":
        services.grievance_request_extension(
            grievance=case, by=staff, days=5, reason="需等待施工队排期。"
        )
    elif action == "approve" and official is not None:
        services.grievance_decide_extension(grievance=case, by=official, approve=True)
    elif action == "hide":
        services.grievance_hide(grievance=case, by=staff, reason="无实际内容。")
    elif action == "note":
        services.grievance_note(grievance=case, by=staff, note="已电话联系物业维修。")
