"""A bonus's evidence file opens from the drill-down for those who see the result; the .docx report is
in the bulletin's layout; a locked scheme takes no more edits."""

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from tuijin.assessment import services
from tuijin.assessment.models import Result, RuleKind, SchemeStatus

EVIDENCE = b"%PDF-1.4 approval\n%%EOF\n"


@pytest.fixture
def with_evidence(cast, scheme, fake, settings, tmp_path):
    """C-A awarded 3 points with a file; results computed and published (window open until 2099)."""
    settings.MEDIA_ROOT = tmp_path
    bonus = services.bonus_add(
        actor=cast.supervisor, item=scheme.items.get(kind=RuleKind.BONUS), unit=cast.county_a, points=D(3),
        reason="获评省级试点", evidence="省发改委批复", attachment=SimpleUploadedFile("批复.pdf", EVIDENCE),
    )  # fmt: skip
    scheme.refresh_from_db()
    services.scheme_publish(actor=cast.supervisor, scheme=scheme)
    services.results_compute(actor=cast.supervisor, scheme=scheme, month=10, figures=fake)
    scheme.refresh_from_db()
    services.results_publish(actor=cast.supervisor, scheme=scheme, objection_deadline=dt.date(2099, 1, 1))
    return bonus


def test_the_drilldown_links_the_evidence_file_for_the_unit_and_its_supervisor(cast, with_evidence, client_for):
    url = f"/assessment/bonuses/{with_evidence.pk}/attachment/"
    result = Result.objects.get(unit=cast.county_a)
    page = client_for(cast.head_a).get(f"/assessment/results/{result.pk}/").content.decode()
    assert "获评省级试点" in page
    assert url in page
    for user in (cast.head_a, cast.supervisor, cast.leader):
        response = client_for(user).get(url)
        assert response.status_code == 200, user
        assert b"".join(response.streaming_content) == EVIDENCE
        assert "attachment" in response["Content-Disposition"]


def test_other_units_cannot_open_the_evidence(cast, with_evidence, client_for):
    url = f"/assessment/bonuses/{with_evidence.pk}/attachment/"
    assert client_for(cast.reporter_b).get(url).status_code == 404  # another county's result
    assert client_for(cast.reporter_town_a1).get(url).status_code == 404  # a town: not in the group
    assert client_for(cast.auditor).get(url).status_code == 403


def test_before_publishing_only_managers_open_the_evidence(cast, scheme, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    bonus = services.bonus_add(
        actor=cast.supervisor, item=scheme.items.get(kind=RuleKind.BONUS), unit=cast.county_a, points=D(1),
        reason="试点", evidence="文件", attachment=SimpleUploadedFile("a.pdf", EVIDENCE),
    )  # fmt: skip
    url = f"/assessment/bonuses/{bonus.pk}/attachment/"
    assert client_for(cast.supervisor).get(url).status_code == 200
    assert client_for(cast.head_a).get(url).status_code == 404


def test_the_report_is_in_the_bulletin_layout(cast, with_evidence, client_for):
    scheme = with_evidence.item.scheme
    response = client_for(cast.supervisor).get(f"/assessment/schemes/{scheme.pk}/results.docx")
    doc = Document(io.BytesIO(response.content))
    section = doc.sections[0]
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                  section.right_margin)] == [37, 35, 28, 26]  # fmt: skip
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "2026年度目标责任制考核结果通报"
    assert "2026年度目标责任制考核得分及排名" in texts  # the table's caption
    heading = next(p for p in doc.paragraphs if p.text == "一、考核得分及排名")
    assert heading.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    second = next(p for p in doc.paragraphs if p.text.startswith("（一）甲县"))
    assert second.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "楷体_GB2312"
    date = doc.paragraphs[-1]
    assert (date.alignment, date.paragraph_format.right_indent) == (2, Pt(64))  # 右空四字
    assert date.text.endswith("日")
    cells = [r for c in doc.tables[0]._cells for p in c.paragraphs for r in p.runs]
    assert len(doc.tables[0].columns) == 10  # 名次, 单位, six items, 调整, 总分
    assert {r.font.size for r in cells} == {Pt(10.5)}  # 五号 for ten columns
    assert {r._element.rPr.rFonts.get(qn("w:eastAsia")) for r in cells} == {"仿宋_GB2312"}
    assert doc.tables[0].cell(1, 1).text == "甲县"


def test_a_locked_scheme_takes_no_edits(cast, with_evidence):
    scheme = with_evidence.item.scheme
    scheme.refresh_from_db()
    assert scheme.status == SchemeStatus.LOCKED
    with pytest.raises(ValidationError, match="方案已锁定"):
        services.scheme_update(actor=cast.supervisor, scheme=scheme, name="改名")
    with pytest.raises(ValidationError, match="方案已锁定"):
        services.bonus_delete(actor=cast.supervisor, bonus=with_evidence)
    with pytest.raises(ValidationError):
        services.item_update(actor=cast.supervisor, item=scheme.items.first(), weight=D(1))
    scheme.refresh_from_db()
    assert scheme.name == "2026年度目标责任制考核"
    assert with_evidence.item.bonuses.count() == 1


@pytest.mark.parametrize(
    ("name", "build", "message"),
    [
        ("报告.html", lambda h: b"<html><script>alert(1)</script></html>", "附件须为"),
        ("说明.docx", lambda h: h.inflating_content_types_docx(64 * h.MiB), "疑似压缩炸弹"),
        ("表.xlsx", lambda h: h.inflating_sheet(64 * h.MiB, lie=True), "疑似压缩炸弹"),
        ("图.png", lambda h: h.huge_png(), "像素过多"),
    ],
    ids=["html", "content-types", "sheet-lying", "pixels"],
)
def test_a_bonus_with_a_hostile_attachment_is_refused(
    cast, scheme, client_for, settings, tmp_path, name, build, message
):
    from tests import hostile_files as hostile
    from tuijin.assessment.models import Bonus

    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile(name, build(hostile), content_type="text/html")
    data = {"item": scheme.items.get(kind=RuleKind.BONUS).pk, "unit": "C-A", "points": "3", "reason": "试点",
            "evidence": "文件", "attachment": upload}  # fmt: skip
    with hostile.memory_cap():
        response = client_for(cast.supervisor).post(f"/assessment/schemes/{scheme.pk}/bonuses/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Bonus.objects.exists()
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_a_bonus_attachment_is_stored_under_a_generated_name_and_served_safely(
    cast, scheme, client_for, settings, tmp_path
):
    from tuijin.assessment.models import Bonus

    settings.MEDIA_ROOT = tmp_path
    bonus = services.bonus_add(
        actor=cast.supervisor, item=scheme.items.get(kind=RuleKind.BONUS), unit=cast.county_a, points=D(1),
        reason="试点", evidence="文件", attachment=SimpleUploadedFile("<script>.txt", EVIDENCE),
    )  # fmt: skip
    assert bonus.attachment.name.endswith(".pdf")
    assert "script" not in bonus.attachment.name
    response = client_for(cast.supervisor).get(f"/assessment/bonuses/{bonus.pk}/attachment/")
    assert (response["Content-Type"], response["X-Content-Type-Options"]) == ("application/pdf", "nosniff")
    # a file stored before the check, under the uploader's name, is an opaque download
    Bonus.objects.filter(pk=bonus.pk).update(attachment=bonus.attachment.name.replace(".pdf", ".html"))
    (tmp_path / bonus.attachment.name).rename(tmp_path / bonus.attachment.name.replace(".pdf", ".html"))
    response = client_for(cast.supervisor).get(f"/assessment/bonuses/{bonus.pk}/attachment/")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
