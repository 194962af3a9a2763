"""Production settings pass Django's deploy checks, and bad environment values are refused."""

import os
import subprocess
import sys

from django.conf import settings

FIELD_KEY = "I4NF9W-ek4ASYgoLlo2s9sXmLkQuh8E16YHKItfKgYM="  # a well-formed Fernet key, for these runs only


def run_manage(*args, **env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in ("TUIJIN_TESTING", "DEBUG")}
    env.update(env_overrides)
    return subprocess.run(  # noqa: S603 (our own manage.py with fixed arguments)
        [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip


def test_check_deploy_reports_no_issues_with_production_settings(tmp_path):
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        SECRET_KEY="x7#kq!v2@p9$zr4&m1^t8*w3(e6)u0_y5+b-n=c~d%f?g.h,j;l:o/i[s]a{", ALLOWED_HOSTS="tuijin.gov.example",
        FIELD_ENCRYPTION_KEY=FIELD_KEY,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_field_encryption_key():
    result = run_manage("check", SECRET_KEY="x" * 50, FIELD_ENCRYPTION_KEY="")
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEY must be set" in result.stderr


def test_a_malformed_field_encryption_key_is_refused(tmp_path):
    result = run_manage(
        "check", SECRET_KEY="x" * 50, FIELD_ENCRYPTION_KEY="not-a-key", DATABASE_URL=f"sqlite:///{tmp_path / 'k.db'}"
    )
    assert result.returncode != 0
    assert "malformed Fernet key" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_malformed_debug_value_is_refused():
    result = run_manage("check", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr
