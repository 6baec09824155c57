"""The GeoReport v2 endpoints. Public and anonymous: reading needs no key, submitting needs an
`ApiKey`; every answer is the same to everyone, signed in or not (`public = True`, which the
scope walker checks). Errors are the spec's error documents with its status codes: 400 for a
request that cannot be fulfilled, 403 for a missing or bad key, 404 for what does not exist."""

from __future__ import annotations

import datetime
import math
import re
import time

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from grievances import services as desk
from grievances.choices import Channel, EventKind, Kind
from grievances.models import ApiKey, Category, Grievance, GrievanceEvent
from grievances.open311 import ids, serializers
from grievances.open311.rendering import errors, render
from shequ.models import Community
from shequ.text import strip_control

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this implementation of the endpoint last changed, as the discovery document asks.
CHANGESET = "2026-11-24T00:00:00+08:00"
# The spec's response volume: a span of 90 days or the first 1000 requests.
MAX_SPAN = datetime.timedelta(days=90)
MAX_REQUESTS = 1000
# Submissions per key and hour: a client that loops must not flood a community's register.
POSTS_PER_KEY_PER_HOUR = 120
MAX_DESCRIPTION = 4000  # the spec's limit
MAX_LIST_ITEMS = 100  # ids, codes or statuses in one comma-separated parameter


class Refusal(Exception):
    def __init__(self, status: int, *descriptions: str) -> None:
        super().__init__(*descriptions)
        self.status, self.descriptions = status, descriptions


def _param(data, name: str, max_length: int = 200) -> str:
    """A parameter as text: control characters gone (PostgreSQL refuses NUL), trimmed. Empty is
    the same as absent, as the spec's "optional" says."""
    value = data.get(name, "")
    text = strip_control(value if isinstance(value, str) else "").strip()
    if len(text) > max_length:
        raise Refusal(400, _("参数 %(name)s 过长（最多 %(n)s 个字符）。") % {
            "name": name, "n": max_length
        })  # fmt: skip
    return text


def _listed(data, name: str) -> list[str]:
    """A comma-delimited parameter, which may also be given several times."""
    items = [
        item.strip()
        for value in data.getlist(name)
        for item in strip_control(value).split(",")
        if item.strip()
    ]
    if len(items) > MAX_LIST_ITEMS:
        raise Refusal(400, _("参数 %(name)s 最多 %(n)s 项。") % {"name": name, "n": MAX_LIST_ITEMS})
    return items


def _jurisdiction(data) -> Community | None:
    """`jurisdiction_id` is a community's 12-digit code. Optional: the endpoint serves every
    community, and a case's community follows from the key that submits it."""
    code = _param(data, "jurisdiction_id")
    if not code:
        return None
    community = Community.objects.filter(code=code).first()
    if community is None:
        raise Refusal(404, _("jurisdiction_id %(code)s 不存在。") % {"code": code})
    return community


class Open311View(View):
    public = True
    http_method_names = ["get", "head", "options"]

    def dispatch(self, request, *args, format: str, **kwargs):
        self.format = format
        try:
            response = super().dispatch(request, *args, **kwargs)
        except Refusal as refusal:
            response = errors(format, refusal.status, *refusal.descriptions)
        if request.method in ("GET", "HEAD"):
            # Browser-based clients on other sites read the same public data.
            response["Access-Control-Allow-Origin"] = "*"
        return response

    def http_method_not_allowed(self, request, *args, **kwargs):
        response = errors(self.format, 405, _("不支持 %(m)s 请求。") % {"m": request.method})
        response["Allow"] = ", ".join(m.upper() for m in self._allowed_methods())
        return response


class DiscoveryView(Open311View):
    def get(self, request):
        return render(self.format, "discovery", {
            "changeset": CHANGESET,
            "contact": _("诉求的办理请联系所在社区居委会；接口问题请联系系统管理员。"),
            "key_service": _("提交诉求所需的 api_key 由系统管理员签发，每个密钥对应一个社区。"),
            "endpoints": [{
                "specification": SPECIFICATION,
                "url": request.build_absolute_uri("/open311/v2"),
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }],
        })  # fmt: skip


class ServiceListView(Open311View):
    def get(self, request):
        _jurisdiction(request.GET)
        data = [serializers.service(category) for category in serializers.services()]
        return render(self.format, "services", data)


def _service(code: str) -> Category:
    category = serializers.services().filter(code=code).first()
    if category is None:
        raise Refusal(404, _("service_code %(code)s 不存在。") % {"code": code[:40]})
    return category


