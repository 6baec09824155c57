"""三会一课 compliance: what each branch was required to hold in a quarter against the rules,
what it held, and what it was excused from. Computed for any number of communities in a fixed
number of queries, for a community's table, the officials' overview and the metric alike.

A requirement is a cell: a kind of meeting in a month (monthly kinds) or in the quarter. A
group meeting's cell asks one meeting of each of the branch's groups. A cell is excused when
the branch was founded after the cell's period began or dissolved before it ended, when the
community recorded an exemption overlapping it, and, for the committee meeting, when the
branch had fewer than seven full members at the quarter's end (or today): such a branch has a
secretary and no committee (2018 regulations on branch work, art. 10).

Officials read the figures of each community and quarter from `ComplianceQuarter` rows, which
`refresh_compliance` writes (partybuild/tasks.py keeps them fresh)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Max, Min, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from partybuild.choices import Frequency, MeetingKind, MeetingStatus, OrganizationKind
from partybuild.models import (
    ComplianceExemption,
    ComplianceQuarter,
    ComplianceRule,
    MemberEvent,
    OrganizationalLife,
    PartyMember,
    PartyOrganization,
)
from partybuild.models.stats import FIGURES
from shequ.metrics import Quarter
from shequ.models import Community

COMMITTEE_MIN_FULL_MEMBERS = 7

HELD, MISSING, PENDING, EXEMPT, NONE = "held", "missing", "pending", "exempt", "none"


@dataclass(frozen=True)
class Column:
    """One requirement of every branch: a kind of meeting in a month or in the quarter."""

    kind: str
    first: datetime.date
    last: datetime.date

    @property
    def month(self) -> int | None:
        return self.first.month if self.first.month == self.last.month else None


@dataclass
class Cell:
    column: Column
    required: int = 1
    held: int = 0
    exempt: str = ""
    # The community's own words (an exemption it recorded), which officials are not shown.
    recorded: bool = False
    due: bool = True

    @property
    def state(self) -> str:
        if self.exempt:
            return EXEMPT
        if not self.required:
            return NONE
        if self.held >= self.required:
            return HELD
        return MISSING if self.due else PENDING

    @property
    def counted(self) -> tuple[int, int]:
        """(held, required) as the share counts them: a cell whose period is over, or one
        already held in full before its end."""
        if self.state in (HELD, MISSING):
            return min(self.held, self.required), self.required
        return 0, 0


@dataclass
class BranchQuarter:
    branch: PartyOrganization
    full_members: int
    cells: list[Cell] = field(default_factory=list)

    @property
    def counted(self) -> tuple[int, int]:
        pairs = [cell.counted for cell in self.cells]
        return sum(p[0] for p in pairs), sum(p[1] for p in pairs)

    @property
    def missing(self) -> bool:
        return any(cell.state == MISSING for cell in self.cells)


def rules() -> dict[str, str]:
    frequencies = dict(ComplianceRule.objects.values_list("kind", "frequency"))
    return {kind: frequencies.get(kind, Frequency.NONE) for kind in MeetingKind.values}


def columns(quarter: Quarter, frequencies: dict[str, str]) -> list[Column]:
    """The quarter's requirements in the order of the kinds: a monthly kind's three months, a
    quarterly kind's quarter."""
    months = [quarter.first.replace(month=quarter.first.month + i) for i in range(3)]
    ends = [*months[1:], quarter.following.first]
    result = []
    for kind in MeetingKind.values:
        if frequencies[kind] == Frequency.MONTHLY:
            result += [
                Column(kind, first, end - datetime.timedelta(days=1))
                for first, end in zip(months, ends, strict=True)
            ]
        elif frequencies[kind] == Frequency.QUARTERLY:
            result.append(Column(kind, quarter.first, quarter.last))
    return result


def _alive(quarter: Quarter) -> Q:
    return Q(founded_on__lte=quarter.last) & (
        Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=quarter.first)
    )


