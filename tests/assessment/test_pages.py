"""The assessment pages: lists, the scheme editor, results and drill-down, objections, exports, scope."""

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from docx import Document
from docx.shared import Pt
from openpyxl import load_workbook

from tuijin.assessment import services
from tuijin.assessment.models import Adjustment, Bonus, Objection, Result, RuleKind, Scheme, SchemeStatus

DEADLINE = dt.date(2099, 12, 31)


@pytest.fixture
def computed(cast, scheme, fake):
    services.results_compute(actor=cast.supervisor, scheme=scheme, month=10, figures=fake)
    return scheme


@pytest.fixture
def published(cast, scheme, fake):
    services.scheme_publish(actor=cast.supervisor, scheme=scheme)
    services.results_compute(actor=cast.supervisor, scheme=scheme, month=10, figures=fake)
    scheme.refresh_from_db()
    services.results_publish(actor=cast.supervisor, scheme=scheme, objection_deadline=DEADLINE)
    scheme.refresh_from_db()
    return scheme


def editor_post(scheme, changes: dict[int, dict] | None = None, extra: list[dict] | None = None) -> dict:
    """The editor's form as the page sends it, with `changes` per row index and `extra` new rows."""
    items = list(scheme.items.select_related("indicator"))
    data = {"version": scheme.version, "rows": len(items) + len(extra or [])}
    for index, item in enumerate(items):
        row = {
            "id": item.pk,
            "order": item.order,
            "name": item.name,
            "kind": item.kind,
            "indicator": item.indicator.code if item.indicator else "",
            "weight": item.weight,
            "cap": item.cap or "",
            "step": item.step or "",
            "amount": item.amount or "",
            "description": "",
            **(changes or {}).get(index, {}),
        }
        data.update({f"items-{index}-{k}": v for k, v in row.items()})
    for offset, row in enumerate(extra or []):
        data.update({f"items-{len(items) + offset}-{k}": v for k, v in row.items()})
    return data


# --- schemes ---------------------------------------------------------------------------------


def test_the_supervisor_lists_and_opens_the_editor(cast, scheme, client_for, django_assert_max_num_queries):
    client = client_for(cast.supervisor)
    with django_assert_max_num_queries(12):
        response = client.get("/assessment/")
    assert response.status_code == 200
    assert "2026年度目标责任制考核" in response.content.decode()
    page = client.get(f"/assessment/schemes/{scheme.pk}/").content.decode()
    assert 'data-testid="scheme-editor"' in page
    assert 'data-testid="weight-total" data-weight-total>100<' in page


def test_the_supervisor_creates_a_scheme_from_the_page(cast, client_for):
    client = client_for(cast.supervisor)
    assert client.get("/assessment/schemes/new/").status_code == 200
    data = {"year": 2026, "group": "G-CTY", "name": "县组考核", "description": ""}
    response = client.post("/assessment/schemes/new/", data)
    scheme = Scheme.objects.get(name="县组考核")
    assert response["Location"] == f"/assessment/schemes/{scheme.pk}/"
    assert client_for(cast.county_supervisor).post("/assessment/schemes/new/", data).status_code == 200  # no group
    assert Scheme.objects.count() == 1


def test_units_see_published_schemes_only(cast, scheme, client_for):
    client = client_for(cast.reporter_a)
    assert "2026年度目标责任制考核" not in client.get("/assessment/").content.decode()
    assert client.get(f"/assessment/schemes/{scheme.pk}/").status_code == 404
    services.scheme_publish(actor=cast.supervisor, scheme=scheme)
    page = client.get(f"/assessment/schemes/{scheme.pk}/").content.decode()
    assert 'data-testid="item-table"' in page
    assert "scheme-editor" not in page


def test_a_town_outside_the_group_sees_no_scheme(cast, scheme, client_for):
    services.scheme_publish(actor=cast.supervisor, scheme=scheme)
    client = client_for(cast.reporter_town_a1)
    assert "2026年度目标责任制考核" not in client.get("/assessment/").content.decode()
    assert client.get(f"/assessment/schemes/{scheme.pk}/").status_code == 404