class ServiceDefinitionView(Open311View):
    def get(self, request, service_code: str):
        _jurisdiction(request.GET)
        definition = serializers.definition(_service(service_code))
        return render(self.format, "service_definition", definition)


def _moment(data, name: str) -> datetime.datetime | None:
    """A W3C date or date-time; one without a zone is the desk's local time."""
    text = _param(data, name, 40)
    if not text:
        return None
    try:
        moment = parse_datetime(text.replace(" ", "+"))  # a "+08:00" sent unencoded
        if moment is None and (day := parse_date(text)):
            moment = datetime.datetime.combine(day, datetime.time())
    except ValueError:
        moment = None
    if moment is None:
        raise Refusal(400, _("%(name)s 须是 W3C 格式的时间，例如 2026-01-01T00:00:00+08:00。") % {
            "name": name
        })  # fmt: skip
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _page(data, name: str, default: int, maximum: int) -> int:
    text = _param(data, name, 10) or str(default)
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= maximum:
        raise Refusal(400, _("%(name)s 须是 1 到 %(max)s 之间的整数。") % {
            "name": name, "max": maximum
        })  # fmt: skip
    return int(text)


@method_decorator(csrf_exempt, name="dispatch")  # clients prove themselves by api_key, not cookie
class RequestListView(Open311View):
    http_method_names = ["get", "post", "head", "options"]

    def get(self, request):
        data = request.GET
        community = _jurisdiction(data)
        cases = serializers.cases()
        if community is not None:
            cases = cases.filter(community=community)
        # `page` and `page_size` are not the spec's: they reach past the first 1000 requests.
        size = _page(data, "page_size", MAX_REQUESTS, MAX_REQUESTS)
        page = _page(data, "page", 1, 10_000)
        wanted = _listed(data, "service_request_id")
        if wanted:  # "this overrides all other arguments"
            pks = {pk for pk in map(ids.decode, wanted) if pk is not None}
            cases = cases.filter(pk__in=pks)
        else:
            cases = self.filtered(cases, data)
        rows = cases[(page - 1) * size : page * size]
        return render(self.format, "service_requests", [serializers.request(c) for c in rows])

    def filtered(self, cases, data):
        codes = _listed(data, "service_code")
        if codes:
            cases = cases.filter(category__code__in=codes)
        statuses = {status.lower() for status in _listed(data, "status")}
        if statuses - {"open", "closed"}:
            raise Refusal(400, _("status 只能是 open 或 closed。"))
        cases = cases.filter(serializers.status_filter(statuses))
        start, end = _moment(data, "start_date"), _moment(data, "end_date")
        if start and end and end < start:
            raise Refusal(400, _("end_date 不能早于 start_date。"))
        if start and end and end - start > MAX_SPAN:
            raise Refusal(400, _("start_date 到 end_date 不能超过 90 天。"))
        if start is None and end is None:
            end = timezone.now()
        start = start or end - MAX_SPAN
        end = end or start + MAX_SPAN
        return cases.filter(received_at__gte=start, received_at__lte=end)

    def post(self, request):
        data = request.POST
        # In the body only, as the spec sends it: a key in a URL ends up in every proxy's log.
        key = ApiKey.objects.for_key(_param(data, "api_key"))
        if key is None:
            raise Refusal(403, _("api_key 缺失、无效或已停用，不能提交诉求。"))
        community = _jurisdiction(data)
        if community is not None and community.pk != key.community_id:
            raise Refusal(403, _("这个 api_key 不能向 jurisdiction_id %(code)s 提交诉求。") % {
                "code": community.code
            })  # fmt: skip
        submission = _submission(data)
        _count_submission(key)
        with transaction.atomic():
            try:
                case = desk.grievance_register(community=key.community, **submission)
            except ValidationError as refused:  # the desk's own checks, in its words
                raise Refusal(400, *refused.messages) from refused
            # Which client brought the case, for the desk and for whoever must stop a bad one.
            GrievanceEvent.objects.create(
                grievance=case, kind=EventKind.NOTE, from_state=case.state, to_state=case.state,
                level=case.level, note=_("经 Open311 接口提交（%(key)s）") % {"key": key},
            )  # fmt: skip
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
        return render(self.format, "service_requests", [{
            "service_request_id": ids.encode(case.pk),
            "service_notice": serializers.service_notice(case.category),
            "account_id": None,
        }])  # fmt: skip


def _count_submission(key: ApiKey) -> None:
    slot = f"open311-posts:{key.pk}:{int(time.time() // 3600)}"
    cache.add(slot, 0, timeout=3600)
    if cache.incr(slot) > POSTS_PER_KEY_PER_HOUR:
        raise Refusal(429, _("这个 api_key 本小时提交的诉求已达上限，请稍后再试。"))


