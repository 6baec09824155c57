"""A resident without an account submits a grievance on the community's public page and keeps a
receipt; bots and floods are turned away."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from grievances.choices import Channel
from grievances.models import Category, Grievance, Photo
from grievances.public import limits
from tests.factories import png_bytes


@pytest.fixture
def start_url(world) -> str:
    return reverse("grievances_public:start", args=[world.community.code])


@pytest.fixture
def submit_url(world) -> str:
    return reverse("grievances_public:submit", args=[world.community.code, "property-elevator"])


def form_data(**changes) -> dict:
    data = {
        "kind": "help",
        "title": "3号楼电梯停运",
        "description": "早上八点起电梯一直停在五楼。",
        "address": "3号楼",
        "contact_name": "孙大妈",
        "contact_phone": "138 0013 8000",
        "website": "",
    }
    return {**data, **changes}


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 17.0)})
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_the_poster_address_lists_the_active_categories_as_links(client, world, start_url):
    Category.objects.filter(code="order-noise").update(active=False)
    html = client.get(start_url).content.decode()
    assert "电梯故障" in html
    elevator = reverse("grievances_public:submit", args=[world.community.code, "property-elevator"])
    assert elevator in html
    assert "噪声扰民" not in html
    assert client.get("/g/999999999999/").status_code == 404


def test_it_registers_a_case_without_an_account_and_shows_the_receipt(client, world, submit_url):
    before = Grievance.objects.filter(community=world.community).count()
    response = client.post(submit_url, form_data(building=world.buildings[1].pk))

    case = Grievance.objects.filter(community=world.community).latest("pk")
    assert Grievance.objects.filter(community=world.community).count() == before + 1
    assert response.status_code == 302
    assert response.url == reverse("grievances_public:receipt", args=[case.tracking_code])
    assert case.channel == Channel.ONLINE
    assert case.registered_by is None and case.submitted_by is None
    assert case.category.code == "property-elevator"
    assert case.building == world.buildings[1] and case.grid_unit == world.grid_units[1]
    assert case.contact_phone == "13800138000"
    assert case.events.get().public

    receipt = client.get(response.url).content.decode()
    assert case.register_number in receipt
    grouped = "-".join(re.findall(".{4}", case.tracking_code))
    assert grouped in receipt
    assert "孙大妈" not in receipt and "13800138000" not in receipt


def test_the_receipts_qr_code_is_an_svg_that_opens_the_tracking_page(client, world, submit_url):
    response = client.post(submit_url, form_data(), follow=True)
    case = Grievance.objects.latest("pk")
    html = response.content.decode()
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    track_url = "http://testserver" + reverse("grievances_public:track", args=[case.tracking_code])
    assert 'class="qr"' in svg and "<path" in svg
    assert track_url in html

    # Read back from the SVG's path, its dark modules are those of the QR code of that URL.
    import segno

    expected = segno.make(track_url, error="m", micro=False)
    assert svg_modules(svg) == {
        (x, y) for y, row in enumerate(expected.matrix) for x, dark in enumerate(row) if dark
    }


def svg_modules(svg: str) -> set[tuple[int, int]]:
    """The dark modules of segno's SVG path (M/m moves and h runs at each row's middle), in
    module units without the border."""
    scale = int(re.search(r'transform="scale\((\d+)\)"', svg).group(1))
    path = re.search(r' d="([^"]+)"', svg).group(1)
    x = y = 0.0
    dark = set()
    for command, args in re.findall(r"([Mmh])([-\d. ]+)", path):
        numbers = [float(n) for n in args.split()]
        if command == "M":
            x, y = numbers
        elif command == "m":
            x, y = x + numbers[0], y + numbers[1]
        else:
            dark |= {(int(x) + i, int(y)) for i in range(int(numbers[0]))}
            x += numbers[0]
    border = 2
    assert scale == 4
    return {(mx - border, my - border) for mx, my in dark}


def test_a_signed_in_resident_is_recorded_as_the_submitter(client, world, submit_url):
    client.force_login(world.rita)
    client.post(submit_url, form_data())
    assert Grievance.objects.latest("pk").submitted_by == world.rita


def test_the_categorys_questions_are_fields_and_their_answers_are_kept(client, world):
    Category.objects.filter(code="property-leak").update(questions=[
        {"code": "floor", "label": "漏水楼层", "datatype": "number", "required": True},
        {"code": "where", "label": "漏水位置", "datatype": "singlevaluelist",
         "values": [{"key": "roof", "name": "屋顶"}, {"key": "pipe", "name": "水管"}]},
    ])  # fmt: skip
    url = reverse("grievances_public:submit", args=[world.community.code, "property-leak"])
    html = client.get(url).content.decode()
    assert "漏水楼层" in html and "屋顶" in html

    refused = client.post(url, form_data(q_floor="五楼"))
    assert refused.status_code == 200
    assert "输入一个数字。" in refused.content.decode()
    client.post(url, form_data(q_floor="5", q_where="pipe"))
    assert Grievance.objects.latest("pk").answers == {"floor": "5", "where": "pipe"}


def test_bad_input_is_refused_in_chinese_in_place(client, world, submit_url):
    response = client.post(submit_url, form_data(address="", contact_phone="12345", kind="x"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "请选择楼栋或填写地点。" in html
    assert "请输入 11 位中国大陆手机号码" in html
    assert "选择一个有效的选项" in html
    assert client.post(submit_url, form_data(building=999999)).status_code == 200
    assert not Grievance.objects.filter(title="3号楼电梯停运").exists()


def test_an_inactive_or_unknown_category_sends_the_resident_back_to_choose(client, world):
    Category.objects.filter(code="property-elevator").update(active=False)
    for code in ("property-elevator", "no-such-thing"):
        url = reverse("grievances_public:submit", args=[world.community.code, code])
        response = client.post(url, form_data())
        assert response.status_code == 404
        assert "这个类别已停用或不存在，请重新选择。" in response.content.decode()
    assert not Grievance.objects.filter(title="3号楼电梯停运").exists()


def test_photos_are_stored_without_exif_or_gps(client, world, submit_url):
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the GPS is really there
    photos = [SimpleUploadedFile("IMG_20260101_北京.jpg", original, "image/jpeg"),
              SimpleUploadedFile("b.png", png_bytes(), "image/png")]  # fmt: skip
    client.post(submit_url, {**form_data(), "photos": photos})

    case = Grievance.objects.latest("pk")
    stored = list(case.photos.all())
    assert len(stored) == 2
    with stored[0].image.open("rb") as handle:
        content = handle.read()
    picture = Image.open(io.BytesIO(content))
    assert picture.format == "JPEG" and picture.size == (40, 30)
    assert not picture.getexif()
    assert b"Exif" not in content and b"PhoneMaker" not in content
    assert "北京" not in stored[0].image.name and stored[0].image.name.endswith(".jpg")
    assert stored[1].image.name.endswith(".png")


def test_photos_of_another_type_too_big_or_too_many_are_refused_in_chinese(client, world,
                                                                          submit_url):  # fmt: skip
    cases = [
        ([SimpleUploadedFile("a.gif", b"GIF89a" + b"\0" * 40, "image/gif")], "无法识别"),
        ([SimpleUploadedFile("名单.xlsx", b"PK\3\4 not a picture", "image/png")], "无法识别"),
        ([SimpleUploadedFile("big.jpg", b"\xff" * (10 * 1024 * 1024 + 1), "image/jpeg")],
         "超过 10 MB"),
        ([SimpleUploadedFile(f"{n}.png", png_bytes(), "image/png") for n in range(4)],
         "最多上传 3 张照片。"),
    ]  # fmt: skip
    gif = io.BytesIO()
    Image.new("RGB", (4, 4)).save(gif, format="GIF")
    cases.append(([SimpleUploadedFile("real.gif", gif.getvalue(), "image/gif")],
                  "不是 JPEG、PNG 或 WebP 图片"))  # fmt: skip
    for photos, message in cases:
        response = client.post(submit_url, {**form_data(), "photos": photos})
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not Photo.objects.filter(grievance__title="3号楼电梯停运").exists()
    assert not Grievance.objects.filter(title="3号楼电梯停运").exists()


def test_the_honeypot_thanks_a_bot_and_registers_nothing(client, world, submit_url):
    response = client.post(submit_url, form_data(website="http://spam.example"))
    assert response.status_code == 200
    assert "谢谢您的反映。" in response.content.decode()
    assert not Grievance.objects.filter(title="3号楼电梯停运").exists()


def test_one_address_may_submit_five_times_an_hour(client, world, submit_url):
    for n in range(limits.SUBMISSIONS_PER_IP.count):
        phone = f"1380013800{n}"
        assert client.post(submit_url, form_data(contact_phone=phone)).status_code == 302
    response = client.post(submit_url, form_data(contact_phone="13900139000"))
    assert response.status_code == 429
    assert "提交过于频繁" in response.content.decode()
    assert Grievance.objects.filter(title="3号楼电梯停运").count() == 5
    # Another address is not held up.
    other = client.post(submit_url, form_data(), REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 302


def test_one_phone_number_may_submit_three_times_a_day(client, world, submit_url):
    for n in range(limits.SUBMISSIONS_PER_PHONE.count):
        response = client.post(submit_url, form_data(), REMOTE_ADDR=f"10.0.0.{n + 1}")
        assert response.status_code == 302
    response = client.post(submit_url, form_data(contact_phone="+86 138-0013-8000"),
                           REMOTE_ADDR="10.0.0.99")  # fmt: skip
    assert response.status_code == 429
    assert "这个手机号码今天已提交多次" in response.content.decode()
    assert Grievance.objects.filter(title="3号楼电梯停运").count() == 3


def test_a_browser_set_to_english_still_gets_every_message_in_chinese(client, world, submit_url):
    refused = client.post(submit_url, {}, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-hans"' in refused
    assert "This field is required" not in refused and "这个字段是必填项。" in refused


def test_the_form_works_in_traditional_chinese(client, world, submit_url):
    client.post(reverse("set_language"), {"language": "zh-hant", "next": submit_url})
    html = client.get(submit_url).content.decode()
    assert 'lang="zh-hant"' in html
    assert "反映訴求" in html and "具體情況" in html and "手機號碼" in html
    assert "简体中文" in html  # the way back
    # The office's names too: the category and the community, kept in simplified characters.
    assert "電梯故障" in html and "电梯故障" not in html
    assert "甲機密社區" in html
    refused = client.post(submit_url, form_data(address="")).content.decode()
    assert "請選擇樓棟或填寫地點。" in refused


def test_the_page_fits_a_phone_and_needs_no_script(client, world, submit_url):
    html = client.get(submit_url).content.decode()
    assert 'name="viewport"' in html
    assert "<script" not in html
    assert 'enctype="multipart/form-data"' in html
