"""Each app's settings are declared once (its conf.py): read at call time, so override_settings
applies; a bad value is refused where it is read and reported by Django's system checks; and
docs/settings.md lists every one of them."""

import hashlib
import runpy
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from tuijin.audit import conf as audit_conf
from tuijin.bulletins import conf as bulletins_conf
from tuijin.core import appconf
from tuijin.core import conf as core_conf
from tuijin.indicators import conf as indicators_conf
from tuijin.projects import conf as projects_conf
from tuijin.supervision import conf as supervision_conf
from tuijin.supervision import metrics

DOC = Path(django_settings.BASE_DIR) / "docs" / "settings.md"


def errors_for(setting: str) -> list[checks.CheckMessage]:
    return [m for m in checks.run_checks() if m.obj == setting]


def test_the_defaults_apply_when_settings_py_sets_nothing():
    assert not hasattr(django_settings, "TUIJIN_PHOTO_MAX_BYTES")
    assert projects_conf.PHOTO_MAX_BYTES == 10 * 1024 * 1024
    assert indicators_conf.REPORT_REMINDER_DAYS == (2, 0)
    assert metrics.DEFAULT.list_days == supervision_conf.ASSIGNMENT_LIST_DAYS
    assert audit_conf.AUDIT_ARCHIVE_DIR == django_settings.BASE_DIR / "var" / "audit-archive"
    assert audit_conf.AUDIT_ARCHIVE_KEY == django_settings.SECRET_KEY


def test_a_setting_is_read_when_used_so_override_settings_applies():
    with override_settings(TUIJIN_PHOTO_MAX_BYTES=1000, TUIJIN_REPORTING_DEADLINE_RULE="working"):
        assert projects_conf.PHOTO_MAX_BYTES == 1000
        assert indicators_conf.REPORTING_DEADLINE_RULE == "working"
    assert projects_conf.PHOTO_MAX_BYTES == 10 * 1024 * 1024


def test_the_pytest_settings_fixture_applies_too(settings):
    settings.TUIJIN_TRUSTED_PROXIES = 2
    assert core_conf.TRUSTED_PROXIES == 2


def test_a_name_no_app_declares_is_an_attribute_error():
    with pytest.raises(AttributeError, match="PHOTO_MAX_BYTE"):
        projects_conf.PHOTO_MAX_BYTE  # noqa: B018


def test_the_settings_as_shipped_pass_the_checks():
    assert [m for m in checks.run_checks() if m.id.startswith("tuijin.E01")] == []


@pytest.mark.parametrize(
    ("overrides", "setting", "check_id"),
    [
        ({"TUIJIN_PROJECT_ADMISSION_RULES": "yes"}, "TUIJIN_PROJECT_ADMISSION_RULES", "tuijin.E010"),
        ({"TUIJIN_PHOTO_MAX_BYTES": "10MB"}, "TUIJIN_PHOTO_MAX_BYTES", "tuijin.E010"),
        ({"TUIJIN_BULLETIN_WORDING": {"FAI": 1}}, "TUIJIN_BULLETIN_WORDING", "tuijin.E010"),
        ({"TUIJIN_PASSWORD_MAX_AGE_DAYS": -90}, "TUIJIN_PASSWORD_MAX_AGE_DAYS", "tuijin.E011"),
        ({"TUIJIN_PACE_RED_PP": 101}, "TUIJIN_PACE_RED_PP", "tuijin.E011"),
        ({"TUIJIN_REPORT_REMINDER_DAYS": (2, 21)}, "TUIJIN_REPORT_REMINDER_DAYS", "tuijin.E011"),
        ({"TUIJIN_SHEET_DAY_MODE": "lunar"}, "TUIJIN_SHEET_DAY_MODE", "tuijin.E012"),
        ({"TUIJIN_AUDIT_RETENTION_DAYS": 30}, "TUIJIN_AUDIT_RETENTION_DAYS", "tuijin.E013"),
        ({"TUIJIN_AUDIT_ARCHIVE_KEY": ""}, "TUIJIN_AUDIT_ARCHIVE_KEY", "tuijin.E013"),
    ],
)
def test_each_check_id_fires_on_a_bad_value(overrides, setting, check_id):
    with override_settings(**overrides):
        assert [m.id for m in errors_for(setting)] == [check_id]
        with pytest.raises(SystemCheckError, match=setting):
            call_command("check")


def test_a_bad_value_is_refused_where_it_is_read():
    with override_settings(TUIJIN_PACE_RED_PP=0), pytest.raises(ImproperlyConfigured, match=r"tuijin\.E011"):
        indicators_conf.PACE_RED_PP  # noqa: B018


def test_a_hash_the_server_lacks_is_refused(monkeypatch):
    def new(name, *args, **kwargs):
        raise ValueError(f"unsupported hash type {name}")

    monkeypatch.setattr(hashlib, "new", new)
    with override_settings(TUIJIN_AUDIT_HASH_ALGORITHM="sm3"):
        assert [m.id for m in errors_for("TUIJIN_AUDIT_HASH_ALGORITHM")] == ["tuijin.E013"]


def test_the_bulletin_form_falls_back_to_the_root_unit_when_unset(db):
    assert bulletins_conf.number_prefix() == "本督通"
    with override_settings(TUIJIN_BULLETIN_NUMBER_PREFIX=" 示督通 "):
        assert bulletins_conf.number_prefix() == "示督通"


def test_every_declared_setting_is_in_the_documentation():
    expected = appconf.document(appconf.declared())
    assert DOC.read_text(encoding="utf-8") == expected, "run `DEBUG=1 python manage.py settings_doc`"


def test_every_app_with_settings_has_its_conf():
    apps_with_conf = {conf.app for conf in appconf.declared()}
    assert apps_with_conf == {
        "core", "orgs", "audit", "indicators", "projects", "bulletins", "liaison", "notifications", "supervision",
    }  # fmt: skip


def test_every_environment_variable_named_in_a_conf_is_read_by_settings_py():
    source = (Path(django_settings.BASE_DIR) / "tuijin" / "settings.py").read_text(encoding="utf-8")
    for conf in appconf.declared():
        for setting in conf:
            for name in filter(None, (part.strip() for part in setting.env.split(","))):
                assert f'"{name}"' in source, f"{setting.setting}: settings.py does not read {name}"


def test_settings_py_sets_a_project_setting_only_from_its_environment_variable(monkeypatch):
    source = str(Path(django_settings.BASE_DIR) / "tuijin" / "settings.py")
    for name in ("PACE_RED_PP", "PACE_AMBER_PP", "TRUSTED_PROXIES", "BEHIND_TLS_PROXY", "AUDIT_HASH_ALGORITHM"):
        monkeypatch.delenv(name, raising=False)
    assert not any(name.startswith("TUIJIN_PACE") for name in runpy.run_path(source))
    monkeypatch.setenv("PACE_AMBER_PP", "7")  # the older name still counts
    monkeypatch.setenv("BEHIND_TLS_PROXY", "1")  # one trusted proxy unless TRUSTED_PROXIES says otherwise
    monkeypatch.setenv("AUDIT_HASH_ALGORITHM", " SM3 ")
    read = runpy.run_path(source)
    assert (read["TUIJIN_PACE_RED_PP"], read["TUIJIN_TRUSTED_PROXIES"], read["TUIJIN_AUDIT_HASH_ALGORITHM"]) == (
        7,
        1,
        "sm3",
    )
    assert "TUIJIN_PACE_AHEAD_PP" not in read
