"""A dashboard's figures: each a chart ECharts draws from an option embedded in the page, the
table of the same numbers beneath it (for screen readers, for print, for whoever wants the
numbers) and a sheet of the Excel export. All three are built from one list of rows, so they
never disagree, and the export holds what the page shows, to whom it shows it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from openpyxl import Workbook

from shequ.excel import sheet_row, workbook_bytes
from shequ.tables import as_html

# The system CJK fonts of static/css/shequ.css: charts draw their own text.
FONTS = "PingFang SC, Microsoft YaHei, Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif"
RED = "#c8161d"  # the flag's
BLUE = "#0d6efd"
GREY = "#adb5bd"
ORANGE = "#fd7e14"


@dataclass(frozen=True)
class Link:
    """A cell that links on the page and is plain text in the export."""

    text: str
    url: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Badge:
    """A cell marked on the page (the red flag), plain text in the export."""

    text: str

    def __str__(self) -> str:
        return self.text


@dataclass
class Figure:
    key: str  # the chart's element id
    title: str
    headers: Sequence[str]
    rows: list[list] = field(default_factory=list)
    chart: dict | None = None  # an ECharts option; None for a table alone
    height: int = 320  # the chart's, in pixels
    empty_text: str = ""
    note: str = ""
    # Columns a phone leaves out (the table scrolls sideways for the rest); print shows them.
    phone_hidden: tuple[int, ...] = ()

    @property
    def option_id(self) -> str:
        return f"{self.key}-option"

    def table(self) -> SafeString:
        """The rows as the project's tables look; figures aligned right."""
        css = [
            _css(any(_numeric(row[i]) for row in self.rows), i in self.phone_hidden)
            for i in range(len(self.headers))
        ]  # fmt: skip
        head = "".join(
            f'<th scope="col"{css[i]}>{as_html(header)}</th>'
            for i, header in enumerate(self.headers)
        )
        body = "".join(
            "<tr>" + "".join(f"<td{css[i]}>{_cell(v)}</td>" for i, v in enumerate(row)) + "</tr>"
            for row in self.rows
        ) or (
            f'<tr><td colspan="{len(self.headers)}" class="text-body-secondary py-4 '
            f'text-center">{as_html(self.empty_text)}</td></tr>'
        )  # fmt: skip
        return mark_safe(
            '<div class="table-responsive rounded border mb-2">'
            '<table class="table table-sm table-hover mb-0 align-middle">'
            f'<caption class="visually-hidden">{as_html(self.title)}</caption>'
            f'<thead class="table-light"><tr>{head}</tr></thead><tbody>{body}</tbody>'
            "</table></div>"
        )

    def write(self, workbook: Workbook, heading: str) -> None:
        sheet = workbook.create_sheet(_sheet_title(self.title, workbook))
        sheet.append(sheet_row(sheet, [f"{self.title} · {heading}"], strong=True))
        sheet.append(sheet_row(sheet, [str(h) for h in self.headers], strong=True))
        for row in self.rows:
            sheet.append(sheet_row(sheet, [_plain(v) for v in row]))
        if self.note:
            sheet.append([])
            sheet.append(sheet_row(sheet, [self.note]))


def workbook(figures: Sequence[Figure], heading: str) -> bytes:
    """A sheet per figure, each headed by what it is about (`heading`: the area and month)."""
    book = Workbook(write_only=True)
    for figure in figures:
        figure.write(book, heading)
    if not figures:  # Excel refuses a workbook without a sheet
        sheet = book.create_sheet(_("说明"))
        sheet.append(sheet_row(sheet, [heading, _("没有可导出的数据：看板只显示已发布的月份。")]))
    return workbook_bytes(book)


def _numeric(value) -> bool:
    """A number, or a rate written with its unit (44.44%, 78.12‰)."""
    if isinstance(value, int | Decimal):
        return True
    text = value if isinstance(value, str) else ""
    return len(text) > 1 and text[-1] in "%‰" and text[:-1].replace(".", "", 1).isdigit()


def _css(numeric: bool, phone_hidden: bool) -> str:
    """Names are not broken letter by letter on a phone: the table scrolls instead."""
    css = "text-nowrap" + (" text-end" if numeric else "")
    return f' class="{css}{" d-none d-md-table-cell" if phone_hidden else ""}"'


def _cell(value) -> str:
    if isinstance(value, Link):
        return f'<a href="{escape(value.url)}">{as_html(value.text)}</a>'
    if isinstance(value, Badge):
        return f'<span class="badge red-flag">{as_html(value.text)}</span>'
    return as_html(value)


