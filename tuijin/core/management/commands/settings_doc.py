from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from tuijin.core import appconf


class Command(BaseCommand):
    help = "Write docs/settings.md from every app's conf.py."

    def handle(self, *args, **options):
        path = Path(settings.BASE_DIR) / "docs" / "settings.md"
        path.parent.mkdir(exist_ok=True)
        path.write_text(appconf.document(appconf.declared()), encoding="utf-8")
        self.stdout.write(f"Wrote {path}")
