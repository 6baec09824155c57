"""What each role sees of a resident, read from the pages themselves, leaves at least 10,000
ID numbers and 10,000 mobile numbers it could be (the policy in shequ.personal_data).

Every page a role gets that shows the resident is parsed — the list, the search answers, the
household page, the resident's own page — and the candidates consistent with everything read
are counted exactly: every date of birth the page allows, every digit the mask hides, the sex,
and the GB 11643 check digit."""

import datetime
import itertools
import re
from collections import Counter
from dataclasses import dataclass, field

import pytest
from django.urls import reverse
from django.utils import timezone

from shequ.id_numbers import check_digit
from shequ.models import Role
from tests.factories import ResidentFactory, UserFactory, assign
from tests.residents.test_excel import sheet_rows

ENOUGH = 10_000
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
DIGITS = "0123456789"
FIRST_BIRTH = datetime.date(1900, 1, 1)


@dataclass
class Seen:
    """Everything one user has read about one resident."""

    id_masks: set[str] = field(default_factory=set)
    mobile_masks: set[str] = field(default_factory=set)
    sexes: set[str] = field(default_factory=set)
    birth_dates: set[datetime.date] = field(default_factory=set)
    birth_years: set[int] = field(default_factory=set)
    ages: set[int] = field(default_factory=set)  # as shown, whichever way it was counted
    region_prefixes: set[str] = field(default_factory=set)  # from the 户籍地 shown

    def possible_births(self, today: datetime.date) -> list[datetime.date]:
        days = (today - FIRST_BIRTH).days + 1
        births = (FIRST_BIRTH + datetime.timedelta(days=n) for n in range(days))
        return [b for b in births if self.allows(b, today)]

    def allows(self, birth: datetime.date, today: datetime.date) -> bool:
        exact_age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
        return (
            all(birth == d for d in self.birth_dates)
            and all(birth.year == y for y in self.birth_years)
            # An age is either exact or counted by year; a birth fits if it fits either reading.
            and all(age in (exact_age, today.year - birth.year) for age in self.ages)
        )


def id_candidates(mask: str, births: list[datetime.date], sex: str | None) -> int:
    """How many 18-character ID numbers fit the mask, one of the births and the sex.

    The 17 weighted digits fall into three independent parts — the region (1–6), the birth
    date (7–14) and the sequence (15–17, whose last digit is odd for men) — so the count is a
    sum over the three parts' weighted sums modulo 11, each part counted on its own."""
    assert len(mask) == 18

    parity = {"M": "13579", "F": "02468"}.get(sex, DIGITS)

    def allowed(position: int) -> str:
        digits = DIGITS if mask[position] == "*" else mask[position]
        return "".join(d for d in digits if position != 16 or d in parity)

    def residues(positions: range) -> Counter:
        """How many digit strings at these positions give each weighted sum modulo 11."""
        counts = Counter({0: 1})
        for p in positions:
            step = Counter()
            for residue, n in counts.items():
                for d in allowed(p):
                    step[(residue + int(d) * _WEIGHTS[p]) % 11] += n
            counts = step
        return counts

    region, sequence = residues(range(0, 6)), residues(range(14, 17))
    dates = Counter()
    for birth in births:
        text = f"{birth:%Y%m%d}"
        if all(mask[6 + i] in ("*", c) for i, c in enumerate(text)):
            dates[sum(int(c) * _WEIGHTS[6 + i] for i, c in enumerate(text)) % 11] += 1
    total = 0
    for a, b, c in itertools.product(range(11), repeat=3):
        if mask[17] in ("*", _CHECK[(a + b + c) % 11]):
            total += region[a] * dates[b] * sequence[c]
    return total


def mobile_candidates(mask: str) -> int:
    options = [DIGITS if c == "*" else c for c in mask]
    return sum(
        1 for digits in itertools.product(*options) if re.fullmatch(r"1[3-9]\d{9}", "".join(digits))
    )


MONO = re.compile(r"font-monospace[^>]*>([^<]+)<")
# The region codes (GB/T 2260) the 户籍地 the test resident is given would pin.
REGION_PREFIXES = {"淄博": "3703", "山东": "37"}
ADDRESS = re.compile(r"户籍地</dt><dd[^>]*>([^<]*)</dd>")
SEX_AGE = re.compile(r"(男|女) · (\d+) 岁（(?:(\d{4})-(\d{2})-(\d{2})|(\d{4}) 年生)）")


