"""Queue the periodic jobs when they are due (tuijin.notifications.scheduler); runs until stopped."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from tuijin.notifications import scheduler


class Command(BaseCommand):
    help = "周期任务调度：每日定时任务、到期的消息投递、中断任务的恢复（可多实例运行，每个时段只入队一次）。"

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=15.0, help="两次检查之间的秒数")
        parser.add_argument("--once", action="store_true", help="只检查一次后退出")
        parser.add_argument("--now", help="以此时刻检查（ISO 8601，带时区；补跑与测试用），须与 --once 同用")

    def handle(self, *args, interval, once, now, **options):
        moment = None
        if now:
            if not once:
                raise CommandError("--now 须与 --once 同用")
            try:
                moment = dt.datetime.fromisoformat(now)
            except ValueError:
                raise CommandError(f"--now 不是 ISO 8601 时刻：{now}") from None
            if moment.tzinfo is None:
                raise CommandError("--now 须带时区，例如 2026-05-12T09:05+08:00")
        if once:
            queued = scheduler.tick(moment)
            self.stdout.write("已入队：" + ("、".join(queued) if queued else "无"))
            return
        scheduler.run_forever(interval)
