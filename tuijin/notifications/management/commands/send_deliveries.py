"""Send every pending email/robot delivery that is due now (the worker normally does this)."""

from django.core.management.base import BaseCommand

from tuijin.notifications import deliveries


class Command(BaseCommand):
    help = "发送所有到期的待发送消息（邮件、群机器人）。"

    def handle(self, *args, **options):
        sent = deliveries.send_due()
        self.stdout.write(f"已发送 {sent} 条。")
