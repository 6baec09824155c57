"""The household picker searches as you type: a worker finds the flat by building and room and
records a visit to it without scrolling through the community's households."""

from playwright.sync_api import expect

from residents.models import Visit
from tests.factories import PASSWORD, HouseholdFactory


def test_a_worker_finds_the_household_by_typing_and_records_the_visit(
    world, live_server, page, login
):
    for room in ("401", "402", "501"):
        HouseholdFactory(building=world.buildings[0], unit=2, room=room, number=f"户{room}")

    login(page, live_server, "alice", PASSWORD)
    page.goto(f"{live_server.url}/residents/visits/add/")
    picker = page.get_by_role("combobox", name="户")
    picker.fill("1-40")

    results = page.get_by_role("listbox", name="搜索结果").get_by_role("option")
    expect(results).to_have_text(["1号楼2单元401 · 户401", "1号楼2单元402 · 户402"])
    results.nth(1).click()
    expect(picker).to_have_value("1号楼2单元402 · 户402")
    page.get_by_label("走访情况").fill("了解用水情况")
    page.get_by_role("button", name="保存").click()

    expect(page.get_by_role("alert")).to_contain_text("已记录走访")
    assert Visit.objects.get(notes="了解用水情况").household.number == "户402"


def test_a_search_that_finds_nothing_says_how_to_search(world, live_server, page, login):
    login(page, live_server, "alice", PASSWORD)
    page.goto(f"{live_server.url}/residents/visits/add/")

    page.get_by_role("combobox", name="户").fill("乙社区")

    expect(page.get_by_text("没有找到，换个写法试试")).to_be_visible()
    expect(page.get_by_role("listbox", name="搜索结果")).to_be_hidden()
