"""Printing a list gives the rows on A4: no navigation, filters, buttons or pagination, and every
column, including those a narrow screen hides."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

# The printable width of A4 at 96 px per inch, less the stylesheet's 10 mm margins each side.
A4 = {"landscape": 277 * 96 / 25.4, "portrait": 190 * 96 / 25.4}


@pytest.mark.parametrize("orientation", ["landscape", "portrait"])
def test_a_printed_resident_list_shows_every_column_and_no_furniture(
    world, live_server, page, login, orientation
):
    login(page, live_server, "alice", PASSWORD)
    page.set_viewport_size({"width": int(A4[orientation]), "height": 1000})
    page.goto(f"{live_server.url}/residents/?sort=-age")
    page.emulate_media(media="print")

    headers = page.locator("#object-table thead th")
    # The sorted column keeps its arrow, so the paper says in which order it lists.
    expect(headers).to_have_text(
        ["姓名", "性别", "年龄▼", "住址", "证件号码", "手机号码", "重点人群"]
    )
    for n in range(7):
        expect(headers.nth(n)).to_be_visible()
    expect(page.locator("#object-table tbody tr").first.locator("td")).to_have_count(7)
    for furniture in (page.locator("nav.navbar"), page.locator("#list-filters"),
                      page.get_by_role("link", name="导出", exact=True)):  # fmt: skip
        expect(furniture).to_be_hidden()
    table_width = page.locator("#object-table table").evaluate("t => t.scrollWidth")
    assert table_width <= A4[orientation]
    assert page.pdf(format="A4", landscape=orientation == "landscape").startswith(b"%PDF")
