"""Shared start-up for the benchmark scripts: Django against the database in DATABASE_URL."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuijin.settings")
    os.environ.setdefault("DEBUG", "1")
    if "DATABASE_URL" not in os.environ:
        (ROOT / "bench" / "out").mkdir(parents=True, exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{ROOT / 'bench' / 'out' / 'bench.sqlite3'}"
    import django

    django.setup()
    from django.conf import settings

    # Development settings (no HTTPS redirects for the test client) but no query log: DEBUG
    # makes every cursor record its SQL, which is not what a served request pays.
    settings.DEBUG = False
