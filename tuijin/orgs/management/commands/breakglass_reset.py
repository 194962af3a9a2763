"""Break-glass: reset an account's password from the server when two administrators cannot.

    manage.py breakglass_reset --username secadmin --reason "安全管理员离职，经分管领导书面批准"
    manage.py breakglass_reset --username secadmin --two-factor --reason "手机丢失，备用码遗失"

Prints a random temporary password once; the holder must change it at next login. With
--two-factor the account's two-factor devices are removed instead (it enrols again). The reset
is written to the audit log with no actor, the reason and the server account that ran it, so
the auditor sees every use. Prefer the two-administrator procedure (管理员重置 page).
"""

import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tuijin.orgs import admin_resets


class Command(BaseCommand):
    help = "应急重置账号密码（记入审计日志）；仅在无法由两名管理员审批重置时使用。"

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True, help="要重置密码的账号")
        parser.add_argument("--reason", required=True, help="应急重置的事由（记入审计日志）")
        parser.add_argument("--two-factor", action="store_true", help="重置两步验证设备（而不是密码）")

    def handle(self, *args, username, reason, two_factor, **options):
        try:
            password = admin_resets.breakglass_reset(
                username=username, reason=reason, operator=_operator(), two_factor=two_factor
            )
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        if two_factor:
            self.stdout.write(
                self.style.WARNING(f"已重置 {username} 的两步验证并记入审计日志；其下次登录时须重新绑定。")
            )
            return
        self.stdout.write(self.style.WARNING(f"已重置 {username} 的密码并记入审计日志。临时密码（只显示一次）："))
        self.stdout.write(password)


def _operator() -> str:
    try:
        return getpass.getuser()
    except OSError:  # no login name (e.g. a container without a passwd entry)
        return "unknown"
