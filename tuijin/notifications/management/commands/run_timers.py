"""Run the daily timers by hand, e.g. to catch up after downtime: run_timers --as-of 2026-10-09."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from tuijin.notifications import timers


class Command(BaseCommand):
    help = "运行每日定时任务（提醒、汇总、升级）；同一天同一任务只运行一次，除非 --force。"

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="as_of", help="业务日期 YYYY-MM-DD（默认今天，北京时间）")
        parser.add_argument("--name", action="append", dest="names", help="只运行这个定时任务（可重复）")
        parser.add_argument("--force", action="store_true", help="当天已运行过也再运行一次（定时任务本身幂等）")

    def handle(self, *args, as_of=None, names=None, force=False, **options):
        try:
            day = dt.date.fromisoformat(as_of) if as_of else timers.today()
        except ValueError:
            raise CommandError(f"--as-of 须为 YYYY-MM-DD 格式的日期，收到 {as_of!r}") from None
        if not timers.registered():
            self.stdout.write("没有已登记的定时任务。")
            return
        try:
            outcomes = timers.run_timers(day, names=names, force=force)
        except KeyError as exc:
            raise CommandError(f"{exc.args[0]}；已登记：{', '.join(sorted(timers.registered()))}") from None
        for o in outcomes:
            if o.status == "done":
                self.stdout.write(self.style.SUCCESS(f"{day} {o.name}: 处理 {o.acted} 项"))
            elif o.status == "error":
                self.stderr.write(self.style.ERROR(f"{day} {o.name}: 出错 {o.message}"))
            else:
                self.stdout.write(f"{day} {o.name}: 未运行（{o.message}）")
        if any(o.status == "error" for o in outcomes):
            raise CommandError("有定时任务出错，详见日志。")