def test_the_editor_saves_a_weight_and_adds_an_item(cast, scheme, client_for):
    client = client_for(cast.supervisor)
    data = editor_post(
        scheme, {0: {"weight": "25"}}, [{"order": 7, "name": "营商环境加分", "kind": "bonus", "weight": "5"}]
    )
    response = client.post(f"/assessment/schemes/{scheme.pk}/items/", data)
    assert response.status_code == 302
    assert scheme.items.get(order=1).weight == D(25)
    assert scheme.items.get(order=7).name == "营商环境加分"


def test_the_editor_shows_errors_in_chinese_and_saves_nothing(cast, scheme, client_for):
    client = client_for(cast.supervisor)
    data = editor_post(scheme, {0: {"weight": "abc"}, 3: {"amount": ""}})
    response = client.post(f"/assessment/schemes/{scheme.pk}/items/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "“abc”不是有效的数字。" in page
    data = editor_post(scheme, {3: {"amount": ""}})
    page = client.post(f"/assessment/schemes/{scheme.pk}/items/", data).content.decode()
    assert "扣分项须填写每件扣分（大于 0）。" in page
    assert scheme.items.get(order=4).amount == D(1)


def test_publishing_a_scheme_short_of_100_shows_why(cast, scheme, client_for):
    services.item_update(actor=cast.supervisor, item=scheme.items.get(order=6), weight=D(10))
    scheme.refresh_from_db()
    client = client_for(cast.supervisor)
    response = client.post(f"/assessment/schemes/{scheme.pk}/publish/", {"version": scheme.version}, follow=True)
    assert "各项分值合计须为 100 分，当前为 95 分。" in response.content.decode()
    scheme.refresh_from_db()
    assert scheme.status == SchemeStatus.DRAFT


def test_a_county_supervisor_cannot_change_the_group_scheme(cast, scheme, client_for):
    client = client_for(cast.county_supervisor)
    page = client.get(f"/assessment/schemes/{scheme.pk}/").content.decode()
    assert "scheme-editor" not in page
    version = scheme.version
    assert (
        client.post(f"/assessment/schemes/{scheme.pk}/items/", editor_post(scheme, {0: {"weight": "1"}})).status_code
        == 403
    )
    assert client.post(f"/assessment/schemes/{scheme.pk}/publish/", {"version": version}).status_code == 403
    assert client.post(f"/assessment/schemes/{scheme.pk}/compute/", {"month": 10}).status_code == 403
    assert client.post(f"/assessment/schemes/{scheme.pk}/new-version/").status_code == 403
    assert client.get(f"/assessment/schemes/{scheme.pk}/edit/").status_code == 403
    assert client.post(f"/assessment/schemes/{scheme.pk}/edit/", {"name": "改", "version": version}).status_code == 403
    scheme.refresh_from_db()
    assert (scheme.version, scheme.status, scheme.name) == (version, SchemeStatus.DRAFT, "2026年度目标责任制考核")
    assert Scheme.objects.count() == 1


def test_reporters_cannot_reach_the_manager_pages(cast, scheme, client_for):
    client = client_for(cast.reporter_a)
    assert client.get("/assessment/schemes/new/").status_code == 403
    assert client.post(f"/assessment/schemes/{scheme.pk}/items/", editor_post(scheme)).status_code == 403
    assert client.get("/assessment/objections/").status_code == 403


def test_the_supervisor_computes_from_the_page(cast, scheme, client_for):
    response = client_for(cast.supervisor).post(f"/assessment/schemes/{scheme.pk}/compute/", {"month": 10})
    assert response.status_code == 302
    assert Result.objects.filter(scheme=scheme, month=10).count() == 3


def test_a_bonus_is_entered_with_its_evidence(cast, scheme, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile

    item = scheme.items.get(kind=RuleKind.BONUS)
    client = client_for(cast.supervisor)
    data = {
        "item": item.pk,
        "unit": "C-A",
        "points": "3",
        "reason": "获评省级试点",
        "evidence": "省发改委文件",
        "attachment": SimpleUploadedFile("批复.pdf", b"%PDF-1.4 test\n%%EOF\n", content_type="application/pdf"),
    }
    assert client.post(f"/assessment/schemes/{scheme.pk}/bonuses/", data).status_code == 302
    bonus = item.bonuses.get()
    assert (bonus.unit.code, bonus.points, bonus.entered_by) == ("C-A", D(3), cast.supervisor)
    assert bonus.attachment.name.startswith("assessment/bonus/2026/")
    missing = client.post(f"/assessment/schemes/{scheme.pk}/bonuses/", {**data, "evidence": "", "attachment": ""})
    assert missing.status_code == 400
    assert item.bonuses.count() == 1


# --- results ---------------------------------------------------------------------------------


def test_the_results_table_ranks_the_units(cast, computed, client_for, django_assert_max_num_queries):
    client = client_for(cast.supervisor)
    with django_assert_max_num_queries(14):  # includes the menu's content flags (one query), OTP device
        response = client.get(f"/assessment/schemes/{computed.pk}/results/")
    page = response.content.decode()
    assert page.index("甲县") < page.index("乙县") < page.index("丙县")
    assert "74.25" in page
    assert "74.00" in page
    assert "21.00" in page


def test_units_see_their_own_result_once_published(cast, computed, client_for):
    client = client_for(cast.reporter_a)
    assert (
        'data-testid="results-table"' not in client.get(f"/assessment/schemes/{computed.pk}/results/").content.decode()
    )
    a = Result.objects.get(scheme=computed, unit__code="C-A")
    assert client.get(f"/assessment/results/{a.pk}/").status_code == 404


def test_a_unit_sees_only_its_own_row_and_drilldown(cast, published, client_for):
    client = client_for(cast.reporter_a)
    page = client.get(f"/assessment/schemes/{published.pk}/results/").content.decode()
    assert "甲县" in page
    assert "乙县" not in page
    b = Result.objects.get(scheme=published, unit__code="C-B")
    assert client.get(f"/assessment/results/{b.pk}/").status_code == 404


def test_the_drilldown_explains_every_point(cast, computed, client_for, django_assert_max_num_queries):
    a = Result.objects.get(scheme=computed, unit__code="C-A")
    services.adjustment_add(
        actor=cast.supervisor, result=a, points=D("0.5"), reason="数据复核", item=computed.items.get(order=1)
    )
    client = client_for(cast.supervisor)
    with django_assert_max_num_queries(20):
        page = client.get(f"/assessment/results/{a.pk}/").content.decode()
    for formula in (
        "30 × 完成比 75.0%（封顶 120.0%）= 22.50",
        "30 − (1 − 1) × 10.00 = 30.00",
        "进度差 -5.0 个百分点，按比例计分：20 × 75.0% ÷ 80.0% = 18.75",
        "5 − min(2 件 × 1, 5) = 3.00",
    ):
        assert formula in page
    assert "数据复核" in page
    assert 'data-testid="result-total">74.75<' in page


def test_a_unit_files_an_objection_from_the_drilldown(cast, published, client_for):
    a = Result.objects.get(scheme=published, unit__code="C-A")
    client = client_for(cast.head_a)
    assert 'data-testid="objection-form"' in client.get(f"/assessment/results/{a.pk}/").content.decode()
    assert client.post(f"/assessment/results/{a.pk}/objections/", {"text": ""}).status_code == 400
    response = client.post(f"/assessment/results/{a.pk}/objections/", {"text": "逾期件数有误"})
    assert response.status_code == 302
    assert Objection.objects.get().filed_by == cast.head_a


def test_another_units_reporter_cannot_object(cast, published, client_for):
    a = Result.objects.get(scheme=published, unit__code="C-A")
    assert (
        client_for(cast.reporter_b).post(f"/assessment/results/{a.pk}/objections/", {"text": "代申诉"}).status_code
        == 404
    )
    assert not Objection.objects.exists()


def test_the_supervisor_decides_and_adjusts_from_the_drilldown(cast, published, client_for):
    a = Result.objects.get(scheme=published, unit__code="C-A")
    objection = services.objection_file(actor=cast.head_a, result=a, text="逾期件数有误")
    client = client_for(cast.supervisor)
    assert client.get("/assessment/objections/").content.decode().count("逾期件数有误") == 1
    data = {"decision": "accept", "response": "核实属实", "points": "1", "version": objection.version}
    assert client.post(f"/assessment/results/{a.pk}/objections/{objection.pk}/decide/", data).status_code == 302
    assert Adjustment.objects.get().points == D(1)
    data = {"points": "-0.5", "reason": "", "version": a.version + 1}
    assert client.post(f"/assessment/results/{a.pk}/adjustments/", data).status_code == 400
    assert Adjustment.objects.count() == 1


def test_other_units_cannot_decide_or_adjust(cast, published, client_for):
    a = Result.objects.get(scheme=published, unit__code="C-A")
    objection = services.objection_file(actor=cast.head_a, result=a, text="有误")
    head = client_for(cast.head_a)
    data = {"decision": "accept", "response": "自己采纳", "points": "5", "version": objection.version}
    assert head.post(f"/assessment/results/{a.pk}/objections/{objection.pk}/decide/", data).status_code == 403
    assert (
        head.post(
            f"/assessment/results/{a.pk}/adjustments/", {"points": "5", "reason": "x", "version": a.version}
        ).status_code
        == 403
    )
    county = client_for(cast.county_supervisor)
    assert (
        county.post(
            f"/assessment/results/{a.pk}/adjustments/", {"points": "5", "reason": "x", "version": a.version}
        ).status_code
        == 403
    )
    objection.refresh_from_db()
    assert objection.status == "pending"
    assert not Adjustment.objects.exists()


# --- exports ---------------------------------------------------------------------------------


def test_the_xlsx_holds_the_ranking_and_the_drilldown(cast, computed, client_for):
    response = client_for(cast.supervisor).get(f"/assessment/schemes/{computed.pk}/results.xlsx")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    ranking = wb.worksheets[0]
    assert [c.value for c in ranking[1]][:3] == ["名次", "单位", "固定资产投资完成率（30）"]
    assert [c.value for c in ranking[2]][:3] == [1, "甲县", 22.5]
    assert ranking.cell(row=2, column=ranking.max_column).value == 74.25
    assert ranking.cell(row=2, column=3).number_format == "0.00"
    detail = wb["得分明细"]
    rows = list(detail.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 18
    assert rows[0][:5] == ("甲县", "固定资产投资完成率", 30.0, "完成率计分", 22.5)
    assert rows[0][5] == "30 × 完成比 75.0%（封顶 120.0%）= 22.50"


def test_the_docx_report_has_the_bulletin_layout(cast, computed, client_for):
    response = client_for(cast.supervisor).get(f"/assessment/schemes/{computed.pk}/results.docx")
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    section = doc.sections[0]
    assert [round(x.mm) for x in (section.page_width, section.page_height)] == [210, 297]  # A4
    assert [round(x.mm) for x in (section.top_margin, section.left_margin)] == [37, 28]
    title = doc.paragraphs[0].runs[0]
    assert title.text == "2026年度目标责任制考核结果通报"
    assert title.font.size == Pt(22)
    fonts = title._element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "方正小标宋简体"
    body = doc.paragraphs[1].runs[0]
    assert body.font.size == Pt(16)
    assert (
        body._element.rPr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
        == "仿宋_GB2312"
    )
    table = doc.tables[0]
    assert [c.text for c in table.rows[1].cells][:2] == ["1", "甲县"]
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "5 − min(2 件 × 1, 5) = 3.00" in text


def test_exports_are_scoped(cast, computed, client_for):
    town = client_for(cast.reporter_town_a1)
    assert town.get(f"/assessment/schemes/{computed.pk}/results.xlsx").status_code == 404
    reporter = client_for(cast.reporter_a)
    assert reporter.get(f"/assessment/schemes/{computed.pk}/results.xlsx").status_code == 404  # draft scheme
    services.scheme_publish(actor=cast.supervisor, scheme=computed)
    assert reporter.get(f"/assessment/schemes/{computed.pk}/results.docx").status_code == 404  # not published yet


def test_the_supervisor_publishes_results_from_the_page(cast, scheme, fake, client_for):
    services.scheme_publish(actor=cast.supervisor, scheme=scheme)
    services.results_compute(actor=cast.supervisor, scheme=scheme, month=10, figures=fake)
    scheme.refresh_from_db()
    client = client_for(cast.supervisor)
    assert 'data-testid="results-publish"' in client.get(f"/assessment/schemes/{scheme.pk}/").content.decode()
    data = {"objection_deadline": "2099-12-31", "version": scheme.version}
    assert client.post(f"/assessment/schemes/{scheme.pk}/results/publish/", data).status_code == 302
    scheme.refresh_from_db()
    assert scheme.status == SchemeStatus.LOCKED
    page = client.get(f"/assessment/schemes/{scheme.pk}/").content.decode()
    assert "已锁定" in page
    assert 'data-testid="compute"' not in page


def test_a_new_version_from_the_page_opens_its_editor(cast, published, client_for):
    response = client_for(cast.supervisor).post(f"/assessment/schemes/{published.pk}/new-version/")
    copy = Scheme.objects.get(version_no=2)
    assert response["Location"] == f"/assessment/schemes/{copy.pk}/"
    assert copy.items.count() == 6


@pytest.mark.parametrize("kind", ["soh", "bel", "formula", "colon"])
def test_the_results_exports_open_whatever_item_name_was_stored(cast, computed, client_for, kind):
    from tests.core.hostile import HOSTILE, holds, open_safely
    from tuijin.assessment.models import SchemeItem

    stored, shown = HOSTILE[kind]
    SchemeItem.objects.filter(scheme=computed).update(name=stored)  # stored before input was checked
    Scheme.objects.filter(pk=computed.pk).update(name=f"考核{stored}")
    client = client_for(cast.supervisor)
    wb = open_safely(client.get(f"/assessment/schemes/{computed.pk}/results.xlsx"))
    assert holds(wb, shown)
    response = client.get(f"/assessment/schemes/{computed.pk}/results.docx")
    assert response.status_code == 200
    assert "HYPERLINK" in str(Document(io.BytesIO(response.content)).element.xml) or kind != "formula"


def test_a_unit_sees_only_its_own_bonus_records_on_the_scheme_page(cast, published, client_for):
    item = published.items.get(kind=RuleKind.BONUS)
    for unit, reason in ((cast.county_a, "甲县获评省级试点"), (cast.county_b, "乙县获评国家示范")):
        Bonus.objects.create(item=item, unit=unit, points=D(2), reason=reason, evidence=f"{reason}的文件",
                             entered_by=cast.supervisor)  # fmt: skip
    other = client_for(cast.reporter_b).get(f"/assessment/schemes/{published.pk}/")
    assert other.status_code == 200
    body = other.content.decode()
    assert "乙县获评国家示范" in body
    assert "甲县获评省级试点" not in body
    assert "甲县获评省级试点的文件" not in body
    everyone = client_for(cast.supervisor).get(f"/assessment/schemes/{published.pk}/").content.decode()
    assert "甲县获评省级试点" in everyone
    assert "乙县获评国家示范" in everyone
