"""A grid worker types a whole ID number into the list's search box: the browser never sends it
in a URL (not while typing, not on Enter), the POST lookup finds the resident, and it is logged."""

from playwright.sync_api import expect

from shequ.models import AccessLog
from tests.factories import PASSWORD


def test_a_whole_number_in_the_search_box_goes_by_post_and_never_in_a_url(
    world, live_server, page, login
):
    target = world.residents[0]
    login(page, live_server, "gina", PASSWORD)
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    page.goto(f"{live_server.url}/residents/")

    box = page.get_by_label("搜索")
    box.press_sequentially(target.id_number, delay=20)
    page.wait_for_timeout(600)  # longer than the box's 400 ms delay: a GET would have gone
    box.press("Enter")
    table = page.locator("#object-table")
    expect(table).to_contain_text("按完整号码查找到 1 人")
    expect(table).to_contain_text(target.name)
    expect(table).not_to_contain_text(world.residents[1].name)
    expect(box).to_have_value("")

    assert not [url for url in urls if target.id_number[:5] in url or target.id_number[-5:] in url]
    assert target.id_number[-5:] not in page.url
    assert AccessLog.objects.filter(user=world.gina, action=AccessLog.SEARCH_BY_NUMBER).count() == 1

    box.press_sequentially("王", delay=20)  # names still filter in place, by GET
    expect(table).to_contain_text(world.residents[1].name)
    expect(table).not_to_contain_text(target.name)
