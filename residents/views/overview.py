"""Population figures: officials read their communities' snapshots, grouped by street; a
community's own workers count what they may see, live."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from operator import attrgetter

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import View
from openpyxl import Workbook
from pypinyin import lazy_pinyin

from residents.choices import AGE_PARTITION, AGE_SUMS, AgeGroup
from residents.models import PopulationSnapshot, Resident, ResidentTag
from residents.models.places import COMMUNITY_WORKERS
from residents.models.snapshot import (
    AGE_FIELDS,
    STATUS_FIELDS,
    TYPE_FIELDS,
    count_population,
    refresh_population,
)
from residents.presenters import visible_tags
from shequ.excel import sheet_row, workbook_bytes, xlsx_response
from shequ.models import Community, GridUnit, Role, Street
from shequ.models.scoping import scope_of
from shequ.params import query_int, query_text


@dataclass(frozen=True)
class Column:
    key: str  # the `sort` parameter
    group: str
    label: str
    fields: tuple[str, ...] = ()  # snapshot columns this figure sums
    tag: str = ""  # or a tag id of `by_tag`

    @cached_property
    def value(self) -> Callable[[PopulationSnapshot], int]:
        """This figure of a snapshot: a plain attribute read for most, as it runs 25,000 times
        for a district."""
        if self.tag:
            return lambda snapshot, tag=self.tag: snapshot.by_tag.get(tag, 0)
        if len(self.fields) == 1:
            return attrgetter(self.fields[0])
        return lambda snapshot, figures=attrgetter(*self.fields): sum(figures(snapshot))


def columns_for(tags: list[ResidentTag]) -> list[Column]:
    """Every figure a row shows, in order; 60+ right after the groups it sums."""
    ages = [*AGE_PARTITION, AgeGroup.ELDERLY]
    return [
        Column("living", "", _("在住居民"), ("living",)),
        Column("moved_out", "", _("已迁出"), ("moved_out",)),
        Column("deceased", "", _("已故"), ("deceased",)),
        *(
            Column(field, _("户籍类型"), str(t.label), (field,))
            for t, field in TYPE_FIELDS.items()
        ),
        *(
            Column(
                f"age_{g.name.lower()}", _("年龄段"), str(g.label),
                tuple(AGE_FIELDS[part] for part in AGE_SUMS.get(g, (g,))),
            )
            for g in ages
        ),
        *(
            Column(field, _("人户状态"), str(s.label), (field,))
            for s, field in STATUS_FIELDS.items()
        ),
        *(Column(f"tag_{tag.code}", _("重点人群"), tag.name, tag=str(tag.pk)) for tag in tags),
    ]  # fmt: skip


@dataclass
class Line:
    kind: str  # "community", "street" or "total"
    label: str
    figures: PopulationSnapshot
    community: Community | None = None
    html: str = ""

    def render(self, columns: list[Column]) -> None:
        """The table row, built here: a district's 25,000 figures through template variables
        took most of a second (each escaped and localized); digits and commas need neither."""
        figures = self.figures
        cells = "".join([f"<td>{column.value(figures):,}</td>" for column in columns])
        if self.community is not None:
            name = format_html(
                '<td class="text-start ps-4"><a href="?community={}">{}</a></td>',
                self.community.pk,
                self.label,
            )
            self.html = mark_safe(f"<tr>{name}{cells}</tr>")
        else:
            label = self.label if self.kind == "total" else f"{self.label} {_('小计')}"
            name = format_html('<th scope="row" class="text-start">{}</th>', label)
            self.html = mark_safe(f'<tr class="fw-semibold table-light">{name}{cells}</tr>')


@dataclass
class Sort:
    key: str = ""
    descending: bool = False

    @classmethod
    def parse(cls, value: str, columns: list[Column]) -> Sort:
        key = value.removeprefix("-")
        if key != "name" and key not in {column.key for column in columns}:
            return cls()
        return cls(key, value.startswith("-"))

    def link(self, key: str) -> str:
        """The parameter a header links to: figures largest first, a second click reverses."""
        if key == self.key:
            return key if self.descending else f"-{key}"
        return key if key == "name" else f"-{key}"


def _name_key(name: str) -> list[str]:
    return lazy_pinyin(name)


class OverviewView(LoginRequiredMixin, View):
    """Who sees what: officials (and administrators) the snapshots of
    `Community.objects.visible_to(user)`; community staff, grid workers and party affairs workers
    a live count of `Resident.objects.visible_to(user)`, so a grid worker counts only their grid
    units (an official who is also a worker somewhere counts that way too, in the communities of
    their worker roles); everyone else a 404 (the counts by tag are not residents' business)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.access.is_staff:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        access = request.access
        live = bool(access.roles & COMMUNITY_WORKERS) and not access.is_admin
        tags = visible_tags(ResidentTag.objects.order_by("order", "pk"), access)
        columns = columns_for(tags)
        sort = Sort.parse(request.GET.get("sort", ""), columns)
        street_id, community_id = query_int(request, "street"), query_int(request, "community")
        search = query_text(request, "q", 50)

        communities = Community.objects.visible_to(request.user)
        if live:
            communities = communities.filter(pk__in=self.worker_communities())
        # Streets come from the communities in scope, never the other way round.
        streets = list(
            Street.objects.filter(pk__in=communities.values("street")).order_by("code", "pk")
        )
        chosen = None
        if community_id is not None:
            chosen = communities.filter(pk=community_id).first()
            if chosen is None:
                raise Http404
            communities = communities.filter(pk=chosen.pk)
            street_id = chosen.street_id
        elif street_id is not None:
            if street_id not in {street.pk for street in streets}:
                raise Http404
            communities = communities.filter(street=street_id)
        if search:
            communities = communities.filter(name__contains=search)

        if live:
            rows = self.live_rows(list(communities))
        else:
            rows = self.snapshot_rows(communities, grid_units=chosen is not None)
        lines, total = grouped(rows, {street.pk: street for street in streets}, columns, sort)
        # One community: its grid units instead of a table of one row (officials: when chosen,
        # the district's rows leave the grid units out).
        one = chosen is not None or (live and len(rows) == 1)

        if request.GET.get("export") == "xlsx":
            return xlsx_response(
                overview_workbook(lines, columns, total, live),
                f"人口概况-{timezone.localdate():%Y%m%d}.xlsx",
            )
        context = {
            "live": live,
            "chosen": chosen,
            "figures": total,
            "by_type": [(c.label, c.value(total)) for c in columns if c.group == _("户籍类型")],
            "by_residence": [
                (c.label, c.value(total)) for c in columns if c.group == _("人户状态")
            ],
            "by_age": [
                (g.label, total.age(g), g == AgeGroup.ELDERLY)
                for g in [*AGE_PARTITION, AgeGroup.ELDERLY]
            ],
            "tags": [(tag.name, total.by_tag.get(str(tag.pk), 0)) for tag in tags],
            "grid_units": self.grid_units(chosen, total, live) if one else None,
            "lines": None if one else lines,
            "header_rows": header_rows(columns, sort),
            "sort": sort,
            "search": search,
        }
        if not live:
            context["streets"] = streets
            context["street_id"] = street_id
            context["street_communities"] = (
                Community.objects.visible_to(request.user)
                .filter(street=street_id)
                .order_by("code")
                .only("pk", "name")
                if street_id is not None
                else None
            )
        return render(request, "residents/overview.html", context)

    def worker_communities(self) -> set[int]:
        """The communities of the user's own worker assignments (read once per request)."""
        scope = scope_of(self.request.user)
        return set(scope.ids(COMMUNITY_WORKERS, "community")) | (
            set(scope.grid_communities) if Role.GRID_WORKER in scope.roles else set()
        )

    def live_rows(self, communities: list[Community]) -> list[tuple[Community, PopulationSnapshot]]:
        residents = Resident.objects.visible_to(self.request.user).filter(
            community__in=[c.pk for c in communities]
        )
        counted = count_population(residents)
        now, today = timezone.now(), timezone.localdate()
        return [
            (
                community,
                counted.get(community.pk)
                or PopulationSnapshot(community=community, as_of=today, computed_at=now),
            )
            for community in communities
        ]

    def snapshot_rows(
        self, communities: QuerySet[Community], grid_units: bool
    ) -> list[tuple[Community, PopulationSnapshot]]:
        communities = communities.select_related("population")
        if not grid_units:
            communities = communities.defer("population__by_grid_unit")
        communities = list(communities)
        missing = [c.pk for c in communities if not hasattr(c, "population")]
        # Never counted (a new community, or no worker has run yet): count them now, once.
        fresh = {s.community_id: s for s in refresh_population(missing)} if missing else {}
        return [
            (community, fresh.get(community.pk) or community.population)
            for community in communities
        ]

    def grid_units(
        self, chosen: Community | None, figures: PopulationSnapshot, live: bool
    ) -> list[tuple[GridUnit, int]]:
        units = GridUnit.objects.visible_to(self.request.user).select_related("community")
        if chosen is not None:
            units = units.filter(community=chosen)
        elif live:
            units = units.filter(community__in=self.worker_communities())
        counts = figures.by_grid_unit
        return [(unit, counts.get(str(unit.pk), 0)) for unit in units.order_by("number")]


@dataclass
class HeaderCell:
    label: str
    link: str = ""  # the `sort` value this header links to
    arrow: str = ""
    colspan: int = 1
    rowspan: int = 1
    align: str = "end"


def header_rows(columns: list[Column], sort: Sort) -> tuple[list[HeaderCell], list[HeaderCell]]:
    """Two header rows: a group's label over its figures, ungrouped figures spanning both."""

    def cell(key: str, label: str, rowspan: int = 1) -> HeaderCell:
        arrow = ("↓" if sort.descending else "↑") if sort.key == key else ""
        return HeaderCell(label, sort.link(key), arrow, rowspan=rowspan)

    top, bottom = [cell("name", _("街道 / 社区"), rowspan=2)], []
    top[0].align = "start"
    for column in columns:
        if not column.group:
            top.append(cell(column.key, column.label, rowspan=2))
            continue
        if top[-1].label == column.group and not top[-1].link:
            top[-1].colspan += 1
        else:
            top.append(HeaderCell(column.group, align="center"))
        bottom.append(cell(column.key, column.label))
    return top, bottom


def grouped(
    rows: list[tuple[Community, PopulationSnapshot]],
    streets: dict[int, Street],
    columns: list[Column],
    sort: Sort,
) -> tuple[list[Line], PopulationSnapshot]:
    """Communities under their street's subtotal, streets in the same order as the communities
    within them, the total last; and that total."""
    by_street: dict[int, list[tuple[Community, PopulationSnapshot]]] = {}
    for community, snapshot in rows:
        by_street.setdefault(community.street_id, []).append((community, snapshot))
    value = next((c.value for c in columns if c.key == sort.key), None)

    def order(items: list, name: Callable, figures: Callable, code: Callable) -> list:
        if sort.key == "name":
            return sorted(items, key=lambda item: _name_key(name(item)), reverse=sort.descending)
        if value is not None:
            return sorted(
                items, key=lambda item: (value(figures(item)), code(item)), reverse=sort.descending
            )
        return sorted(items, key=code)

    groups = [
        (streets[street_id], PopulationSnapshot.combined(s for _c, s in members), members)
        for street_id, members in by_street.items()
    ]
    total = PopulationSnapshot.combined(subtotal for _street, subtotal, _members in groups)
    lines: list[Line] = []
    for street, subtotal, members in order(
        groups, lambda g: g[0].name, lambda g: g[1], lambda g: (g[0].code or "", g[0].pk)
    ):
        lines.append(Line("street", street.name, subtotal))
        for community, snapshot in order(
            members, lambda m: m[0].name, lambda m: m[1], lambda m: (m[0].code, m[0].pk)
        ):
            lines.append(Line("community", community.name, snapshot, community))
    lines.append(Line("total", _("合计"), total))
    for line in lines:
        line.render(columns)
    return lines, total


def overview_workbook(
    lines: list[Line], columns: list[Column], total: PopulationSnapshot, live: bool
) -> bytes:
    """The table as a sheet: street and community in two columns so Excel can filter them."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("人口概况"))
    sheet.column_dimensions["A"].width = sheet.column_dimensions["B"].width = 20
    sheet.freeze_panes = "C4"
    if live:
        note = _("实时统计，导出于 %(when)s") % {"when": f"{timezone.localtime():%Y-%m-%d %H:%M}"}
    elif total.computed_at:
        note = _("数据截至 %(when)s") % {
            "when": f"{timezone.localtime(total.computed_at):%Y-%m-%d %H:%M}"
        }
    else:
        note = ""
    sheet.append(sheet_row(sheet, [_("人口概况"), note], strong=True))
    sheet.append(
        sheet_row(sheet, [_("街道"), _("社区"), *(str(c.group) for c in columns)], strong=True)
    )
    sheet.append(sheet_row(sheet, ["", "", *(c.label for c in columns)], strong=True))
    street = ""
    for line in lines:
        if line.kind == "street":
            street, names = line.label, [line.label, _("小计")]
        elif line.kind == "community":
            names = [street, line.label]
        else:
            names = [line.label, ""]
        figures = [column.value(line.figures) for column in columns]
        sheet.append(sheet_row(sheet, [*names, *figures], strong=line.kind != "community"))
    return workbook_bytes(workbook)
