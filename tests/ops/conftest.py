import pytest

from tests.ops import procs as _procs


@pytest.fixture
def procs(tmp_path):
    started = _procs.Procs(tmp_path)
    yield started
    started.stop_all()


@pytest.fixture
def queue():
    name = _procs.new_queue()
    yield name
    _procs.delete_queue(name)
