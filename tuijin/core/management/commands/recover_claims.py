"""Recover the claims of a worker that died: run before `db_worker` starts (idempotent)."""

from django.core.management.base import BaseCommand

from tuijin.core.recovery import recover_at_start


class Command(BaseCommand):
    help = "恢复已中断的后台处理：导入重新排队一次或标记失败，当天中断的定时任务立即补跑。"

    def handle(self, *args, **options):
        done = recover_at_start()
        imports, timers = done["imports"], done["timers"]
        self.stdout.write(
            f"导入批次：重新排队 {imports['retried']} 个，标记失败 {imports['failed']} 个；"
            f"定时任务：标记失败 {timers['failed']} 个，今日补跑 {'已安排' if timers['retry_today'] else '无需'}。"
        )