def _full_members(communities, day: datetime.date) -> dict[int, int]:
    """Full members of each branch or group on `day`, from each member's last event by then."""
    placed = (
        MemberEvent.objects.filter(member=OuterRef("pk"), happened_on__lte=day)
        .order_by("-happened_on", "-pk")
        .values("organization")[:1]
    )
    rows = (
        PartyMember.objects.filter(community__in=communities, full_on__lte=day)
        .annotate(placed=Subquery(placed))
        .values_list("placed")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {organization: n for organization, n in rows if organization}


def branch_quarters(
    communities, quarter: Quarter, until: datetime.date, *, day_over: bool = False
) -> list[BranchQuarter]:
    """Every branch of `communities` (ids, or a queryset of them) that existed in the quarter,
    with its cells as they stand on `until`: meetings held by then count, and a cell is due
    once its period has ended (on its last day only when `day_over`: a month's assessment
    counts its last day, today's table gives the office until midnight). Six queries, however
    many communities."""
    frequencies = rules()
    cols = columns(quarter, frequencies)
    alive = _alive(quarter)
    branches = list(
        PartyOrganization.objects.filter(alive, community__in=communities)
        .filter(kind=OrganizationKind.BRANCH)
        .only("community", "name", "founded_on", "dissolved_on", "order")
        .order_by("community_id", "order", "pk")
    )
    groups: dict[int, list[tuple[int, datetime.date, datetime.date | None]]] = defaultdict(list)
    for pk, parent, founded, dissolved in PartyOrganization.objects.filter(
        alive, community__in=communities, kind=OrganizationKind.GROUP
    ).values_list("pk", "parent", "founded_on", "dissolved_on"):
        groups[parent].append((pk, founded, dissolved))
    branch_of = {pk: parent for parent, rows in groups.items() for pk, _f, _d in rows}

    # (branch, column) -> the organisations (the branch, or its groups) that held it
    held: dict[tuple[int, Column], set[int]] = defaultdict(set)
    meetings = (
        OrganizationalLife.objects.filter(
            organization__community__in=communities, status=MeetingStatus.HELD,
            date__gte=quarter.first, date__lte=min(until, quarter.last),
        )
        .values_list("organization", "kind", "also_lecture", "date")
        .distinct()
        .order_by()
    )  # fmt: skip
    # (kind, month) -> the column a meeting of that kind and month counts for
    slot = {(c.kind, month): c for c in cols for month in range(c.first.month, c.last.month + 1)}
    for organization, kind, also_lecture, day in meetings:
        branch = branch_of.get(organization, organization)
        if column := slot.get((kind, day.month)):
            held[branch, column].add(organization)
        if also_lecture and (column := slot.get((MeetingKind.LECTURE, day.month))):
            held[branch, column].add(organization)

    exemptions = defaultdict(list)
    for exemption in ComplianceExemption.objects.filter(
        organization__community__in=communities,
        starts_on__lte=quarter.last,
        ends_on__gte=quarter.first,
    ).only("organization", "kind", "starts_on", "ends_on", "reason"):
        exemptions[exemption.organization_id].append(exemption)

    counted_on = min(until, quarter.last)
    full = _full_members(communities, counted_on)
    due = {column: column.last < until or (day_over and column.last == until) for column in cols}
    result = []
    for branch in branches:
        pk, own_groups = branch.pk, groups[branch.pk]
        members = full.get(pk, 0) + sum(full.get(g, 0) for g, _f, _d in own_groups)
        row = BranchQuarter(branch, members)
        for column in cols:
            cell = Cell(column, due=due[column], held=len(held.get((pk, column), ())))
            if column.kind == MeetingKind.GROUP:
                cell.required = sum(
                    1 for _g, founded, dissolved in own_groups
                    if founded <= column.first and (dissolved is None or dissolved >= column.last)
                )  # fmt: skip
            cell.exempt, cell.recorded = _exempt_reason(branch, column, members, exemptions[pk])
            row.cells.append(cell)
        result.append(row)
    return result


def _exempt_reason(branch, column: Column, full_members: int, exemptions) -> tuple[str, bool]:
    """Why the cell is excused, and whether the reason is one the community recorded."""
    if branch.founded_on > column.first:
        return _("%(day)s 新成立") % {"day": f"{branch.founded_on:%Y-%m-%d}"}, False
    if branch.dissolved_on and branch.dissolved_on < column.last:
        return _("%(day)s 撤销") % {"day": f"{branch.dissolved_on:%Y-%m-%d}"}, False
    if column.kind == MeetingKind.COMMITTEE and full_members < COMMITTEE_MIN_FULL_MEMBERS:
        return _("正式党员不足 7 人，不设支委会"), False
    for exemption in exemptions:
        if exemption.kind in ("", column.kind) and (
            exemption.starts_on <= column.last and exemption.ends_on >= column.first
        ):
            return exemption.reason, True
    return "", False


def community_figures(rows: list[BranchQuarter]) -> dict[int, tuple[int, int, int, int]]:
    """Per community: (held, required, branches, branches with something missing)."""
    figures: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for row in rows:
        held, required = row.counted
        figure = figures[row.branch.community_id]
        figure[0] += held
        figure[1] += required
        figure[2] += 1
        figure[3] += row.missing
    return {pk: tuple(figure) for pk, figure in figures.items()}


# Communities computed together: a batch's branches and cells are in memory at once.
REFRESH_BATCH = 200


def refresh_compliance(
    community_ids: Iterable[int] | None = None, quarters: Iterable[Quarter] | None = None
) -> list[ComplianceQuarter]:
    """Recompute and store the figures of these communities (all, without ids) in these quarters
    (the current one and the one before, without), as of today; idempotent. A community without
    branches gets a row of zeros, so a page never mistakes "not counted yet" for "no branches"."""
    today = timezone.localdate()
    current = Quarter.of(today)
    quarters = sorted(set(quarters)) if quarters is not None else [current.previous, current]
    communities = Community.objects.order_by("pk")
    if community_ids is not None:
        communities = communities.filter(pk__in=list(community_ids))
    ids = list(communities.values_list("pk", flat=True))
    written = []
    for start in range(0, len(ids), REFRESH_BATCH):
        batch = ids[start : start + REFRESH_BATCH]
        rows = []
        for quarter in quarters:
            # Taken before reading: a change committed while the batch is read is newer than
            # its rows, so the refresh it asks for is not skipped as done.
            now = timezone.now()
            figures = community_figures(branch_quarters(batch, quarter, today))
            for pk in batch:
                counts = dict(zip(FIGURES, figures.get(pk, (0, 0, 0, 0)), strict=True))
                rows.append(
                    ComplianceQuarter(
                        community_id=pk, quarter=quarter.first, computed_at=now, **counts
                    )
                )
        ComplianceQuarter.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["community", "quarter"],
            update_fields=[*FIGURES, "computed_at"],
        )
        written += rows
    return written


