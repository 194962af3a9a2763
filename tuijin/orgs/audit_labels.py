"""How the audit log names people and reads their roles (registered with `tuijin.audit.display`
from OrgsConfig.ready())."""

from tuijin.audit import display
from tuijin.orgs.models import Role, User


def user_label(user: User) -> str:
    """By name and account (张三（zhangsan）); an account whose name is its account name, or none, by account."""
    return (
        f"{user.full_name}（{user.username}）" if user.full_name and user.full_name != user.username else user.username
    )


def register() -> None:
    display.register("orgs.user", user_label)
    display.register_choices("roles", Role.choices)