def _plain(value):
    if isinstance(value, Link | Badge):
        return value.text
    return value


def _sheet_title(title: str, book: Workbook) -> str:
    """Excel's limits: 31 characters, none of []:*?/\\, unique in the workbook."""
    clean = "".join(c for c in title if c not in "[]:*?/\\")[:28] or "Sheet"
    taken = {sheet.title for sheet in book.worksheets}
    name, n = clean, 2
    while name in taken:
        name, n = f"{clean}{n}", n + 1
    return name


# Charts ---------------------------------------------------------------------------------------
# Options are plain data (no functions): numbers as floats, since JSON has no decimals.


# A value axis along the bottom, named beneath its numbers.
BELOW = {"left": 8, "right": 40, "top": 40, "bottom": 30, "containLabel": True}
NAME_BELOW = {"nameLocation": "middle", "nameGap": 26}


def _number(value: Decimal | int | None) -> float | None:
    return None if value is None else float(value)


def chart(**option) -> dict:
    """What every chart shares: CJK fonts, no animation (print and screenshots take the chart as
    drawn), ECharts' own description of the chart for screen readers, room for the labels."""
    return {
        "aria": {"enabled": True},
        "animation": False,
        "textStyle": {"fontFamily": FONTS},
        "grid": {"left": 8, "right": 40, "top": 40, "bottom": 8, "containLabel": True},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        **option,
    }


def horizontal_bars(
    names: Sequence[str], series: Sequence[dict], *, axis_name: str, axis_max: float | None = None
) -> dict:
    """One bar (or one group, or one stack) per name, the first name at the top."""
    return chart(
        legend={"top": 0} if len(series) > 1 else {"show": False},
        grid=BELOW,
        xAxis={"type": "value", "name": axis_name, "max": axis_max, "minInterval": 1, **NAME_BELOW},
        yAxis={"type": "category", "inverse": True, "data": list(names),
               "axisLabel": {"width": 140, "overflow": "truncate"}},
        series=list(series),
    )  # fmt: skip


def bars(name: str, values: Sequence, *, color: str = BLUE, colors: Sequence[str] = (),
         stack: str | None = None, label: bool = True) -> dict:  # fmt: skip
    """A bar series; `colors` paints bars one by one (the flag holder red)."""
    data = []
    for i, v in enumerate(values):
        item: dict = {"value": _number(v)}
        if colors:
            item["itemStyle"] = {"color": colors[i]}
        if not v:
            item["label"] = {"show": False}  # no "0" on a bar that is not there
        data.append(item)
    series = {"type": "bar", "name": name, "data": data, "itemStyle": {"color": color}}
    if stack:
        series["stack"] = stack
    if label:
        series["label"] = {"show": True, "position": "inside" if stack else "right"}
    return series


def lines(months: Sequence[str], series: Sequence[dict], *, y_axes: Sequence[dict]) -> dict:
    return chart(
        legend={"top": 0},
        tooltip={"trigger": "axis"},
        xAxis={"type": "category", "data": list(months), "boundaryGap": False},
        yAxis=list(y_axes),
        series=list(series),
    )


def line(name: str, values: Sequence, *, color: str, axis: int = 0, dashed: bool = False) -> dict:
    return {
        "type": "line", "name": name, "data": [_number(v) for v in values], "yAxisIndex": axis,
        "connectNulls": False, "symbolSize": 7, "itemStyle": {"color": color},
        "lineStyle": {"type": "dashed" if dashed else "solid", "color": color},
        "label": {"show": not dashed, "position": "top"},
    }  # fmt: skip


def boxes(names: Sequence[str], five: Sequence[Sequence[float]], *, axis_name: str) -> dict:
    """Box plots side by side, one a name, from their five numbers."""
    return chart(
        tooltip={"trigger": "item"},
        grid=BELOW,
        xAxis={"type": "value", "name": axis_name, "min": 0, "max": 100, **NAME_BELOW},
        yAxis={"type": "category", "inverse": True, "data": list(names),
               "axisLabel": {"width": 140, "overflow": "truncate"}},
        series=[{"type": "boxplot", "name": axis_name, "data": [list(f) for f in five],
                 "itemStyle": {"color": "#e7f1ff", "borderColor": BLUE}}],
    )  # fmt: skip


def bar_height(count: int, per_bar: int = 28) -> int:
    """A horizontal bar chart tall enough for its names."""
    return max(160, 70 + per_bar * count)
