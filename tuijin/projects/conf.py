"""The major projects' settings (tuijin.core.appconf)."""

from __future__ import annotations

from tuijin.core.appconf import Setting, Settings, boolean, integer

SETTINGS = Settings(
    "projects",
    Setting(
        "PROJECT_ADMISSION_RULES", True, boolean, env="PROJECT_ADMISSION_RULES",
        help="开工准入：环评、用地节点无实际日期不得标记开工（督查人员可说明理由越过，项目随之标记）",
    ),
    Setting("PHOTO_MAX_BYTES", 10 * 1024 * 1024, integer(1), env="PHOTO_MAX_BYTES", help="进度照片大小上限"),
    Setting("PHOTOS_PER_MONTH", 9, integer(), env="PHOTOS_PER_MONTH", help="每个项目每月最多进度照片数"),
)  # fmt: skip
__getattr__ = SETTINGS.read
