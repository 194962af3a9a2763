import pytest

from tests.indicators.conftest import build_catalogue


@pytest.fixture
def catalogue(cast):
    return build_catalogue(cast)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    # Published files go to a throwaway media root; PDFs use the system fonts unless cut.
    settings.MEDIA_ROOT = tmp_path / "media"
