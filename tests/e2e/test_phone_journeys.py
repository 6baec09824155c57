"""A grid worker on a 390-px phone: the due visits, a visit recorded, back to the list; every
control on the way is big enough for a finger."""

import datetime
import re

from playwright.sync_api import expect

from residents.models import ResidentTag, Visit
from tests.conftest import SECRET
from tests.factories import PASSWORD, HouseholdFactory, ResidentFactory

TAP = 44  # px, WCAG 2.5.5


# What a finger taps: a checkbox is tapped through its label, which must be big enough.
TARGETS = ", ".join([
    "a[href]", "button", "select", ".page-link", "label:has(> input)", ".form-check",
    "input:not([type=hidden], [type=checkbox], [type=radio])",
])  # fmt: skip


def small_targets(page) -> list[str]:
    """Every visible control shorter than a fingertip."""
    return page.evaluate(
        """([selector, tap]) => Array.from(document.querySelectorAll(selector))
            .filter((el) => el.getClientRects().length)
            .filter((el) => getComputedStyle(el).visibility !== "hidden")
            .map((el) => [el, el.getBoundingClientRect()])
            .filter(([el, box]) => box.height < tap)
            .map(([el, box]) => `${el.outerHTML.slice(0, 80)} ${Math.round(box.height)}px`)""",
        [TARGETS, TAP],
    )


def test_a_grid_worker_records_a_due_visit_on_a_phone_and_is_back_on_the_list(
    world, live_server, phone, login
):
    elderly = ResidentTag.objects.get(code="elderly_alone")
    # Another due person in gina's grid, never visited, so the list is not empty afterwards.
    neighbour = HouseholdFactory(building=world.buildings[0], unit=2, room="601")
    ResidentFactory(household=neighbour, full_name=f"赵{SECRET}", tags=[elderly],
                    birth_date=datetime.date(1940, 2, 2))  # fmt: skip
    due_person = world.residents[1]  # 王, tagged, last visited in January

    login(phone, live_server, "gina", PASSWORD)
    phone.get_by_role("button", name="展开导航").click()
    phone.get_by_role("button", name="网格工作").click()
    phone.get_by_role("link", name="待走访", exact=True).click()

    expect(phone.get_by_role("heading", name="待走访")).to_be_visible()
    items = phone.locator(".list-group-item")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text(due_person.name)
    expect(items.nth(1)).to_contain_text(f"赵{SECRET}")
    assert small_targets(phone) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll

    items.nth(0).get_by_role("link", name="记录走访").click()
    expect(phone.get_by_role("heading", name="记录走访")).to_be_visible()
    phone.get_by_label(due_person.name).check()
    phone.get_by_label("走访情况").fill("上门看望，身体尚好")
    assert small_targets(phone) == []
    phone.get_by_role("button", name="保存").click()

    expect(phone).to_have_url(f"{live_server.url}/residents/visits/due/")
    expect(phone.get_by_role("alert")).to_contain_text("已记录走访")
    expect(phone.locator(".list-group-item")).to_have_count(1)
    expect(phone.locator(".list-group")).not_to_contain_text(due_person.name)
    expect(phone.locator(".list-group")).to_contain_text(f"赵{SECRET}")
    visit = Visit.objects.get(notes="上门看望，身体尚好")
    assert visit.household == due_person.household and visit.visitor == world.gina
    assert list(visit.residents.all()) == [due_person]


def test_on_a_phone_the_filters_fold_away_behind_one_button(world, live_server, phone, login):
    login(phone, live_server, "alice", PASSWORD)
    phone.goto(f"{live_server.url}/residents/")

    search = phone.get_by_label("搜索")
    expect(search).to_be_hidden()
    assert small_targets(phone) == []
    phone.get_by_role("button", name="筛选").click()
    expect(search).to_be_visible()
    search.fill(f"王{SECRET}")
    table = phone.locator("#object-table")
    expect(table).not_to_contain_text(f"张{SECRET}")
    expect(table).to_contain_text(f"王{SECRET}")

    # Sorting by a header keeps the search; the filters come back open, with their count.
    table.get_by_role("link", name="年龄").click()
    expect(phone).to_have_url(re.compile(r"\?q=%E7%8E%8B%E7%94%B2%E6%9C%BA%E5%AF%86&.*&sort=age$"))
    phone.reload()
    expect(phone.get_by_label("搜索")).to_be_visible()
    expect(phone.get_by_role("button", name="筛选 1")).to_be_visible()
    expect(table.locator("th[aria-sort=ascending]")).to_have_text("年龄▲")

    # A filter changed after sorting keeps the sort (the table told the form, out of band).
    phone.get_by_label("网格").select_option(label=f"{SECRET}第1网格")
    expect(phone).to_have_url(re.compile(r"grid_unit=\d+.*&sort=age$"))
    expect(table.locator("th[aria-sort=ascending]")).to_have_text("年龄▲")


def test_every_page_a_grid_worker_opens_on_a_phone_has_finger_sized_controls(
    world, live_server, phone, login
):
    login(phone, live_server, "gina", PASSWORD)
    resident, household, building = world.residents[0], world.households[0], world.buildings[0]
    pages = ["/", "/residents/", "/residents/households/", "/residents/buildings/",
             "/residents/grid-units/", "/residents/visits/due/", "/residents/field-log/",
             "/residents/field-log/add/", f"/residents/visits/add/?household={household.pk}",
             resident.get_absolute_url(), household.get_absolute_url(),
             building.get_absolute_url()]  # fmt: skip
    for path in pages:
        phone.goto(f"{live_server.url}{path}")
        assert small_targets(phone) == [], path
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390, path
