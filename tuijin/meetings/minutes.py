"""会议纪要: a meeting's minutes as a .docx in the government document layout (`docx_layout`).

Sections: the meeting (time, place, chair, attending units and people, the units visited for
观摩, the agenda); 一、点评情况 with one second-level heading per reviewed unit (亮点, 问题, 举措);
二、议定事项 as a table (item, unit, time limit, the assignment it became); a problem turned into
an assignment names it too. Only the reviews the
reader may see are written (`queries.reviews_for`).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from tuijin.core import docx_layout as layout
from tuijin.core import docx_tables
from tuijin.meetings import queries
from tuijin.meetings.models import Meeting

CHINESE_NUMBERS = "一二三四五六七八九十"


def _ordinal(n: int) -> str:
    if n <= 10:
        return CHINESE_NUMBERS[n - 1]
    tens, ones = divmod(n, 10)
    return (CHINESE_NUMBERS[tens - 1] if tens > 1 else "") + "十" + (CHINESE_NUMBERS[ones - 1] if ones else "")


def _date(day) -> str:
    return _("%(y)d年%(m)d月%(d)d日") % {"y": day.year, "m": day.month, "d": day.day}


def build(meeting: Meeting, user):
    doc = layout.new_document()
    layout.add_title(doc, _("%(t)s会议纪要") % {"t": meeting.title})
    _overview(doc, meeting)
    reviews = list(queries.reviews_for(meeting, user))
    decisions = list(queries.decisions_for(meeting))
    section = 1
    if reviews:
        layout.add_heading(doc, _("%(n)s、点评情况") % {"n": _ordinal(section)}, level=1)
        for i, review in enumerate(reviews, start=1):
            _review(doc, i, review)
        section += 1
    if decisions:
        layout.add_heading(doc, _("%(n)s、议定事项") % {"n": _ordinal(section)}, level=1)
        rows = [[d.order, d.text, d.owner_unit.name, _date(d.deadline),
                 "、".join(_("督办第%(n)d号") % {"n": a.pk} for a in d.assignments.all())]
                for d in decisions]  # fmt: skip
        docx_tables.add_table(doc, [_("序号"), _("事项"), _("责任单位"), _("完成时限"), _("督办")], rows,
                         widths_mm=(14, 72, 30, 26, 14))  # fmt: skip
    layout.add_paragraph(doc, "")
    layout.add_paragraph(doc, meeting.organizer.name, indent=False, align="right")
    layout.add_paragraph(doc, _date(meeting.date), indent=False, align="right")
    return doc


def _overview(doc, meeting: Meeting) -> None:
    chair = meeting.chair.full_name or meeting.chair.username if meeting.chair else ""
    text = _("%(d)s，%(c)s在%(p)s主持召开%(t)s（%(k)s）。") % {
        "d": _date(meeting.date), "c": chair or _("会议主持人"), "p": meeting.place or _("会议室"),
        "t": meeting.title, "k": meeting.get_type_display(),
    }  # fmt: skip
    layout.add_paragraph(doc, text)
    units = "、".join(u.name for u in meeting.attending_units.order_by("path"))
    if units:
        layout.add_paragraph(doc, units, bold_lead=_("参会单位："))
    attendees = "、".join(str(p) for p in meeting.attendees.order_by("unit__path", "username"))
    if attendees:
        layout.add_paragraph(doc, attendees, bold_lead=_("参会人员："))
    visits = list(queries.visits_for(meeting))
    if visits:
        route = " → ".join(f"{v.unit.name}{('（' + v.site + '）') if v.site else ''}" for v in visits)
        layout.add_paragraph(doc, route, bold_lead=_("观摩路线："))
    if meeting.agenda:
        layout.add_paragraph(doc, meeting.agenda, bold_lead=_("会议议程："))
    layout.add_paragraph(doc, _("现将会议议定事项纪要如下："))


def _review(doc, index: int, review) -> None:
    layout.add_heading(doc, _("（%(n)s）%(u)s") % {"n": _ordinal(index), "u": review.unit.name}, level=2)
    if review.highlights:
        layout.add_paragraph(doc, review.highlights, bold_lead=_("亮点："))
    for n, problem in enumerate(review.problems.all(), start=1):
        assigned = "".join(_("（已交办，督办第%(n)d号）") % {"n": a.pk} for a in problem.assignments.all())
        layout.add_paragraph(doc, problem.text + assigned, bold_lead=_("问题%(n)d：") % {"n": n})
    if review.measures:
        layout.add_paragraph(doc, review.measures, bold_lead=_("举措："))
