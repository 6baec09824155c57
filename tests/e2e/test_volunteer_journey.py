"""On a 390-px phone: a volunteer signed in as a resident signs up for a full activity and is
waitlisted; when someone with a place leaves, 我的报名 offers it with a deadline; they confirm
it."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.test_phone_journeys import small_targets
from tests.factories import PASSWORD, ActivityFactory
from volunteers.choices import SignUpStatus
from volunteers.models import SignUp
from volunteers.services import sign_up, sign_up_cancel


def test_a_volunteer_is_waitlisted_offered_a_freed_place_and_confirms_it(
    world, live_server, phone, login, screenshot
):
    starts = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    starts += datetime.timedelta(days=5)
    activity = ActivityFactory(community=world.community, title="社区义诊志愿服务", capacity=1,
                               starts_at=starts, ends_at=starts + datetime.timedelta(hours=3),
                               address="社区卫生服务站")  # fmt: skip
    held = sign_up(activity, world.volunteers[0], world.alice)

    login(phone, live_server, "rita", PASSWORD)
    phone.goto(f"{live_server.url}/volunteers/activities/calendar/")
    row = phone.get_by_role("link", name="社区义诊志愿服务")
    expect(row).to_contain_text("已满，可报名候补")
    assert world.residents[0].name not in phone.content()  # 张, who holds the place
    row.click()
    phone.get_by_role("button", name="报名候补").click()
    expect(phone.get_by_role("alert")).to_contain_text("名额已满，已为您登记候补")
    expect(phone.locator("#my-sign-up")).to_contain_text("候补第 1 位")
    assert small_targets(phone) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    # The one with the place cannot come: staff cancel for them, and rita is offered it.
    sign_up_cancel(held, world.alice)
    phone.goto(f"{live_server.url}/volunteers/sign-ups/mine/")
    item = phone.locator(".list-group-item", has_text="社区义诊志愿服务")
    expect(item).to_contain_text("递补待确认")
    expect(item).to_contain_text("前确认")
    assert small_targets(phone) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "volunteer-offer-phone")
    item.get_by_role("button", name="确认参加").click()

    expect(phone.get_by_role("alert")).to_contain_text("已确认参加“社区义诊志愿服务”")
    item = phone.locator(".list-group-item", has_text="社区义诊志愿服务")
    expect(item).to_contain_text("已报名")
    expect(item.get_by_role("button", name="确认参加")).to_have_count(0)
    mine = SignUp.objects.get(activity=activity, volunteer=world.volunteers[1])
    assert mine.status == SignUpStatus.CONFIRMED
