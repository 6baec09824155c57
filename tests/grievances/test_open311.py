"""Open311 GeoReport v2: what an existing civic-issue client sees and may do, and what nobody
ever gets from it (who brought a case, a hidden case)."""

from __future__ import annotations

import datetime
import json
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grievances import services
from grievances.choices import Channel, EventKind, Kind
from grievances.models import ApiKey, Category, Grievance
from grievances.open311 import ids, views
from tests.factories import UserFactory

# The book starts empty: these tests count cases and messages.
pytestmark = pytest.mark.empty_desk

ELEVATOR_QUESTIONS = [
    {"code": "floor", "label": "哪一层", "datatype": "number", "required": True},
    {"code": "trapped", "label": "是否有人被困", "datatype": "singlevaluelist", "required": True,
     "values": [{"key": "yes", "name": "有"}, {"key": "no", "name": "没有"}]},
    {"code": "units", "label": "哪些单元", "datatype": "multivaluelist",
     "values": [{"key": "1", "name": "一单元"}, {"key": "2", "name": "二单元"}]},
]  # fmt: skip
CONTACT_NAME, CONTACT_PHONE = "钱多多", "13600001111"


@pytest.fixture
def elevator(db) -> Category:
    category = Category.objects.get(code="property-elevator")
    category.questions = ELEVATOR_QUESTIONS
    category.save()
    return category


@pytest.fixture
def api_key(world) -> str:
    key = ApiKey(name="随手拍", community=world.community)
    value = key.issue()
    key.save()
    return value


def url(name: str, fmt: str = "json", **kwargs) -> str:
    return reverse(f"open311:{name}", kwargs={"format": fmt, **kwargs})


def get(client: Client, name: str, fmt: str = "json", data=None, **kwargs):
    response = client.get(url(name, fmt, **kwargs), data or {})
    return response, parse(response, fmt)


def parse(response, fmt: str):
    if fmt == "json":
        assert response["Content-Type"] == "application/json; charset=utf-8"
        return json.loads(response.content)
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ElementTree.fromstring(response.content)


def register(world, *, category="sanitation-rubbish", description="楼下垃圾三天没清运", **extra):
    return services.grievance_register(
        community=extra.pop("community", world.community),
        category=Category.objects.get(code=category), kind=Kind.COMPLAINT,
        channel=Channel.VISIT, title="垃圾清运", description=description,
        by=extra.pop("by", world.alice),
        address=extra.pop("address", "幸福路 3 号楼下"), contact_name=CONTACT_NAME,
        contact_phone=CONTACT_PHONE, **extra,
    )  # fmt: skip


def submission(key: str, **fields) -> dict:
    """What a client sends for the elevator; another service_code goes without its answers."""
    data = {
        "api_key": key, "service_code": "property-elevator", "address_string": "幸福路 8 号楼",
        "description": "8 号楼电梯停在 5 楼不动\n已经两天了", "first_name": "多多",
        "last_name": "钱", "phone": CONTACT_PHONE, "email": "qian@example.com",
        "attribute[floor]": "5", "attribute[trapped]": "no", "attribute[units][]": ["1", "2"],
        "lat": "36.8", "long": "118.05", "media_url": "http://example.com/photo.jpg", **fields,
    }  # fmt: skip
    if data["service_code"] != "property-elevator":
        data = {name: value for name, value in data.items() if not name.startswith("attribute[")}
    return data