def _text(cell: str) -> str:
    return re.sub(r"<[^>]+>", "", cell).strip()


def row_of(html: str, name: str) -> dict[str, str]:
    """The cells of the table row naming `name`, keyed by their column headers."""
    at = html.index(name)
    table = html[html.rindex("<table", 0, at) :]
    headers = [
        _text(h) for h in re.findall(r"<th[^>]*>(.*?)</th>", table[: table.index("</thead>")], re.S)
    ]
    row = html[html.rindex("<tr", 0, at) :]
    cells = [_text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row[: row.index("</tr>")], re.S)]
    return dict(zip(headers, cells, strict=True))


def read_list_row(html: str, resident, seen: Seen) -> None:
    row = row_of(html, resident.name)
    seen.sexes.add(row["性别"])
    seen.ages.add(int(row["年龄"]))
    seen.id_masks.add(row["证件号码"])
    seen.mobile_masks.add(row["手机号码"])


def read_detail(html: str, seen: Seen) -> None:
    match = SEX_AGE.search(html)
    assert match, "the resident page shows sex and age"
    sex, age, year, month, day, year_only = match.groups()
    seen.sexes.add(sex)
    seen.ages.add(int(age))
    if year:
        seen.birth_dates.add(datetime.date(int(year), int(month), int(day)))
    else:
        seen.birth_years.add(int(year_only))
    (address,) = ADDRESS.findall(html)
    for place, prefix in REGION_PREFIXES.items():
        if place in address:
            seen.region_prefixes.add(prefix)
            break
    masks = [m.strip() for m in MONO.findall(html)]
    seen.id_masks.add(masks[0])
    seen.mobile_masks.add(masks[1])


def read_household(html: str, resident, seen: Seen) -> None:
    row = row_of(html, resident.name)
    seen.ages.add(int(row["年龄"]))
    seen.id_masks.add(row["证件号码"])


def everything_seen(client, user, resident) -> Seen:
    client.force_login(user)
    seen = Seen()
    get = lambda url, **params: client.get(url, params).content.decode()  # noqa: E731
    resident_list = reverse("residents:resident_list")
    read_list_row(get(resident_list), resident, seen)
    read_detail(get(resident.get_absolute_url()), seen)
    read_household(get(resident.household.get_absolute_url()), resident, seen)
    # The search answers: the tails the mask shows find the resident; nothing longer is
    # answered by the GET search, so no prefix or longer tail can be tried.
    (id_mask,) = seen.id_masks
    (mobile_mask,) = seen.mobile_masks
    for tail in (id_mask[-4:], mobile_mask[-4:], id_mask[-2:]):
        read_list_row(get(resident_list, q=tail), resident, seen)
    whole = resident.id_number
    for longer in (whole[-5:], whole[:10], whole, resident.mobile[:7]):
        assert "不在搜索框中查找" in get(resident_list, q=longer), longer
    return seen


def party_worker(world):
    user = UserFactory(username="polly", name="波莉")
    assign(user, Role.PARTY_WORKER, world.community)
    return user


@pytest.mark.parametrize("who", ["gina", "party_worker"])
def test_what_a_role_that_may_not_reveal_sees_leaves_ten_thousand_ids_and_mobiles(
    client, world, who
):
    user = party_worker(world) if who == "party_worker" else world.gina
    resident = world.residents[0]
    resident.registered_address = "山东省淄博市张店区"
    resident.save()
    seen = everything_seen(client, user, resident)
    assert len(seen.id_masks) == len(seen.mobile_masks) == len(seen.sexes) == 1
    (id_mask,), (mobile_mask,) = seen.id_masks, seen.mobile_masks
    sex = {"男": "M", "女": "F"}[seen.sexes.pop()]
    births = seen.possible_births(timezone.localdate())
    assert resident.birth_date in births  # what was read is true
    assert not seen.birth_dates, "only those who may reveal see the whole birth date"
    assert seen.region_prefixes == {"37"}, "the 户籍地 stops at the province"
    region = max(seen.region_prefixes, key=len)
    assert id_mask.startswith("*" * len(region))
    id_mask = region + id_mask[len(region) :]

    ids = id_candidates(id_mask, births, sex)
    assert ids >= ENOUGH, (who, id_mask, len(births), ids)
    assert mobile_candidates(mobile_mask) >= ENOUGH


