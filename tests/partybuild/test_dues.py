"""党费: what the rules ask, the month's rows made once, payments recorded once, the arrears, the
treasurer's workbook, and who may see whose dues."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from partybuild.dues.services import dues_generate
from partybuild.metrics import party_dues_on_time
from partybuild.models import DuesBasis, DuesMonth
from partybuild.models.dues import DuesCategory, suggested_amount
from partybuild.services import member_transfer_out
from partybuild.tasks import dues_open_month
from shequ.metrics import Period
from tests.factories import ResidentFactory, add_party_member, set_dues

THIS_MONTH = Period.of(timezone.localdate())
LAST_MONTH = THIS_MONTH.previous
TWO_AGO = LAST_MONTH.previous


def sheet_url(node, month: Period = THIS_MONTH) -> str:
    return f"{reverse('partybuild:dues_sheet', args=[node.pk])}?month={month}"


@pytest.mark.parametrize(
    ("category", "base", "due"),
    [
        (DuesCategory.EMPLOYED, "2999.99", "15.00"),  # 14.99995: halves round up to the fen
        (DuesCategory.EMPLOYED, "3000", "15.00"),
        (DuesCategory.EMPLOYED, "3000.01", "30.00"),
        (DuesCategory.EMPLOYED, "5000", "50.00"),
        (DuesCategory.EMPLOYED, "5000.01", "75.00"),
        (DuesCategory.EMPLOYED, "10000", "150.00"),
        (DuesCategory.EMPLOYED, "10000.01", "200.00"),
        (DuesCategory.EMPLOYED, "12345.67", "246.91"),
        (DuesCategory.RETIRED, "5000", "25.00"),
        (DuesCategory.RETIRED, "5000.01", "50.00"),
        (DuesCategory.MINIMAL, None, "0.20"),
    ],
)
def test_the_rule_suggests_the_2008_bands_to_the_fen(category, base, due):
    amount = suggested_amount(category, None if base is None else Decimal(base))
    assert isinstance(amount, Decimal)
    assert str(amount) == due


def test_the_branch_sets_a_basis_and_overrides_the_rule_only_with_a_reason(client, world):
    zhang = world.party_members[0]
    url = reverse("partybuild:member_dues", args=[zhang.pk])
    client.force_login(world.peggy)
    month = f"{THIS_MONTH}"

    # An employed member on 8,000 a month: the rule's 1.5 %, exact.
    response = client.post(url, {"effective_from": month, "category": "employed", "base": "8000"})
    assert response.status_code == 302
    basis = zhang.dues_bases.get(effective_from=THIS_MONTH.first)
    assert (basis.rate, basis.amount) == (Decimal("1.50"), Decimal("120.00"))
    assert zhang.dues_months.get(month=THIS_MONTH.first).amount_due == Decimal("120.00")

    # A fixed amount other than the rule's, without a reason: refused in place, nothing saved.
    later = f"{THIS_MONTH.following}"
    data = {"effective_from": later, "category": "employed", "base": "8000", "fixed_amount": "50"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "不按规定标准（120.00 元）交纳时，请写明原因。" in response.content.decode()
    assert not zhang.dues_bases.filter(effective_from=THIS_MONTH.following.first).exists()

    response = client.post(url, {**data, "note": "支部大会讨论同意，收入不稳定"})
    assert response.status_code == 302
    assert zhang.dues_bases.get(effective_from=THIS_MONTH.following.first).amount == Decimal("50")

    # Junk and a second basis for the same month: Chinese messages, no 500.
    for bad in (
        {"base": "-1"}, {"base": "三千"}, {"effective_from": "2026-13"}, {},
        {"base": "99999999.99", "rate": "100.5"}, {"base": "123456789012"},
    ):  # fmt: skip
        response = client.post(url, {"effective_from": month, "category": "employed", **bad})
        assert response.status_code == 200
        assert response.context["form"].errors
    response = client.post(url, {"effective_from": month, "category": "retired", "base": "1"})
    assert "这个月份已有党费核定" in response.content.decode()


def test_a_months_rows_are_made_once_however_often_they_are_made(world, other_scopes):
    before = sorted(DuesMonth.objects.values_list("member", "month", "amount_due"))
    assert len(before) == 9  # three months each of 张, 李 and charlie's member
    assert dues_generate(THIS_MONTH.first) == (0, 0)
    assert dues_open_month() == 0
    assert sorted(DuesMonth.objects.values_list("member", "month", "amount_due")) == before

    # Rows lost (the beat did not run): the task and the sheet make them again, once.
    DuesMonth.objects.filter(month=THIS_MONTH.first).delete()
    assert dues_open_month() == 3
    assert dues_open_month() == 0
    assert sorted(DuesMonth.objects.values_list("member", "month", "amount_due")) == before


def test_a_transfer_out_ends_what_is_owed_after_its_month(world):
    zhang = world.party_members[0]
    member_transfer_out(
        zhang, world.peggy, day=LAST_MONTH.first + datetime.timedelta(days=9),
        counterpart="某街道党工委",
    )  # fmt: skip
    months = set(zhang.dues_months.values_list("month", flat=True))
    # The month of the transfer is owed; this month, made before the transfer, no longer is.
    assert months == {TWO_AGO.first, LAST_MONTH.first}
    assert dues_generate(THIS_MONTH.first) == (0, 0)
    assert not zhang.dues_months.filter(month=THIS_MONTH.first).exists()
    # Paid months are never deleted, whatever happens to the file.
    paid = zhang.dues_months.get(month=TWO_AGO.first)
    with pytest.raises(DatabaseError, match="never deleted"), transaction.atomic():
        paid.delete()


def test_the_treasurer_records_payments_once_single_and_bulk(client, world, other_scopes):
    zhang, li = world.party_members
    branch2 = world.party_organizations[3]
    committee = world.party_organizations[0]
    client.force_login(world.peggy)
    today = f"{timezone.localdate():%Y-%m-%d}"
    li_row = li.dues_months.get(month=THIS_MONTH.first)

    response = client.post(sheet_url(branch2), {"paid_on": today, "rows": [li_row.pk]})
    assert response.status_code == 302
    li_row.refresh_from_db()
    assert (li_row.amount_paid, li_row.paid_on, li_row.recorded_by) == (
        Decimal("0.20"), timezone.localdate(), world.peggy,
    )  # fmt: skip
    history = li_row.history.count()
    # The same tick sent again (a double tap) records nothing more.
    response = client.post(sheet_url(branch2), {"paid_on": today, "rows": [li_row.pk]}, follow=True)
    assert "没有改动" in response.content.decode()
    assert li_row.history.count() == history

    # Wrong input: a message in Chinese on the sheet, nothing recorded.
    other_row = DuesMonth.objects.get(
        member__community=world.other_community, month=THIS_MONTH.first
    )
    for data, message in [
        ({"paid_on": "2026-02-30", "rows": [li_row.pk]}, "日期"),
        ({"paid_on": "2999-01-01", "everything": "on"}, "不能晚于今天"),
        ({"paid_on": today}, "请勾选已交党费的党员"),
        ({"paid_on": today, "rows": [other_row.pk]}, "勾选的党员不在本页"),
        ({"paid_on": today, "rows": ["x"]}, "勾选的党员不在本页"),
        ({"paid_on": "1990-01-01", "everything": "on"}, "不能早于所交月份一年以上"),
    ]:
        response = client.post(sheet_url(committee), data)
        assert response.status_code == 200, data
        assert message in response.content.decode(), data
    assert not DuesMonth.objects.filter(pk=other_row.pk, paid_on__isnull=False).exists()
    assert zhang.dues_months.unpaid().count() == 2

    # "All shown as paid": this month's unpaid rows of the committee's branches, nothing else.
    response = client.post(sheet_url(committee), {"paid_on": today, "everything": "on"})
    assert response.status_code == 302
    assert set(DuesMonth.objects.unpaid().values_list("member", "month")) == {
        (zhang.pk, LAST_MONTH.first), (li.pk, TWO_AGO.first), (li.pk, LAST_MONTH.first),
        (other_row.member_id, TWO_AGO.first), (other_row.member_id, LAST_MONTH.first),
        (other_row.member_id, THIS_MONTH.first),
    }  # fmt: skip
    response = client.get(sheet_url(committee))
    assert "本页全部标记为已交" not in response.content.decode()


def test_a_paid_month_is_corrected_with_its_reason_kept(client, world):
    zhang = world.party_members[0]
    paid = zhang.dues_months.get(month=TWO_AGO.first)
    client.force_login(world.peggy)
    url = reverse("partybuild:duesmonth_edit", args=[paid.pk])
    data = {"amount_paid": "20.00", "paid_on": "", "note": ""}
    response = client.post(url, {**data, "reason": "错登"})
    assert "已交的月份须同时填写实交金额和交纳日期。" in response.content.decode()
    response = client.post(url, {"amount_paid": "", "paid_on": "", "reason": "登记错了人"})
    assert response.status_code == 302
    paid.refresh_from_db()
    assert not paid.paid
    assert paid.history.first().history_change_reason == "登记错了人"
    assert paid.history.filter(paid_on=TWO_AGO.first).exists()


def test_the_arrears_list_puts_the_longest_owing_first(client, world):
    client.force_login(world.peggy)
    response = client.get(reverse("partybuild:dues_arrears"))
    assert response.status_code == 200
    rows = [(m.resident.name, m.arrears_since, m.arrears_months, m.arrears_amount)
            for m in response.context["object_list"]]  # fmt: skip
    zhang, li = world.party_members
    assert rows == [
        (li.name, TWO_AGO.first, 3, Decimal("0.60")),
        (zhang.name, LAST_MONTH.first, 2, Decimal("40.00")),
    ]
    page = response.content.decode()
    assert page.index(li.name) < page.index(zhang.name)
    assert "40.00" in page


def test_the_summary_and_the_index_count_each_member_month_once(client, world):
    client.force_login(world.peggy)
    committee, branch1, group, branch2 = world.party_organizations
    url = reverse("partybuild:dues_summary", args=[committee.pk])
    response = client.get(url, {"year": str(TWO_AGO.first.year)})
    month = dict(response.context["rows"])[TWO_AGO.first]
    # 张 paid 20.00 in the month, 李 owes 0.20.
    assert {key: month[key] for key in ("members", "due", "paid", "outstanding", "rate")} == {
        "members": 2, "due": Decimal("20.20"), "paid": Decimal("20.00"),
        "outstanding": Decimal("0.20"), "rate": Decimal("50.0"),
    }  # fmt: skip
    response = client.get(reverse("partybuild:dues"), {"month": str(TWO_AGO)})
    rows = {node: figures for _depth, node, figures in response.context["rows"]}
    # The group's month counts in its branch and in the committee above it.
    assert [rows[node]["members"] for node in world.party_organizations] == [2, 1, 1, 1]
    assert rows[committee]["on_time"] == rows[branch1]["on_time"] == rows[group]["on_time"] == 1
    assert rows[branch2]["outstanding"] == Decimal("0.20")


def test_the_years_workbook_holds_what_the_sheet_shows(client, world):
    client.force_login(world.peggy)
    committee = world.party_organizations[0]
    year = TWO_AGO.first.year
    response = client.get(
        reverse("partybuild:dues_export", args=[committee.pk]), {"year": str(year)}
    )
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    ledger, detail = workbook.worksheets
    header = [cell.value for cell in ledger[2]]
    lines = {row[0]: row for row in ledger.iter_rows(min_row=3, values_only=True)}
    zhang, li = world.party_members
    paid_column = header.index(f"{TWO_AGO.first.month}月")
    months = sum(1 for p in (TWO_AGO, LAST_MONTH, THIS_MONTH) if p.first.year == year)
    assert lines[zhang.name][paid_column] == 20
    assert lines[zhang.name][-3:] == (20 * months, 20, 20 * (months - 1))
    assert lines[li.name][paid_column] is None
    assert Decimal(str(lines[li.name][-1])) == Decimal("0.20") * months
    details = list(detail.iter_rows(min_row=2, values_only=True))
    assert len(details) == 2 * months
    assert (f"{TWO_AGO}", zhang.name) == details[0][:2]
    assert details[0][6] == "是"


def test_the_metric_counts_months_paid_within_their_month(world, other_scopes):
    zhang = world.party_members[0]
    late = zhang.dues_months.get(month=LAST_MONTH.first)
    late.paid_on, late.amount_paid = timezone.localdate(), late.amount_due
    late.save()
    assert party_dues_on_time(TWO_AGO) == {
        world.community.pk: (1, 2),
        world.other_community.pk: (0, 1),
    }
    assert party_dues_on_time(LAST_MONTH)[world.community.pk] == (0, 2)


def test_only_the_communitys_party_workers_and_staff_see_names(client, world, other_scopes):
    zhang, li = world.party_members
    committee = world.party_organizations[0]
    pages = [
        reverse("partybuild:dues"),
        sheet_url(committee),
        reverse("partybuild:dues_summary", args=[committee.pk]),
        reverse("partybuild:dues_export", args=[committee.pk]),
        reverse("partybuild:dues_arrears"),
        reverse("partybuild:member_dues", args=[zhang.pk]),
        reverse("partybuild:duesmonth_edit", args=[zhang.dues_months.first().pk]),
    ]
    client.force_login(world.alice)
    assert all(client.get(url).status_code == 200 for url in pages)

    # Another community's staff: the rows are a 404, the lists show none of them.
    client.force_login(world.charlie)
    for url in pages[1:4] + pages[5:]:
        assert client.get(url).status_code == 404, url
    for url in (reverse("partybuild:dues"), reverse("partybuild:dues_arrears")):
        page = client.get(url).content.decode()
        assert zhang.name not in page and li.name not in page and "第一党支部" not in page

    # An official reads the assessment's figure, never these pages.
    client.force_login(world.bob)
    for url in pages:
        assert client.get(url).status_code == 404, url

    # 李 signed in as a resident: her own months, nobody else's, and nothing to change.
    client.force_login(world.rita)
    own = client.get(reverse("partybuild:member_dues", args=[li.pk]))
    assert own.status_code == 200
    assert [row.member_id for row in own.context["months"]] == [li.pk] * 3
    assert own.context["form"] is None and "核定党费" not in own.content.decode()
    before = DuesBasis.objects.count()
    client.post(reverse("partybuild:member_dues", args=[li.pk]), {"category": "minimal"})
    assert DuesBasis.objects.count() == before
    file = client.get(reverse("partybuild:member_detail", args=[li.pk])).content.decode()
    assert "0.20" in file
    for url in pages:
        assert client.get(url).status_code == 404, url


def _count(client, url: str) -> tuple[int, int]:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode().count("<tr>")


def test_the_sheet_the_summary_and_the_arrears_cost_the_same_queries_for_two_members_or_twenty(
    client, world
):
    client.force_login(world.peggy)
    committee, branch1 = world.party_organizations[:2]
    urls = [
        sheet_url(committee),
        reverse("partybuild:dues_summary", args=[committee.pk]),
        reverse("partybuild:dues_arrears"),
        reverse("partybuild:dues"),
    ]
    few = [_count(client, url) for url in urls]
    for number in range(18):
        resident = ResidentFactory(household=world.households[number % 2])
        member = add_party_member(resident, branch1, world.peggy)
        set_dues(member, world.peggy, months_ago=number % 3, base=Decimal(3000 + number * 500))
    many = [_count(client, url) for url in urls]
    assert [queries for queries, _rows in many] == [queries for queries, _rows in few]
    assert many[0][1] > few[0][1] and many[2][1] > few[2][1]
