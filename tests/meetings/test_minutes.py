"""会议纪要: the minutes .docx opens with python-docx, is laid out as a government document (A4,
GB/T 9704 margins, 方正小标宋 title, 仿宋 三号 body, page numbers) and holds the meeting, its
route, its reviews (with the assignments the problems became) and its decisions."""

import datetime as dt
import io

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt

from tuijin.audit.models import AuditEvent
from tuijin.meetings import services


def _east_asia(run) -> str:
    return run._element.rPr.rFonts.get(qn("w:eastAsia"))


def _open(client, meeting) -> docx.Document:
    response = client.get(f"/meetings/{meeting.pk}/minutes.docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    return docx.Document(io.BytesIO(response.content))


def _text(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


@pytest.fixture
def minutes(cast, meeting, reviews, client_for):
    problem = reviews[0].problems.get(order=1)
    assignment = services.review_problem_to_assignment(actor=cast.supervisor, problem=problem,
                                                       deadline=dt.date(2026, 12, 31))  # fmt: skip
    decision = services.decision_add(actor=cast.supervisor, meeting=meeting, text="建立周调度机制",
                                     owner_unit=cast.county_b, deadline=dt.date(2026, 10, 20))  # fmt: skip
    converted = services.decision_to_assignment(actor=cast.supervisor, decision=decision)
    return _open(client_for(cast.supervisor), meeting), assignment, converted


def test_the_minutes_are_laid_out_as_a_government_document(minutes):
    document, _assignment, _converted = minutes
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]
    title = document.paragraphs[0].runs[0]
    assert document.paragraphs[0].text == "三季度项目观摩会会议纪要"
    assert (title.font.size, _east_asia(title)) == (Pt(22), "方正小标宋简体")
    body = next(p for p in document.paragraphs if "开工率全市第一" in p.text).runs[-1]
    assert (body.font.size, _east_asia(body), body.font.name) == (Pt(16), "仿宋_GB2312", "仿宋_GB2312")
    first = next(p for p in document.paragraphs if p.text.startswith("一、"))
    assert first.paragraph_format.line_spacing == Pt(28)
    assert _east_asia(first.runs[0]) == "黑体"
    assert _east_asia(next(p for p in document.paragraphs if p.text.startswith("（一）")).runs[0]) == "楷体_GB2312"
    footer = section.footer.paragraphs[0]
    assert "PAGE" in footer._element.xml
    assert footer.text.startswith("— ")
    assert footer.text.endswith(" —")
    assert (_east_asia(footer.runs[0]), footer.runs[0].font.size) == ("宋体", Pt(14))
    cell = document.tables[0].cell(1, 1).paragraphs[0].runs[0]
    assert cell.font.size <= Pt(14)
    assert _east_asia(cell) == "仿宋_GB2312"


def test_the_minutes_hold_the_meeting_its_route_and_every_review(minutes):
    document, assignment, _converted = minutes
    text = _text(document)
    assert "2026年9月20日，leader在甲县产业园主持召开三季度项目观摩会（观摩）。" in text
    assert "参会单位：甲县、乙县" in text
    assert "参会人员：leader、head_a" in text
    assert "观摩路线：乙县（乙县光伏产业园） → 甲县" in text
    assert "会议议程：现场观摩、逐一点评" in text
    headings = [p.text for p in document.paragraphs if p.text.startswith("（")]
    assert headings[:2] == ["（一）甲县", "（二）乙县"]
    for expected in ("亮点：开工率全市第一", "举措：十月底前完成报批", "问题2：投资完成率偏低", "亮点：招商成效明显",
                     "问题1：签约项目落地慢", "举措：建立周调度"):  # fmt: skip
        assert expected in text, expected
    assert f"问题1：用地报批滞后（已交办，督办第{assignment.pk}号）" in text


def test_the_decisions_table_names_the_assignment_each_became(minutes):
    document, _assignment, converted = minutes
    assert "二、议定事项" in _text(document)
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["序号", "事项", "责任单位", "完成时限", "督办"]
    assert [c.text for c in table.rows[1].cells] == ["1", "建立周调度机制", "乙县", "2026年10月20日",
                                                     f"督办第{converted.pk}号"]  # fmt: skip


def test_each_reader_gets_only_the_reviews_in_scope_and_the_export_is_audited(cast, meeting, reviews, client_for):
    document = _open(client_for(cast.reporter_b), meeting)
    text = _text(document)
    assert "招商成效明显" in text
    assert "开工率全市第一" not in text
    assert AuditEvent.objects.filter(object_type="meetings.meeting", object_id=str(meeting.pk), action="export",
                                     actor=cast.reporter_b).exists()  # fmt: skip