def test_community_staff_see_more_because_they_may_reveal_anyway(client, world):
    """The bar is for those who may not reveal: staff see the whole date and 户籍地, and the
    button that shows the whole number (and logs it)."""
    resident = world.residents[0]
    resident.registered_address = "山东省淄博市张店区"
    resident.save()
    seen = everything_seen(client, world.alice, resident)
    assert seen.birth_dates == {resident.birth_date}
    assert seen.region_prefixes == {"3703"}
    client.force_login(world.alice)
    assert "查看完整号码（将记录）" in client.get(resident.get_absolute_url()).content.decode()


def test_the_count_would_catch_the_old_masks():
    """The masks of before (first four + last four) with the whole birth date: ten or so
    candidates, what a grid worker confirmed with ten searches. Checked by brute force."""
    number = "370302195003070115"
    old_mask = number[:4] + "*" * 10 + number[-4:]
    births = [datetime.date(1950, 3, 7)]
    counted = id_candidates(old_mask, births, "M")
    brute = sum(
        1
        for d5, d6 in itertools.product(DIGITS, repeat=2)
        if check_digit(f"3703{d5}{d6}19500307011") == "5"
    )
    assert counted == brute
    assert counted < 20
    assert mobile_candidates("138****5678") == ENOUGH
    assert mobile_candidates("1381234*678") < ENOUGH


def test_ages_shown_to_those_who_may_not_reveal_never_date_the_birthday(client, world, monkeypatch):
    """An exact age changes on the birthday, so a page read day after day would date it; an
    age counted by birth year is the same all year, and so is the age-group filter."""
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: datetime.date(2026, 6, 15))
    early, late = world.residents[0], world.residents[1]
    early.birth_date, late.birth_date = datetime.date(1966, 1, 2), datetime.date(1966, 12, 30)
    for resident in (early, late):
        resident.save()
    client.force_login(world.alice)
    staff_html = client.get(reverse("residents:resident_list")).content.decode()
    client.force_login(world.gina)
    gina_html = client.get(reverse("residents:resident_list")).content.decode()
    ages = {}
    for name, html in (("staff", staff_html), ("gina", gina_html)):
        for resident in (early, late):
            seen = Seen()
            read_list_row(html, resident, seen)
            ages[name, resident.pk] = seen.ages.pop()
    assert (ages["staff", early.pk], ages["staff", late.pk]) == (60, 59)
    assert (ages["gina", early.pk], ages["gina", late.pk]) == (60, 60)

    sixty_up = {"age_group": "60+"}
    client.force_login(world.gina)
    html = client.get(reverse("residents:resident_list"), sixty_up).content.decode()
    assert early.name in html and late.name in html
    client.force_login(world.alice)
    html = client.get(reverse("residents:resident_list"), sixty_up).content.decode()
    assert early.name in html and late.name not in html


def test_history_and_exports_show_birth_years_to_those_who_may_not_reveal(client, world):
    """A birth date corrected by staff would otherwise be spelled out in the 变更记录, and the
    export is a page like any other."""
    resident = ResidentFactory(
        household=world.households[0], full_name="护照居民", document_type="passport",
        id_number="E12345678", birth_date=datetime.date(1950, 3, 7),
        registered_address="山东省淄博市张店区",
    )  # fmt: skip
    resident.birth_date = datetime.date(1951, 4, 8)
    resident.registered_address = "河北省邯郸市"
    resident.save()

    client.force_login(world.gina)
    html = client.get(resident.get_absolute_url()).content.decode()
    assert "出生日期：1950 年 → 1951 年" in html
    assert "3月7日" not in html and "4月8日" not in html and "04-08" not in html
    assert "户籍地：山东省 → 河北省" in html
    assert "淄博" not in html and "邯郸" not in html
    rows = sheet_rows(client.get(reverse("residents:resident_export")).content)
    row = next(row for row in rows if row["姓名"] == resident.name)
    assert (row["出生日期"], row["户籍地"]) == ("1951 年生", "河北省")

    client.force_login(world.alice)
    html = client.get(resident.get_absolute_url()).content.decode()
    assert "出生日期：1950 年" not in html and "1951-04-08" in html and "邯郸" in html
    rows = sheet_rows(client.get(reverse("residents:resident_export")).content)
    birth = {row["姓名"]: row["出生日期"] for row in rows}[resident.name]
    assert birth.date() == datetime.date(1951, 4, 8)
