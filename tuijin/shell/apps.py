from django.apps import AppConfig


class ShellConfig(AppConfig):
    """The site around the apps: home and 我的待办, the menu, login, the token endpoint and the
    gates every request passes, the demo city. It sits above every app and may import any of them;
    no app imports it. No models (so no verbose name: nothing of it is shown in a list of apps)."""

    name = "tuijin.shell"
    label = "shell"
