"""Print the nginx site (deploy/nginx-tuijin.conf) filled in for this installation.

The paths and limits come from the settings, so nginx and the app agree: STATIC_ROOT and
STATIC_URL, MEDIA_ROOT and MEDIA_URL, X_ACCEL_REDIRECT_PREFIX, and client_max_body_size from the
largest upload one request may carry (files per upload × bytes per file, for attachments, contact
sheet attachments and progress photos, plus 1 MiB for the form). It reads the limits from the
apps' confs, so it lives in the shell, above them.
"""

from __future__ import annotations

import math
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tuijin.liaison import conf as liaison_conf
from tuijin.projects import conf as projects_conf
from tuijin.supervision import conf as supervision_conf

TEMPLATE = Path(settings.BASE_DIR) / "deploy" / "nginx-tuijin.conf"
MIB = 1024 * 1024


def upload_limit_bytes() -> int:
    """The largest request body the app accepts (what nginx must let through)."""
    uploads = (
        supervision_conf.ATTACHMENT_MAX_BYTES * supervision_conf.ATTACHMENTS_PER_UPLOAD,
        liaison_conf.SHEET_ATTACHMENT_MAX_BYTES * liaison_conf.SHEET_ATTACHMENTS_PER_SHEET,
        projects_conf.PHOTO_MAX_BYTES * projects_conf.PHOTOS_PER_MONTH,
    )
    return max(uploads) + MIB


def _url_path(value: str) -> str:
    return "/" + value.strip("/") + "/"


def render(*, server_name: str, certificate: str, certificate_key: str, upstreams: list[str]) -> str:
    prefix = getattr(settings, "X_ACCEL_REDIRECT_PREFIX", "") or "/_protected/"
    values = {
        "SERVER_NAME": server_name,
        "CERTIFICATE": certificate,
        "CERTIFICATE_KEY": certificate_key,
        "UPSTREAM_SERVERS": "\n".join(f"    server {u} max_fails=3 fail_timeout=10s;" for u in upstreams),
        "CLIENT_MAX_BODY_SIZE": f"{math.ceil(upload_limit_bytes() / MIB)}m",
        "STATIC_URL": _url_path(settings.STATIC_URL),
        "STATIC_ROOT": str(settings.STATIC_ROOT).rstrip("/"),
        "MEDIA_URL": _url_path(settings.MEDIA_URL),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT).rstrip("/"),
        "X_ACCEL_REDIRECT_PREFIX": _url_path(prefix),
    }
    text = TEMPLATE.read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace("{{" + name + "}}", value)
    if "{{" in text:
        raise CommandError("the template names a value this command does not know: " + text[text.index("{{") :][:40])
    return text


class Command(BaseCommand):
    help = "打印本机的 nginx 站点配置（deploy/nginx-tuijin.conf 填入本安装的路径与上传限制）。"

    def add_arguments(self, parser):
        parser.add_argument("--server-name", required=True, help="站点域名，如 tuijin.example.gov.cn")
        parser.add_argument("--certificate", required=True, help="TLS 证书链文件（PEM）")
        parser.add_argument("--certificate-key", required=True, help="TLS 私钥文件（PEM）")
        parser.add_argument(
            "--upstream", action="append", default=[], help="应用服务器 host:port，可重复；默认 127.0.0.1:8000"
        )

    def handle(self, *args, server_name, certificate, certificate_key, upstream, **options):
        text = render(
            server_name=server_name,
            certificate=certificate,
            certificate_key=certificate_key,
            upstreams=upstream or ["127.0.0.1:8000"],
        )
        self.stdout.write(text, ending="")
