"""Make sure exactly one future daily_timers run is queued for the task worker (idempotent)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from tuijin.notifications import timers


class Command(BaseCommand):
    help = "确保任务队列中恰有一个未来的每日定时任务（工作日 9:00，北京时间）。"

    def handle(self, *args, **options):
        if not timers.daily_timers.get_backend().supports_defer:
            self.stdout.write("任务队列不支持延时任务：每日定时任务由调度进程（manage.py run_scheduler）入队。")
            return
        queued, when = timers.schedule()
        local = timezone.localtime(when, timers.SHANGHAI)
        if queued:
            self.stdout.write(self.style.SUCCESS(f"已安排每日定时任务：{local:%Y-%m-%d %H:%M}（北京时间）"))
        else:
            self.stdout.write(f"每日定时任务已在队列中：{local:%Y-%m-%d %H:%M}（北京时间）")
