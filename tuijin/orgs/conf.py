"""The accounts' settings (tuijin.core.appconf): lockout, password ageing, idle accounts, the
second factor and API tokens."""

from __future__ import annotations

from tuijin.core.appconf import Setting, Settings, boolean, integer

SETTINGS = Settings(
    "orgs",
    Setting(
        "LOGIN_IP_FAILURE_LIMIT", 30, integer(1), env="LOGIN_IP_FAILURE_LIMIT",
        help="同一地址跨用户名登录失败达此次数即锁定（防口令喷洒）",
    ),
    Setting(
        "PASSWORD_MAX_AGE_DAYS", 0, integer(), env="PASSWORD_MAX_AGE_DAYS",
        help="口令最长使用天数，超过须先修改（0：不限；常用 90）",
    ),
    Setting(
        "IDLE_ACCOUNT_DAYS", 0, integer(), env="IDLE_ACCOUNT_DAYS",
        help="账号连续此天数未登录即由每日定时任务停用（三员除外；0：不停用）",
    ),
    Setting(
        "TWO_FACTOR_FOR_ALL", False, boolean, env="TWO_FACTOR_FOR_ALL",
        help="所有账号都须双因素登录（否则仅三员和督查人员）",
    ),
    Setting("API_TOKEN_DAYS", 30, integer(1), env="API_TOKEN_DAYS", help="API 令牌有效天数"),
    Setting("API_TOKENS_PER_USER", 10, integer(1), env="API_TOKENS_PER_USER", help="每个账号最多有效令牌数"),
    Setting(
        "API_TOKEN_FAILURES", 20, integer(1), env="API_TOKEN_FAILURES",
        help="同一地址令牌认证失败达此次数，窗口内一律回答 429",
    ),
    Setting(
        "API_TOKEN_FAILURE_WINDOW", 10 * 60, integer(1), env="API_TOKEN_FAILURE_WINDOW",
        help="令牌认证失败计数的窗口（秒）",
    ),
)  # fmt: skip
__getattr__ = SETTINGS.read
