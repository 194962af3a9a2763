"""The shared field layout: a required field's label carries Tabler's red * (class "required") and an
optional one does not; every multiple choice of units is a searchable select that loads tom-select
only where it is used, and stays a plain <select multiple> for a browser without JavaScript."""

import re

import pytest

pytestmark = pytest.mark.django_db

TOM_SELECT = "vendor/tom-select/js/tom-select.complete.min.js"


def label_classes(page: str, field_id: str) -> list[str]:
    match = re.search(rf'<label class="([^"]*)" for="{field_id}">', page)
    assert match, f"no label for {field_id}"
    return match.group(1).split()


@pytest.mark.parametrize(
    ("who", "url", "required", "optional"),
    [
        ("reporter_a", "/liaison/new/", ["id_title", "id_problem", "id_request"], ["id_project", "id_departments"]),
        ("supervisor", "/supervision/new/", ["id_title", "id_owner_unit", "id_deadline"], ["id_co_units", "id_leader"]),
        ("supervisor", "/meetings/new/", ["id_type", "id_title", "id_date"], ["id_place", "id_attending_units"]),
        ("supervisor", "/bulletins/new/", ["id_period_type", "id_year"], ["id_scope", "id_indicators"]),
    ],
)
def test_required_fields_are_marked_and_optional_ones_are_not(cast, client_for, who, url, required, optional):
    page = client_for(getattr(cast, who)).get(url).content.decode()
    for field_id in required:
        assert "required" in label_classes(page, field_id), field_id
    for field_id in optional:
        assert "required" not in label_classes(page, field_id), field_id


def test_the_login_page_marks_both_fields(client):
    page = client.get("/accounts/login/").content.decode()
    assert "required" in label_classes(page, "id_username")
    assert "required" in label_classes(page, "id_password")


@pytest.mark.parametrize(
    ("who", "url", "names"),
    [
        ("reporter_a", "/liaison/new/", ["departments", "copies"]),
        ("supervisor", "/supervision/new/", ["co_units"]),
        ("supervisor", "/meetings/new/", ["attending_units", "attendees"]),
        ("supervisor", "/bulletins/new/", ["indicators", "groups"]),
    ],
)
def test_multiple_choices_are_searchable_selects(cast, client_for, who, url, names):
    page = client_for(getattr(cast, who)).get(url).content.decode()
    selects = re.findall(r"<select [^>]*multiple[^>]*>", page)
    assert len(selects) == len(names)
    for name, tag in zip(names, selects, strict=True):
        assert f'name="{name}"' in tag
        assert "data-tj-search" in tag
        assert 'data-tj-placeholder="输入名称搜索"' in tag
    assert TOM_SELECT in page
    assert "tuijin/search-select.js" in page
    assert "<script>" not in page  # the CSP allows no inline script: the module starts itself
    assert 'data-tj-empty="没有匹配的单位"' in page or url == "/bulletins/new/"


def test_pages_without_such_a_choice_do_not_load_tom_select(cast, client_for):
    client = client_for(cast.reporter_a)
    for url in ("/", "/liaison/", "/indicators/reporting/fill/"):
        assert TOM_SELECT not in client.get(url).content.decode(), url
