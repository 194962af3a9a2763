"""The results as files: the ranking and its drill-down as .xlsx, and the .docx report.

Both are built from the same `queries.results_table` and `explain.describe` as the pages, so a
file says what the screen says. The report is in the official document layout of the bulletins
and the meeting minutes (`tuijin.core.docx_layout`, GB/T 9704).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.assessment import explain
from tuijin.assessment.models import Result, ResultLine, Scheme
from tuijin.assessment.queries import ResultsTable
from tuijin.core import docx_layout, docx_tables
from tuijin.core.excel import add_sheet, append_row, style_header
from tuijin.indicators import analytics_tables as tables

POINTS_FORMAT = "0.00"


def score_cell(points: Decimal | None) -> tables.Cell:
    if points is None:
        return tables.Cell(explain.DASH)
    return tables.Cell(explain.pts(points), float(points), POINTS_FORMAT)


def ranking_table(table: ResultsTable) -> tables.Table:
    """名次, 单位, one column per item (with its weight), 调整, 总分 — the page's table."""
    scheme = table.scheme
    headers = [_("名次"), _("单位")]
    headers += [f"{item.name}（{explain.plain(item.weight)}）" for item in table.items]
    headers += [_("调整"), _("总分")]
    name = scheme.name if str(scheme.year) in scheme.name else f"{scheme.year}年{scheme.name}"
    out = tables.Table(_("%(n)s得分及排名") % {"n": name}, headers)
    for row in table.rows:
        rank = tables.Cell(str(row.result.rank) if row.result.rank else explain.DASH, row.result.rank, "0")
        cells = [rank, tables.text(row.result.unit.name)]
        cells += [score_cell(p) for p in row.points]
        cells += [score_cell(row.adjustments), score_cell(row.result.total)]
        out.rows.append(cells)
    return out


def detail_rows(lines: list[ResultLine]) -> list[list]:
    """单位, 考核项目, 分值, 计分规则, 得分, 计算过程, 数据来源 — one row per line."""
    rows = []
    for line in lines:
        described = explain.describe_line(line)
        rows.append([
            line.result.unit.name, line.item.name, float(line.item.weight), described.rule, float(line.points),
            described.formula, described.source,
        ])  # fmt: skip
    return rows


def workbook(table: ResultsTable, lines: list[ResultLine]):
    wb = tables.workbook(ranking_table(table))
    ws = add_sheet(wb, _("得分明细"))
    headers = [_("单位"), _("考核项目"), _("分值"), _("计分规则"), _("得分"), _("计算过程"), _("数据来源")]
    append_row(ws, headers)
    style_header(ws)
    for row in detail_rows(lines):
        append_row(ws, row)
        ws.cell(row=ws.max_row, column=5).number_format = POINTS_FORMAT
    for letter, width in zip("ABCDEFG", (14, 20, 8, 16, 10, 60, 30), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    return wb


def report(table: ResultsTable, lines: list[ResultLine]):
    """The .docx: title, the summary sentence, the ranking table, then each unit's lines."""
    scheme = table.scheme
    doc = docx_layout.new_document()
    docx_layout.add_title(doc, _("%(n)s结果通报") % {"n": scheme.name})
    docx_layout.add_paragraph(doc, _summary(scheme, table))
    docx_layout.add_heading(doc, _("一、考核得分及排名"), level=1)
    ranking = ranking_table(table)
    docx_layout.add_caption(doc, ranking.title)
    numeric = [i != 1 for i in range(len(ranking.headers))]  # every column but the unit's name
    docx_tables.add_table(doc, ranking.headers, [[c.text for c in row] for row in ranking.rows], numeric=numeric)
    docx_layout.add_heading(doc, _("二、得分说明"), level=1)
    by_result: dict[int, list[ResultLine]] = {}
    for line in lines:
        by_result.setdefault(line.result_id, []).append(line)
    for number, row in enumerate(table.rows, start=1):
        result = row.result
        docx_layout.add_heading(doc, _("（%(n)s）%(u)s：%(t)s 分") % {
            "n": _chinese_number(number), "u": result.unit.name, "t": explain.pts(result.total),
        }, level=2)  # fmt: skip
        for line in by_result.get(result.pk, []):
            described = explain.describe_line(line)
            docx_layout.add_paragraph(doc, f"{line.item.name}（{described.rule}）：{described.formula}。")
        if result.adjustment_total:
            docx_layout.add_paragraph(doc, _("分值调整合计 %(a)s 分。") % {"a": explain.pts(result.adjustment_total)})
    today = timezone.localdate()
    docx_layout.add_blank(doc)
    docx_layout.add_date(doc, _("%(y)d年%(m)d月%(d)d日") % {"y": today.year, "m": today.month, "d": today.day})
    return doc


def _summary(scheme: Scheme, table: ResultsTable) -> str:
    month = next((r.result.month for r in table.rows), 12)
    period = _("全年") if month == 12 else _("1—%(m)s月（试算）") % {"m": month}
    first = [r.result.unit.name for r in table.rows if r.result.rank == 1]
    text = _("根据《%(n)s》（第%(v)s版），按%(p)s数据对%(g)s %(c)s 个单位进行考核") % {
        "n": scheme.name, "v": scheme.version_no, "p": period, "g": scheme.group.name, "c": len(table.rows),
    }  # fmt: skip
    if first:
        text += _("，%(u)s位列第一") % {"u": "、".join(first)}
    return text + _("。现将结果通报如下。")


def _chinese_number(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")


def lines_for(results: list[Result]) -> list[ResultLine]:
    return list(
        ResultLine.objects.filter(result__in=results)
        .select_related("item", "result__unit")
        .order_by("result__rank", "result__unit__path", "item__order", "item_id")
    )