def test_discovery_points_clients_to_the_v2_endpoint_in_both_formats(client, db):
    response, data = get(client, "discovery")
    assert response.status_code == 200
    endpoint = data["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]

    response, root = get(client, "discovery", "xml")
    assert root.tag == "discovery"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == [
        "text/xml", "application/json"
    ]  # fmt: skip
    assert root.findtext("key_service") == data["key_service"]


def test_services_are_the_categories_clients_can_file_under_with_their_group(client, elevator):
    Category.objects.filter(code="order-noise").update(active=False)
    _, services_json = get(client, "service_list")
    by_code = {service["service_code"]: service for service in services_json}
    assert by_code["property-elevator"] == {
        "service_code": "property-elevator", "service_name": "电梯故障", "description": None,
        "metadata": True, "type": "realtime", "keywords": "电梯故障, 物业与维修",
        "group": "物业与维修",
    }  # fmt: skip
    assert by_code["neighbours"]["group"] is None  # a category without subcategories
    assert by_code["sanitation-rubbish"]["metadata"] is False
    # Parents group their children and are not services themselves; stopped ones are gone.
    assert "property" not in by_code and "order-noise" not in by_code

    _, root = get(client, "service_list", "xml")
    services_xml = root.findall("service")
    assert [s.findtext("service_code") for s in services_xml] == list(by_code)
    elevator_xml = next(s for s in services_xml if s.findtext("service_code") == elevator.code)
    assert elevator_xml.findtext("metadata") == "true"
    assert elevator_xml.findtext("group") == "物业与维修"


def test_a_service_definition_lists_the_category_questions_as_attributes(client, elevator):
    response, definition = get(client, "service_definition", service_code=elevator.code)
    assert definition["service_code"] == "property-elevator"
    floor, trapped, units = definition["attributes"]
    assert floor == {
        "variable": True, "code": "floor", "datatype": "number", "required": True,
        "datatype_description": None, "order": 1, "description": "哪一层", "values": [],
    }  # fmt: skip
    assert trapped["values"] == [{"key": "yes", "name": "有"}, {"key": "no", "name": "没有"}]
    assert (units["order"], units["required"]) == (3, False)

    response, root = get(client, "service_definition", "xml", service_code=elevator.code)
    assert root.tag == "service_definition"
    attribute = root.findall("attributes/attribute")[1]
    assert attribute.findtext("required") == "true"
    assert [v.findtext("key") for v in attribute.findall("values/value")] == ["yes", "no"]

    response, error = get(client, "service_definition", service_code="no-such-thing")
    assert response.status_code == 404
    assert error == [{"code": 404, "description": "service_code no-such-thing 不存在。"}]


def test_a_client_submits_with_its_key_and_follows_the_case_until_the_desk_replies(
    client, world, elevator, api_key
):
    response = client.post(url("request_list", "xml"), submission(api_key))
    assert response.status_code == 200, response.content.decode()
    created = parse(response, "xml").find("request")
    public_id = created.findtext("service_request_id")
    assert created.find("token") is None  # realtime: an id, never a token
    assert created.findtext("service_notice") == "本类诉求自登记之日起 2 个工作日内办结。"

    case = Grievance.objects.get()
    assert ids.decode(public_id) == case.pk and public_id != str(case.pk)
    assert public_id != case.tracking_code  # the resident's receipt stays theirs
    assert (case.community, case.category, case.channel) == (world.community, elevator, "online")
    assert (case.contact_name, case.contact_phone) == (CONTACT_NAME, CONTACT_PHONE)
    assert case.address == "幸福路 8 号楼"
    assert case.answers == {"floor": "5", "trapped": "no", "units": ["1", "2"]}
    assert case.events.filter(kind=EventKind.NOTE, public=False, note__contains="随手拍").exists()
    assert ApiKey.objects.get().last_used_at is not None

    response, [shown] = get(client, "request_detail", service_request_id=public_id)
    assert shown["status"] == "open"
    assert shown["agency_responsible"] == world.community.name
    assert shown["status_notes"] is None  # the register number would count the desk's cases
    local_due = case.due_on.isoformat()
    assert shown["expected_datetime"] == f"{local_due}T23:59:59+08:00"
    assert shown["requested_datetime"].endswith("+08:00")
    assert shown["address"] == "幸福路 8 号楼"
    listed = [r["service_request_id"] for r in get(client, "request_list")[1]]
    assert listed == [public_id]
    response, [token] = get(client, "token", token=public_id)
    assert token == {"service_request_id": public_id, "token": public_id}

    services.grievance_reply(grievance=case, by=world.alice, reply="已联系维保单位修复电梯")
    response, [shown] = get(client, "request_detail", "xml", service_request_id=public_id)
    shown = parse(response, "xml").find("request")
    assert shown.findtext("status") == "closed"
    assert shown.findtext("status_notes") == "已联系维保单位修复电梯"
    updated = datetime.datetime.fromisoformat(shown.findtext("updated_datetime"))
    assert updated >= datetime.datetime.fromisoformat(shown.findtext("requested_datetime"))
    assert get(client, "request_list", data={"status": "open"})[1] == []


def test_an_escalated_case_names_the_level_that_holds_it(client, world):
    case = register(world)
    services.grievance_escalate(grievance=case, by=world.alice, to="street", reason="需街道协调")
    [shown] = get(client, "request_detail", service_request_id=ids.encode(case.pk))[1]
    assert (shown["agency_responsible"], shown["status_notes"]) == (world.street.name, "需街道协调")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_submissions_without_a_good_key_are_refused_with_403(client, world, elevator, fmt, api_key):
    inactive = ApiKey(name="停用的", community=world.community, active=False)
    stopped = inactive.issue()
    inactive.save()
    for key in ("", "o311_guessed", stopped, api_key.upper()):
        response = client.post(url("request_list", fmt), submission(key))
        assert response.status_code == 403
        errors = parse(response, fmt)
        if fmt == "xml":
            assert errors.tag == "errors" and errors.findtext("error/code") == "403"
        else:
            assert errors[0]["code"] == 403
    assert not Grievance.objects.exists()


def test_bad_submissions_get_every_problem_in_the_spec_format(client, world, elevator, api_key):
    def refused(status, **fields):
        response = client.post(url("request_list"), submission(api_key, **fields))
        assert response.status_code == status, response.content.decode()
        return [error["description"] for error in response.json()]

    problems = refused(
        400, address_string="", **{"attribute[floor]": "五楼", "attribute[trapped]": "maybe",
                                   "attribute[colour]": "red"},
    )  # fmt: skip
    assert problems == [
        "请提供 address_string（地点的文字描述）；本接口不支持只用经纬度或 address_id 定位。",
        "未知的属性 colour。", "哪一层（attribute[floor]）：须是数字。",
        "是否有人被困（attribute[trapped]）：须是给定的选项之一。",
    ]  # fmt: skip
    data = submission(api_key)
    del data["attribute[trapped]"]
    response = client.post(url("request_list"), data)
    assert response.json() == [
        {"code": 400, "description": "请回答“是否有人被困”（attribute[trapped]）。"}
    ]
    assert refused(400, description="长" * 4001) == ["description 最多 4000 个字符。"]
    assert refused(404, service_code="pothole") == ["service_code pothole 不存在。"]
    assert refused(404, jurisdiction_id="999999999999") == ["jurisdiction_id 999999999999 不存在。"]
    assert refused(403, jurisdiction_id=world.other_community.code)[0].startswith("这个 api_key")
    assert not Grievance.objects.exists()
    # Its own community's code is fine, and so is a GET with an unknown method.
    assert (
        client.post(
            url("request_list"), submission(api_key, jurisdiction_id=world.community.code)
        ).status_code
        == 200
    )
    response = client.put(url("service_list"))
    assert response.status_code == 405 and response.json()[0]["code"] == 405


def test_no_response_ever_shows_who_brought_a_case_or_what_they_wrote(client, world, api_key):
    resident = world.residents[0]
    case = register(world, resident=resident, description=f"{resident.name}家楼上漏水")
    services.grievance_accept(grievance=case, by=world.alice)
    posted = client.post(url("request_list"), submission(
        api_key, service_code="other", description="隔壁王五天天吵架"
    ))  # fmt: skip
    assert posted.status_code == 200
    bodies = [posted.content.decode()]
    for public_id in (ids.encode(case.pk), posted.json()[0]["service_request_id"]):
        for fmt in ("json", "xml"):
            for name, kwargs in [("request_list", {}), ("request_detail", {
                "service_request_id": public_id
            }), ("token", {"token": public_id})]:  # fmt: skip
                response = client.get(url(name, fmt, **kwargs))
                assert response.status_code == 200
                bodies.append(response.content.decode())
    text = "\n".join(bodies)
    assert case.address in text  # the responses were read, not empty
    secrets = [CONTACT_NAME, CONTACT_PHONE, case.contact_phone_masked, "钱", resident.name,
               resident.mobile, "王五", "漏水", case.tracking_code,
               case.register_number]  # fmt: skip
    assert [secret for secret in secrets if secret in text] == []


def test_hidden_cases_are_not_listed_and_not_found(client, world):
    shown, hidden = register(world), register(world, address="另一处")
    services.grievance_hide(grievance=hidden, by=world.alice, reason="辱骂内容")
    listed = [r["service_request_id"] for r in get(client, "request_list")[1]]
    assert listed == [ids.encode(shown.pk)]
    hidden_id = ids.encode(hidden.pk)
    assert get(client, "request_list", data={"service_request_id": hidden_id})[1] == []
    for name, kwargs in [("request_detail", {"service_request_id": hidden_id}),
                         ("token", {"token": hidden_id})]:  # fmt: skip
        for fmt in ("json", "xml"):
            response = client.get(url(name, fmt, **kwargs))
            assert response.status_code == 404
            assert "另一处" not in response.content.decode()


def test_the_list_filters_as_the_spec_says(client, world):
    old = register(world, category="order-noise")
    Grievance.objects.filter(pk=old.pk).update(received_at=timezone.now() - datetime.timedelta(100))
    recent = register(world)
    other = register(
        world, community=world.other_community, category="order-noise", by=world.charlie
    )
    services.grievance_reply(grievance=recent, by=world.alice, reply="已清运")

    def listed(**params):
        response, data = get(client, "request_list", data=params)
        assert response.status_code == 200, data
        return {ids.decode(r["service_request_id"]) for r in data}

    assert listed() == {recent.pk, other.pk}  # the last 90 days by default
    assert listed(status="open") == {other.pk}
    assert listed(status="open,closed") == {recent.pk, other.pk}
    assert listed(service_code="order-noise,sanitation-rubbish", status="open") == {other.pk}
    assert listed(jurisdiction_id=world.community.code) == {recent.pk}
    start = (timezone.localdate() - datetime.timedelta(days=120)).isoformat()
    assert listed(start_date=start) == {old.pk}  # 90 days from the start
    end = (timezone.now() - datetime.timedelta(days=95)).isoformat()
    assert listed(end_date=end) == {old.pk}
    ask = ",".join([ids.encode(old.pk), ids.encode(other.pk), "NOPE", ids.encode(10**9)])
    assert listed(service_request_id=ask, status="closed") == {old.pk, other.pk}
    assert listed(page_size="1") | listed(page_size="1", page="2") == {recent.pk, other.pk}

    for params, problem in [
        ({"start_date": "yesterday"}, "start_date 须是 W3C 格式的时间"),
        ({"start_date": "2026-01-01", "end_date": "2026-05-01"}, "不能超过 90 天"),
        ({"start_date": "2026-02-01", "end_date": "2026-01-01"}, "不能早于"),
        ({"status": "pending"}, "status 只能是 open 或 closed"),
        ({"page_size": "5000"}, "page_size 须是 1 到 1000"),
    ]:
        response, errors = get(client, "request_list", "xml", data=params)
        assert response.status_code == 400
        assert problem in errors.findtext("error/description")
    response, errors = get(client, "request_list", data={"jurisdiction_id": "110101001001"})
    assert response.status_code == 404


def test_the_list_costs_the_same_queries_for_three_cases_as_for_thirty(client, world):
    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url("request_list"), {"jurisdiction_id": world.community.code})
        return len(captured.captured_queries), len(response.json())

    cases = [register(world) for _ in range(3)]
    services.grievance_escalate(grievance=cases[0], by=world.alice, to="district", reason="上报")
    few = queries()
    for n in range(27):
        case = register(world, address=f"{n}号楼")
        if n % 3 == 0:
            services.grievance_reply(grievance=case, by=world.alice, reply="已办")
    many = queries()
    assert (few[1], many[1]) == (3, 30)
    assert few[0] == many[0] == 2  # the jurisdiction, then the cases with all they show


