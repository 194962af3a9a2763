"""The hashed lock files agree with requirements*.txt, offline (scripts/check_lock.py, run by make test)."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def check_lock():
    spec = importlib.util.spec_from_file_location("check_lock", ROOT / "scripts" / "check_lock.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_locks_cover_every_requirement_with_hashes(check_lock):
    for lock, source in check_lock.SOURCES.items():
        assert check_lock.problems(ROOT / lock, ROOT / source, installed=False) == []


def _lock(tmp_path, text: str) -> Path:
    path = tmp_path / "requirements.lock"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_requirement_missing_from_the_lock_or_out_of_range_is_reported(check_lock, tmp_path):
    source = tmp_path / "requirements.txt"
    source.write_text("Django>=6.1,<6.2\nopenpyxl>=3.1,<4\n# a comment\n", encoding="utf-8")
    lock = _lock(tmp_path, "django==6.0.1 \\\n    --hash=sha256:ab\n    # via -r requirements.txt\n")
    found = check_lock.problems(lock, source, installed=False)
    assert any("django==6.0.1 is outside" in line for line in found)
    assert any("openpyxl" in line and "not in the lock" in line for line in found)


def test_a_pin_without_hashes_is_reported(check_lock, tmp_path):
    source = tmp_path / "requirements.txt"
    source.write_text("openpyxl>=3.1,<4\n", encoding="utf-8")
    lock = _lock(tmp_path, "openpyxl==3.1.5\n")
    assert check_lock.problems(lock, source, installed=False) == ["requirements.lock: openpyxl==3.1.5 has no --hash"]


def test_an_installed_version_other_than_the_pin_is_reported(check_lock, tmp_path):
    source = tmp_path / "requirements.txt"
    source.write_text("pytest>=1\n", encoding="utf-8")
    lock = _lock(tmp_path, "pytest==1.0.0 \\\n    --hash=sha256:ab\n")
    found = check_lock.problems(lock, source, installed=True)
    assert len(found) == 1
    assert found[0].startswith("installed pytest is ")
    assert found[0].endswith("pins 1.0.0")
