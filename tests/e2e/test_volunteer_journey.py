"""On a 390-px phone: a volunteer signed in as a resident signs up for a full activity and is
waitlisted; when someone with a place leaves, 我的报名 offers it with a deadline; they confirm
it. On the day they check in with the code the organiser shows, staff check them out, approve
the hours, and the volunteer sees them approved."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.test_phone_journeys import small_targets
from tests.factories import PASSWORD, ActivityFactory
from volunteers.choices import RecordStatus, SignUpStatus
from volunteers.models import Activity, ServiceRecord, SignUp
from volunteers.services import sign_up, sign_up_cancel


def test_a_volunteer_is_waitlisted_confirms_a_freed_place_serves_and_sees_the_hours(
    world, live_server, phone, page, login, screenshot
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

    # The day comes: the activity began ten minutes ago. The organiser shows the QR code.
    now = timezone.now()
    Activity.objects.filter(pk=activity.pk).update(
        starts_at=now - datetime.timedelta(minutes=10), ends_at=now + datetime.timedelta(hours=3)
    )
    login(page, live_server, "alice", PASSWORD)
    page.goto(f"{live_server.url}{activity.get_absolute_url()}")
    page.get_by_role("link", name="签到二维码").click()
    expect(page.locator(".check-in-qr svg")).to_be_visible()
    code = page.locator("#check-in-code").inner_text()
    screenshot(page, "volunteer-check-in-code")

    # Rita's phone will not scan: 我的报名 leads her to the page to type the code.
    phone.goto(f"{live_server.url}/volunteers/sign-ups/mine/")
    phone.locator(".list-group-item", has_text="社区义诊志愿服务").get_by_role(
        "link", name="签到", exact=True
    ).click()
    phone.get_by_label("签到码").fill(code)
    phone.get_by_role("button", name="签到", exact=True).click()
    expect(phone.get_by_role("alert")).to_contain_text("签到成功")
    expect(phone.get_by_role("button", name="签退")).to_be_visible()
    assert small_targets(phone) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "volunteer-check-in-phone")

    # Two hours later she leaves without checking out; staff do it on the roster.
    SignUp.objects.filter(pk=mine.pk).update(checked_in_at=now - datetime.timedelta(hours=2))
    page.goto(f"{live_server.url}{activity.get_absolute_url()}")
    page.locator(f"#sign-up-{mine.pk}").get_by_role("button", name="签退").click()
    expect(page.get_by_role("alert")).to_contain_text("已签退，服务时长 2 小时，待审核认定。")
    expect(page.locator(f"#sign-up-{mine.pk}")).to_contain_text("2 小时（待审核）")

    # The organiser approves her hours on the records page.
    record = ServiceRecord.objects.get(sign_up=mine)
    page.goto(f"{live_server.url}/volunteers/records/")
    page.locator(f'input[name="record"][value="{record.pk}"]').check()
    page.get_by_role("button", name="认定所选").click()
    expect(page.get_by_role("alert")).to_contain_text("已认定 1 条服务记录。")
    record.refresh_from_db()
    assert record.status == RecordStatus.APPROVED

    phone.goto(f"{live_server.url}/volunteers/hours/mine/")
    served = phone.locator(".list-group-item", has_text="社区义诊志愿服务")
    expect(served).to_contain_text("2 小时")
    expect(served).to_contain_text(str(RecordStatus.APPROVED.label))
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
