"""A resident with no account, on a 360-px phone with JavaScript off, submits a grievance from
the community's poster address and follows it by the code on the receipt."""

import re

from playwright.sync_api import expect

from grievances import services
from grievances.models import Grievance
from tests.factories import png_bytes

WIDTH = 360


def test_a_resident_submits_on_a_phone_and_follows_the_case_by_its_code(browser, world,
                                                                         live_server):  # fmt: skip
    context = browser.new_context(
        locale="zh-CN", viewport={"width": WIDTH, "height": 740}, is_mobile=True, has_touch=True,
        java_script_enabled=False,
    )  # fmt: skip
    phone = context.new_page()
    try:
        phone.goto(f"{live_server.url}/g/{world.community.code}/")
        expect(phone.get_by_role("heading", name="您想反映哪方面的事？")).to_be_visible()
        phone.get_by_role("link", name="电梯故障").click()

        phone.get_by_label("性质").select_option(label="求助")
        phone.get_by_label("事由").fill("1号楼电梯停运")
        phone.get_by_label("具体情况").fill("早上起电梯停在五楼，老人下不了楼。")
        phone.get_by_label("楼栋").select_option(label="1号楼")
        phone.get_by_label("您的称呼").fill("孙大妈")
        phone.get_by_label("手机号码").fill("13800138000")
        phone.get_by_label("照片").set_input_files(
            {"name": "elevator.png", "mimeType": "image/png", "buffer": png_bytes()}
        )
        assert phone.evaluate("document.documentElement.scrollWidth") <= WIDTH
        phone.get_by_role("button", name="提交").click()

        expect(phone.get_by_role("heading", name="已登记，这是您的回执")).to_be_visible()
        case = Grievance.objects.get(title="1号楼电梯停运")
        assert case.photos.count() == 1 and case.submitted_by is None
        expect(phone.locator(".tracking-code")).to_have_text(
            re.compile("-".join(re.findall(".{4}", case.tracking_code)))
        )
        expect(phone.locator("svg.qr")).to_be_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= WIDTH

        # Later, from the lookup page, typing the code as it is printed, in lower case.
        services.grievance_accept(grievance=case, by=world.alice)
        services.grievance_reply(grievance=case, by=world.alice, reply="电梯已修好。")
        phone.goto(f"{live_server.url}/g/track/")
        printed = phone.locator("body").inner_text()
        assert "孙大妈" not in printed
        phone.get_by_label("查询码").fill("-".join(re.findall(".{4}", case.tracking_code)).lower())
        phone.get_by_role("button", name="查询").click()

        expect(phone.locator(".case-state")).to_have_text("已答复")
        expect(phone.locator(".case-reply")).to_have_text("电梯已修好。")
        page_text = phone.locator("body").inner_text()
        assert "孙大妈" not in page_text and "13800138000" not in page_text
        assert "爱丽丝" not in page_text
        phone.get_by_label("非常满意").check()
        phone.get_by_role("button", name="提交评价").click()
        expect(phone.get_by_role("status")).to_contain_text("谢谢您的评价。")
        case.refresh_from_db()
        assert case.rating == 5
        assert phone.evaluate("document.documentElement.scrollWidth") <= WIDTH
    finally:
        context.close()
