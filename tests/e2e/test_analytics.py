"""The ranking page in a real browser: the ECharts bar chart is drawn and the table is there."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.indicators.conftest import YEAR, build_catalogue
from tuijin.indicators.models import Report, Submission, SubmissionStatus, Target

pytestmark = pytest.mark.e2e


def test_supervisor_sees_the_ranking_chart_and_table(cast, login):
    catalogue = build_catalogue(cast)
    for unit, target, value in ((cast.county_a, 200, 90), (cast.county_b, 100, 70)):
        Target.objects.create(unit=unit, indicator=catalogue.fai, year=YEAR, value=Decimal(target))
        submission = Submission.objects.create(unit=unit, year=YEAR, month=6, status=SubmissionStatus.SUBMITTED)
        Report.objects.create(submission=submission, unit=unit, indicator=catalogue.fai, year=YEAR, month=6,
                              value=Decimal(value))  # fmt: skip
    page = login("supervisor")
    page.goto(f"/indicators/analytics/ranking/?group=G-CTY&indicator=FAI&year={YEAR}&month=6")
    table = page.locator("[data-testid=ranking-table]")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table.locator("tbody tr").first).to_contain_text("乙县")  # 70% ranks before 45%
    expect(table.locator("td.tj-rag-red")).to_contain_text("-5.0")
    canvas = page.locator("[data-testid=ranking-chart] canvas")
    expect(canvas).to_have_count(1)
    box = canvas.bounding_box()
    assert box["width"] > 300
    assert box["height"] > 300
    page.goto(f"/indicators/analytics/cockpit/C-A/?year={YEAR}&month=6")
    expect(page.locator("[data-testid=cockpit-table]")).to_contain_text("固定资产投资")
    expect(page.locator(".tj-chart-small canvas").first).to_be_visible()


# Every text ECharts drew, with its left and right edge after rotation, and the chart's width.
CHART_TEXTS = """() => {
  const chart = echarts.getInstanceByDom(document.querySelector('[data-testid=ranking-chart]'));
  const texts = [];
  const visit = el => {
    if (el.type === 'text' && !el.ignore && !el.invisible && el.style && el.style.text) {
      const r = el.getBoundingRect().clone();
      const m = el.getComputedTransform();
      if (m) r.applyTransform(m);
      texts.push([String(el.style.text), r.x, r.x + r.width]);
    }
    if (el.childrenRef) el.childrenRef().forEach(visit);
    if (el.getTextContent && el.getTextContent()) visit(el.getTextContent());
  };
  chart.getZr().storage.getRoots().forEach(visit);
  return {width: chart.getWidth(), texts: texts};
}"""


@pytest.mark.parametrize("width", [1920, 390])
def test_no_label_of_the_ranking_chart_is_clipped(cast, login, width):
    # Issue 11: the pace line's label ran past the right edge and showed as "时F".
    catalogue = build_catalogue(cast)
    cast.county_b.name = "乙县经济技术开发区"  # a long name must not be cut either
    cast.county_b.save()
    for unit, target, value in ((cast.county_a, 200, 90), (cast.county_b, 100, 70)):
        Target.objects.create(unit=unit, indicator=catalogue.fai, year=YEAR, value=Decimal(target))
        submission = Submission.objects.create(unit=unit, year=YEAR, month=6, status=SubmissionStatus.SUBMITTED)
        Report.objects.create(submission=submission, unit=unit, indicator=catalogue.fai, year=YEAR, month=6,
                              value=Decimal(value))  # fmt: skip
    page = login("supervisor")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"/indicators/analytics/ranking/?group=G-CTY&indicator=FAI&year={YEAR}&month=6")
    expect(page.locator("[data-testid=ranking-chart] canvas")).to_have_count(1)
    # ECharts animates the bars and the pace line's label into place: read them once they stand still.
    drawn, previous = page.evaluate(CHART_TEXTS), None
    for _ in range(30):
        if drawn == previous:
            break
        page.wait_for_timeout(200)
        drawn, previous = page.evaluate(CHART_TEXTS), drawn
    labels = {text for text, _, _ in drawn["texts"]}
    assert {"时序进度 50.0", "甲县", "乙县经济技术开发区"} <= labels
    for text, left, right in drawn["texts"]:
        assert left >= 0, text
        assert right <= drawn["width"], text