def quarters_to_refresh(community_ids: Iterable[int] | None, since: datetime.date) -> list[Quarter]:
    """After a change that reaches back to `since`: the current quarter and the one before, and
    every earlier quarter from `since` on that these communities (all, without ids) have rows
    for. A quarter never stored needs nothing: it is counted when first shown."""
    current = Quarter.current()
    stored = ComplianceQuarter.objects.filter(quarter__gte=Quarter.of(since).first)
    if community_ids is not None:
        stored = stored.filter(community__in=list(community_ids))
    firsts = stored.values_list("quarter", flat=True).distinct().order_by()
    return sorted({current.previous, current, *(Quarter.of(first) for first in firsts)})


def stale_communities() -> list[int]:
    """The communities whose figures missed a refresh: a meeting, an exemption, an organisation
    or a member's event was saved after their current or previous quarter was last counted, or
    one of those quarters has no row. A refresh is lost only with the broker, so this is usually
    empty; it reads the changes since the oldest of those rows, from the history tables and the
    member events (each step leaves one)."""
    current = Quarter.current()
    counted = dict(
        ComplianceQuarter.objects.filter(quarter__in=[current.previous.first, current.first])
        .values_list("community")
        .annotate(at=Min("computed_at"), n=Count("pk"))
        .filter(n=2)
        .values_list("community", "at")
        .order_by()
    )
    stale = set(Community.objects.exclude(pk__in=list(counted)).values_list("pk", flat=True))
    if not counted:
        return sorted(stale)
    since = min(counted.values())
    if ComplianceRule.history.filter(history_date__gt=since).exists():
        return sorted(Community.objects.values_list("pk", flat=True))
    changes = (
        (OrganizationalLife.history, "organization__community", "history_date"),
        (ComplianceExemption.history, "organization__community", "history_date"),
        (PartyOrganization.history, "community", "history_date"),
        (MemberEvent.objects, "member__community", "recorded_at"),
    )
    for rows, community, at in changes:
        latest = (
            rows.filter(**{f"{at}__gt": since})
            .values_list(community)
            .annotate(last=Max(at))
            .order_by()
        )
        stale |= {pk for pk, last in latest if pk in counted and last > counted[pk]}
    return sorted(stale)
