"""The resident follows the case by its code: the state, the public steps and the reply, never a
name or a number; rates the reply, and reopens it once within 15 days."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from grievances import services
from grievances.choices import State
from grievances.models import Grievance, GrievanceEvent
from grievances.public import limits
from tests.factories import add_photo, register_grievance


@pytest.fixture
def case(world) -> Grievance:
    case = register_grievance(world.community, title="路灯不亮", contact_name="孙大妈",
                              contact_phone="13800138000", building=world.buildings[0])  # fmt: skip
    services.grievance_accept(grievance=case, by=world.alice, note="已派人查看")
    services.grievance_note(grievance=case, by=world.alice, note="内部：物业老周 13911112222")
    return case


def track(client, case, **extra):
    return client.get(reverse("grievances_public:track", args=[case.tracking_code]), **extra)


def replied(case, world) -> Grievance:
    return services.grievance_reply(grievance=case, by=world.alice, reply="已更换灯泡。")


def test_it_shows_the_state_and_public_steps_without_anyones_personal_data(client, world, case):
    world.alice.name = "爱丽丝"
    html = track(client, case).content.decode()
    assert case.register_number in html and "路灯不亮" in html
    assert "已受理" in html and "已派人查看" in html
    assert "内部" not in html and "13911112222" not in html  # a staff-only note
    for personal in ("孙大妈", "13800138000", "138****8000", "爱丽丝", "alice",
                     world.buildings[0].address, world.residents[0].name):  # fmt: skip
        assert personal not in html


def test_the_reply_is_shown_and_can_be_rated_once(client, world, case):
    url = reverse("grievances_public:rate", args=[case.tracking_code])
    refused = client.post(url, {"rating": "4"})
    assert "诉求答复后才能评价。" in refused.content.decode()

    replied(case, world)
    html = track(client, case).content.decode()
    assert "已更换灯泡。" in html and "评价这次答复" in html
    response = client.post(url, {"rating": "4", "comment": "很及时"}, follow=True)
    assert "谢谢您的评价。" in response.content.decode()
    case.refresh_from_db()
    assert (case.rating, case.rating_comment) == (4, "很及时")
    assert GrievanceEvent.objects.filter(grievance=case, kind="rated", actor=None).exists()

    again = client.post(url, {"rating": "1"}).content.decode()
    assert "这件诉求已经评价过了。" in again
    assert "选择一个有效的选项" in client.post(url, {"rating": "9"}).content.decode()
    case.refresh_from_db()
    assert case.rating == 4


def test_it_reopens_once_within_fifteen_days_of_the_reply(client, world, case):
    url = reverse("grievances_public:reopen", args=[case.tracking_code])
    early = client.post(url, {"reason": "还是不亮"}).content.decode()
    assert "只有已答复或已办结的诉求可以申请重新办理。" in early

    replied(case, world)
    assert "这个字段是必填项。" in client.post(url, {"reason": " "}).content.decode()
    response = client.post(url, {"reason": "晚上又不亮了"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.IN_PROGRESS and case.reopened_at is not None
    assert "晚上又不亮了" in track(client, case).content.decode()

    services.grievance_reply(grievance=case, by=world.alice, reply="换了线路。")
    twice = client.post(url, {"reason": "又坏了"}).content.decode()
    assert "每件诉求只能申请重新办理一次。" in twice


def test_it_refuses_to_reopen_a_reply_older_than_fifteen_days(client, world, case):
    replied(case, world)
    Grievance.objects.filter(pk=case.pk).update(
        replied_at=timezone.now() - datetime.timedelta(days=16)
    )
    html = track(client, case).content.decode()
    assert "申请重新办理" not in html  # the form is not offered …
    url = reverse("grievances_public:reopen", args=[case.tracking_code])
    refused = client.post(url, {"reason": "没解决"}).content.decode()
    assert "答复已超过 15 天，请重新提交一件诉求。" in refused  # … and the service refuses


def test_a_hidden_case_shows_a_neutral_message(client, world, case):
    services.grievance_hide(grievance=case, by=world.alice, reason="辱骂内容")
    for name in ("track", "receipt"):
        html = client.get(reverse(f"grievances_public:{name}", args=[case.tracking_code]))
        text = html.content.decode()
        assert "这件诉求暂时不能在线查询" in text
        assert "路灯不亮" not in text and "辱骂" not in text and case.register_number not in text
    rate = reverse("grievances_public:rate", args=[case.tracking_code])
    client.post(rate, {"rating": "1"})
    case.refresh_from_db()
    assert case.rating is None


def test_the_lookup_form_takes_a_code_as_people_type_it(client, case):
    code = case.tracking_code
    typed = f" {code[:4].lower()}-{code[4:8]} {code[8:]}"
    response = client.get(reverse("grievances_public:lookup"), {"code": typed})
    assert response.url == reverse("grievances_public:track", args=[code])
    refused = client.get(reverse("grievances_public:lookup"), {"code": "123"})
    assert "查询码是 12 位字母和数字" in refused.content.decode()


def test_guessing_codes_is_stopped_after_a_few_misses(client, case):
    for n in range(limits.MISSES_PER_IP.count):
        response = client.get(reverse("grievances_public:track", args=[f"ABCDEFGHJK{n:02d}"]))
        assert response.status_code == 404
        assert "没有找到这个查询码" in response.content.decode()
    # The right code from the same address now waits too: guessing cannot go on.
    blocked = track(client, case)
    assert blocked.status_code == 429
    assert "查询过于频繁" in blocked.content.decode()
    assert track(client, case, REMOTE_ADDR="10.9.9.9").status_code == 200


def test_the_poster_is_for_the_communitys_staff(client, world):
    url = reverse("grievances_public:poster", args=[world.community.pk])
    detail = world.community.get_absolute_url()
    client.force_login(world.alice)
    assert url in client.get(detail).content.decode()
    html = client.get(url).content.decode()
    start = "http://testserver" + reverse("grievances_public:start", args=[world.community.code])
    assert world.community.name in html and start in html and 'class="qr"' in html
    for stranger in (world.charlie, world.bob, world.rita):
        client.force_login(stranger)
        assert client.get(url).status_code == 404
    client.force_login(world.bob)
    assert url not in client.get(detail).content.decode()


def test_photos_are_served_only_to_those_who_may_see_the_case(client, world, case):
    photo = add_photo(case)
    url = reverse("grievances_public:photo", args=[photo.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(world.charlie)
    assert client.get(url).status_code == 404
    client.force_login(world.greg)  # grid worker of the other grid unit
    assert client.get(url).status_code == 404
    for allowed in (world.alice, world.gina):
        client.force_login(allowed)
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        assert url in client.get(case.get_absolute_url()).content.decode()  # shown on the case
    assert photo.image.url not in track(client, case).content.decode()