def test_submissions_per_key_are_limited_each_hour(client, world, api_key, monkeypatch):
    monkeypatch.setattr(views, "POSTS_PER_KEY_PER_HOUR", 2)
    data = submission(api_key, service_code="other")
    assert [client.post(url("request_list"), data).status_code for _ in range(3)] == [200, 200, 429]
    assert Grievance.objects.count() == 2
    other = ApiKey(name="另一个", community=world.community)
    assert client.post(url("request_list"), {**data, "api_key": other.issue()}).status_code == 403
    other.save()
    assert client.post(url("request_list"), {**data, "api_key": data["api_key"]}).status_code == 429


def test_an_administrator_sees_a_new_key_once_and_only_its_hash_is_stored(client, world):
    client.force_login(UserFactory(is_superuser=True, is_staff=True, username="root"))
    response = client.post(
        reverse("admin:grievances_apikey_add"),
        {"name": "12345 热线", "community": world.community.pk, "active": "on"},
        follow=True,
    )
    [message] = [str(m) for m in response.context["messages"] if "新密钥" in str(m)]
    key = message.split("：")[1].split(" ")[0]
    stored = ApiKey.objects.get()
    assert key.startswith("o311_") and len(key) > 40
    assert key not in str(ApiKey.objects.values_list().get()) and stored.hint == key[:9]
    assert ApiKey.objects.for_key(key) == stored
    page = client.get(reverse("admin:grievances_apikey_change", args=[stored.pk]))
    assert key not in page.content.decode()


