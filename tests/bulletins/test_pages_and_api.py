"""The bulletin pages and API: who may draft, edit, publish and read — and nothing changes when refused."""

import pytest

from tests.bulletins.support import YEAR, june
from tests.conftest import PASSWORD
from tuijin.bulletins import services
from tuijin.bulletins.models import Block, Bulletin, Status
from tuijin.orgs import services as org_services
from tuijin.orgs.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(cast, catalogue):
    june(cast, catalogue)
    return services.bulletin_create(actor=cast.supervisor, period_type="month", year=YEAR, period=6)


def publish(bulletin, actor):
    return services.bulletin_publish(actor=actor, bulletin=bulletin, expected_version=bulletin.version)


def test_supervisor_drafts_from_the_create_page(cast, catalogue, client_for):
    june(cast, catalogue)
    client = client_for(cast.supervisor)
    assert client.get("/bulletins/new/").status_code == 200
    response = client.post("/bulletins/new/", {"period_type": "month", "year": YEAR, "period": 6, "scope": ""})
    bulletin = Bulletin.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/bulletins/{bulletin.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "全市累计完成固定资产投资 610.0 亿元" in page
    assert 'data-testid="publish-form"' in page


def test_a_reporter_cannot_draft_and_nothing_is_created(cast, catalogue, client_for):
    client = client_for(cast.reporter_a)
    assert client.get("/bulletins/new/").status_code == 403
    assert client.post("/bulletins/new/", {"period_type": "month", "year": YEAR, "period": 6}).status_code == 403
    response = client.post("/api/v1/bulletins/", {"period_type": "month", "year": YEAR, "period": 6})
    assert response.status_code == 403
    assert not Bulletin.objects.exists()


def test_a_county_supervisor_drafts_only_within_the_county(cast, catalogue, client_for):
    june(cast, catalogue)
    client = client_for(cast.county_supervisor)
    whole = client.post("/api/v1/bulletins/", {"period_type": "month", "year": YEAR, "period": 6})
    other = client.post("/api/v1/bulletins/", {"period_type": "month", "year": YEAR, "period": 6, "scope": "C-B"})
    assert whole.status_code == 403
    assert other.status_code == 403
    assert not Bulletin.objects.exists()
    own = client.post("/api/v1/bulletins/", {"period_type": "month", "year": YEAR, "period": 6, "scope": "C-A"})
    assert own.status_code == 201
    assert own.json()["scope"] == "C-A"
    assert own.json()["status"] == "draft"


def test_drafts_are_for_supervisors_only(cast, draft, client_for):
    for user in (cast.reporter_a, cast.leader, cast.head_a):
        client = client_for(user)
        assert client.get(f"/bulletins/{draft.pk}/").status_code == 404
        assert client.get(f"/api/v1/bulletins/{draft.pk}/").status_code == 404
        assert client.get(f"/bulletins/{draft.pk}/download.docx").status_code == 404
    assert client_for(cast.county_supervisor).get(f"/bulletins/{draft.pk}/").status_code == 404  # city-wide scope


def test_a_published_bulletin_is_read_by_the_units_it_was_published_to(cast, catalogue, client_for):
    june(cast, catalogue)
    county = services.bulletin_create(
        actor=cast.supervisor, period_type="month", year=YEAR, period=6, scope_unit=cast.county_a
    )
    county = publish(county, cast.supervisor)
    assert client_for(cast.reporter_town_a1).get(f"/bulletins/{county.pk}/").status_code == 200
    assert client_for(cast.leader).get(f"/bulletins/{county.pk}/").status_code == 200
    assert client_for(cast.reporter_b).get(f"/bulletins/{county.pk}/").status_code == 404
    assert client_for(cast.reporter_b).get(f"/api/v1/bulletins/{county.pk}/pdf/").status_code == 404
    assert client_for(cast.reporter_b).get("/api/v1/bulletins/").json()["results"] == []
    assert client_for(cast.auditor).get(f"/bulletins/{county.pk}/").status_code == 403


def test_inline_edit_of_a_sentence(cast, draft, client_for):
    client = client_for(cast.supervisor)
    url = f"/bulletins/{draft.pk}/blocks/overview.FAI/"
    form = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<textarea" in form
    assert 'name="version" value="1"' in form
    response = client.post(url, {"text": "全市固定资产投资总体平稳。", "version": 1}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "全市固定资产投资总体平稳。" in html
    assert "已修改" in html
    assert 'id="bulletin-version"' in html
    assert 'hx-swap-oob="true"' in html
    stale = client.post(url, {"text": "旧页面上的修改。", "version": 1}, headers={"HX-Request": "true"})
    assert "已被他人修改" in stale.content.decode()
    assert Block.objects.get(bulletin=draft, key="overview.FAI").text == "全市固定资产投资总体平稳。"


def test_others_cannot_edit_or_publish_and_nothing_changes(cast, draft, client_for):
    url = f"/bulletins/{draft.pk}/blocks/overview.FAI/"
    before = Block.objects.get(bulletin=draft, key="overview.FAI").text
    for user in (cast.reporter_a, cast.county_supervisor):
        client = client_for(user)
        assert client.post(url, {"text": "篡改", "version": 1}).status_code in (403, 404)
        assert client.post(f"/bulletins/{draft.pk}/publish/", {"version": draft.version}).status_code in (403, 404)
        api = client.patch(f"/api/v1/bulletins/{draft.pk}/blocks/overview.FAI/", {"text": "篡改", "version": 1},
                           content_type="application/json")  # fmt: skip
        assert api.status_code in (403, 404)
        assert client.post(f"/api/v1/bulletins/{draft.pk}/publish/", {"version": draft.version}).status_code in (
            403,
            404,
        )
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert Block.objects.get(bulletin=draft, key="overview.FAI").text == before


def test_publish_page_and_download(cast, draft, client_for):
    client = client_for(cast.supervisor)
    response = client.post(f"/bulletins/{draft.pk}/publish/", {"version": draft.version, "confirm": "on"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    assert len(draft.docx_sha256) == 64
    download = client.get(f"/bulletins/{draft.pk}/download.docx")
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert b"".join(download.streaming_content)[:2] == b"PK"
    assert client.get(f"/bulletins/{draft.pk}/charts/chart.FAI.G-CTY.png")["Content-Type"] == "image/png"
    page = client.get(f"/bulletins/{draft.pk}/").content.decode()
    assert 'data-testid="reads"' in page
    assert "publish-form" not in page


def test_api_round_trip(cast, catalogue, client_for):
    june(cast, catalogue)
    client = client_for(cast.supervisor)
    created = client.post("/api/v1/bulletins/", {"period_type": "month", "year": YEAR, "period": 6}).json()
    pk = created["id"]
    detail = client.get(f"/api/v1/bulletins/{pk}/").json()
    assert any(i.get("key") == "overview.FAI" for i in detail["document"]["items"])
    patched = client.patch(f"/api/v1/bulletins/{pk}/blocks/overview.FAI/", {"text": "改写的一句。", "version": 1},
                           content_type="application/json")  # fmt: skip
    assert patched.status_code == 200
    assert patched.json()["version"] == 2
    stale = client.post(f"/api/v1/bulletins/{pk}/publish/", {"version": created["version"]})
    assert stale.status_code == 409
    version = client.get(f"/api/v1/bulletins/{pk}/").json()["version"]
    done = client.post(f"/api/v1/bulletins/{pk}/publish/", {"version": version})
    assert done.status_code == 200
    assert done.json()["status"] == "published"
    rows = client.get("/api/v1/bulletins/").json()["results"]
    assert rows[0]["status"] == "published"
    assert rows[0]["links"]["pdf"].endswith(f"/api/v1/bulletins/{pk}/pdf/")
    pdf = client.get(f"/api/v1/bulletins/{pk}/pdf/")
    assert b"".join(pdf.streaming_content)[:5] == b"%PDF-"
    bulletin = Bulletin.objects.get(pk=pk)
    assert next(i for i in bulletin.snapshot["items"] if i.get("key") == "overview.FAI")["text"] == "改写的一句。"


def test_list_page_queries_stay_flat(cast, catalogue, client_for, django_assert_max_num_queries):
    june(cast, catalogue)
    for month in (4, 5, 6):
        services.bulletin_create(actor=cast.supervisor, period_type="month", year=YEAR, period=month)
    client = client_for(cast.supervisor)
    with django_assert_max_num_queries(12):
        response = client.get("/bulletins/")
    assert response.content.decode().count('data-testid="bulletin-') == 3 + 2  # rows + table + create button


def test_another_county_reaches_no_part_of_a_county_bulletin_and_cannot_correct_it(cast, catalogue, client_for):
    june(cast, catalogue)
    county = services.bulletin_create(
        actor=cast.supervisor, period_type="month", year=YEAR, period=6, scope_unit=cast.county_a
    )
    county = publish(county, cast.supervisor)
    chart = county.charts.values_list("key", flat=True).first()
    reporter = client_for(cast.reporter_b)
    for url in (f"/bulletins/{county.pk}/versions/", f"/bulletins/{county.pk}/charts/{chart}.png",
                f"/bulletins/{county.pk}/download.docx", f"/api/v1/bulletins/{county.pk}/versions/",
                f"/api/v1/bulletins/{county.pk}/docx/"):  # fmt: skip
        assert reporter.get(url).status_code == 404, url
    # A supervisor of the other county: a correction of this bulletin is not theirs to make.
    other = org_services.user_create(actor=cast.sysadmin, username="supervisor_b", password=PASSWORD,
                                     unit=cast.county_b, must_change_password=False)  # fmt: skip
    other = org_services.roles_set(actor=cast.secadmin, user=other, roles=[Role.SUPERVISOR])
    for user in (cast.reporter_a, other):
        client = client_for(user)
        assert client.post(f"/bulletins/{county.pk}/new-version/").status_code in (403, 404)
        assert client.post(f"/api/v1/bulletins/{county.pk}/new_version/").status_code in (403, 404)
    assert Bulletin.objects.count() == 1


def test_drafting_a_month_whose_draft_exists_links_to_that_draft(cast, catalogue, client_for):
    # Issue 15: the refusal said "更正请在已发布的通报上生成新版本" of an unpublished draft, with no link.
    june(cast, catalogue)
    draft = services.bulletin_create(actor=cast.supervisor, period_type="month", year=YEAR, period=6)
    client = client_for(cast.supervisor)
    html = client.post("/bulletins/new/", {"period_type": "month", "year": YEAR, "period": 6, "scope": ""}).content
    html = html.decode()
    assert "已有未发布的通报草稿" in html
    assert "生成新版本" not in html
    assert f'href="/bulletins/{draft.pk}/"' in html
    published = services.bulletin_publish(actor=cast.supervisor, bulletin=draft, expected_version=draft.version)
    html = client.post("/bulletins/new/", {"period_type": "month", "year": YEAR, "period": 6, "scope": ""}).content
    assert "已发布；更正请在已发布的通报上生成新版本" in html.decode()
    assert f'href="/bulletins/{published.pk}/"' in html.decode()