def _submission(data) -> dict:
    """The arguments of `grievance_register` from a POST, or a Refusal listing every problem."""
    problems = []
    code = _param(data, "service_code", 40)
    if not code:
        raise Refusal(400, _("缺少 service_code。"))
    category = _service(code)
    place = _param(data, "address_string")
    if not place:
        # Coordinates alone name no place a community office can find: there is no geocoder.
        problems.append(
            _("请提供 address_string（地点的文字描述）；本接口不支持只用经纬度或 address_id 定位。")
        )
    description = strip_control(data.get("description", "")).strip()
    if len(description) > MAX_DESCRIPTION:
        problems.append(_("description 最多 4000 个字符。"))
    answers, attribute_problems = _answers(category, data)
    problems += attribute_problems
    try:
        name = _param(data, "last_name", 25) + _param(data, "first_name", 25)
        phone = _param(data, "phone", 30)
    except Refusal as refusal:
        problems += refusal.descriptions
        name = phone = ""
    if problems:
        raise Refusal(400, *problems)
    description = description or category.name
    return {
        "category": category,
        "kind": Kind.HELP,
        "channel": Channel.ONLINE,
        "title": description.splitlines()[0][:100],
        "description": description,
        "address": place,
        "contact_name": name,
        "contact_phone": phone,
        "answers": answers,
    }


_ATTRIBUTE = re.compile(r"attribute\[([^\]]+)\](\[\])?")


def _answers(category: Category, data) -> tuple[dict, list[str]]:
    """`attribute[code]=value` (and `attribute[code][]=value` for a multivaluelist), checked
    against the category's questions."""
    given: dict[str, list[str]] = {}
    for name in data:
        if match := _ATTRIBUTE.fullmatch(name):
            values = [strip_control(v).strip() for v in data.getlist(name)]
            given.setdefault(match.group(1), []).extend(v for v in values if v)
    questions = {q["code"]: q for q in serializers.questions(category)}
    problems = [
        _("未知的属性 %(code)s。") % {"code": code[:40]} for code in given if code not in questions
    ]
    answers = {}
    for code, question in questions.items():
        values = given.get(code, [])
        label = question["label"]
        if not values:
            if question.get("required"):
                problems.append(_("请回答“%(label)s”（attribute[%(code)s]）。") % {
                    "label": label, "code": code
                })  # fmt: skip
            continue
        problem = _check(question, values)
        if problem:
            problems.append(f"{label}（attribute[{code}]）：{problem}")
        else:
            multiple = question.get("datatype") == "multivaluelist"
            answers[code] = values if multiple else values[0]
    return answers, problems


def _check(question: dict, values: list[str]) -> str:
    datatype = question.get("datatype", "string")
    keys = {str(value.get("key")) for value in question.get("values") or []}
    if datatype != "multivaluelist" and len(values) > 1:
        return _("只能有一个值。")
    if any(len(value) > 1000 for value in values):
        return _("最多 1000 个字符。")
    value = values[0]
    if datatype == "number":
        try:
            valid = math.isfinite(float(value))
        except ValueError:
            valid = False
        return "" if valid else _("须是数字。")
    if datatype == "datetime":
        try:
            valid = bool(parse_datetime(value) or parse_date(value))
        except ValueError:
            valid = False
        return "" if valid else _("须是 ISO 8601 格式的时间。")
    if datatype == "string" and "\n" in value:
        return _("不能换行。")
    if datatype in ("singlevaluelist", "multivaluelist") and not set(values) <= keys:
        return _("须是给定的选项之一。")
    return ""


def _visible_case(service_request_id: str) -> Grievance:
    pk = ids.decode(service_request_id)
    case = serializers.cases().filter(pk=pk).first() if pk else None
    if case is None:
        shown = service_request_id[:20]
        raise Refusal(404, _("service_request_id %(id)s 不存在。") % {"id": shown})
    return case


class RequestDetailView(Open311View):
    def get(self, request, service_request_id: str):
        _jurisdiction(request.GET)
        case = _visible_case(service_request_id)
        return render(self.format, "service_requests", [serializers.request(case)])


class TokenView(Open311View):
    """Cases are registered while the client waits, so no token is ever handed out and none is
    needed. A client that asks anyway, with the id it was given, gets that id back: the spec's
    answer for a token that has become a request."""

    def get(self, request, token: str):
        _jurisdiction(request.GET)
        case = _visible_case(token)
        public_id = ids.encode(case.pk)
        return render(self.format, "service_requests", [
            {"service_request_id": public_id, "token": public_id}
        ])  # fmt: skip