def test_public_ids_are_stable_unique_and_unrelated_to_the_count(db):
    encoded = [ids.encode(pk) for pk in range(1, 2001)]
    assert len(set(encoded)) == 2000 and all(len(e) == 13 for e in encoded)
    assert [ids.decode(e) for e in encoded] == list(range(1, 2001))
    assert ids.decode(encoded[0].lower()) == 1
    assert sorted(encoded) != encoded
    for junk in ("", "1", "0" * 13, "Z" * 13, "中" * 13, "EJUH9QR79P9R"):
        assert ids.decode(junk) is None


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))  # fmt: skip
@given(data=st.fixed_dictionaries({}, optional={
    name: st.one_of(st.text(max_size=30), st.sampled_from(["", "\x00", "5", "yes", "1e999",
                    "2026-13-45", "x" * 5000, "other", "property-elevator"]))
    for name in ["service_code", "address_string", "description", "first_name", "last_name",
                 "phone", "jurisdiction_id", "attribute[floor]", "attribute[trapped]",
                 "attribute[units][]", "attribute[x"]
}))  # fmt: skip
def test_no_submission_with_a_good_key_gives_a_server_error(data, client_and_key):
    client, key = client_and_key
    response = client.post(url("request_list"), {**data, "api_key": key})
    assert response.status_code in (200, 400, 403, 404)


@pytest.fixture
def client_and_key(elevator, api_key, monkeypatch):
    monkeypatch.setattr(views, "POSTS_PER_KEY_PER_HOUR", 10_000)
    return Client(), api_key
