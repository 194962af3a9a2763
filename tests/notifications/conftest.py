import pytest

from tests.notifications.support import start_robot
from tuijin.notifications import timers


@pytest.fixture
def robot(monkeypatch):
    # Never through a proxy: the test robot is on 127.0.0.1 and nothing else is contacted.
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    r = start_robot()
    yield r
    r.server.shutdown()
    r.server.server_close()


@pytest.fixture
def timer_registry(monkeypatch):
    """An empty timer registry for the test (the apps' own timers are put back afterwards)."""
    monkeypatch.setattr(timers, "_REGISTRY", {})
    return timers._REGISTRY
