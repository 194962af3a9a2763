"""Behind nginx, a protected file is sent by nginx (X-Accel-Redirect) after the same permission check."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.liaison.conftest import frozen, world, write  # noqa: F401 (fixtures)
from tuijin.audit.models import AuditAction, AuditEvent
from tuijin.liaison import services

pytestmark = [pytest.mark.deploy, pytest.mark.django_db]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def attachment(world, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    settings.X_ACCEL_REDIRECT_PREFIX = "/_protected/"
    draft = write(world.cast.reporter_a, world.dept_d, send=False)
    [item] = services.attachments_add(actor=world.cast.reporter_a, sheet=draft,
                                      uploads=[SimpleUploadedFile("函.pdf", PDF)])  # fmt: skip
    return item


def test_the_file_is_handed_to_nginx_for_a_user_who_may_see_it(world, attachment, client_for):  # noqa: F811
    downloads = AuditEvent.objects.filter(action=AuditAction.DOWNLOAD)
    response = client_for(world.cast.reporter_a).get(f"/liaison/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/_protected/" + attachment.file.name
    assert b"".join(response.streaming_content) == b""
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"
    assert downloads.count() == 1  # recorded as a download, as when streamed


def test_a_user_of_another_unit_is_still_refused(world, attachment, client_for):  # noqa: F811
    response = client_for(world.cast.reporter_b).get(f"/liaison/attachments/{attachment.pk}/")
    assert response.status_code == 404
    assert not response.has_header("X-Accel-Redirect")


def test_without_the_prefix_the_app_streams_the_file(world, attachment, client_for, settings):  # noqa: F811
    settings.X_ACCEL_REDIRECT_PREFIX = ""
    response = client_for(world.cast.reporter_a).get(f"/liaison/attachments/{attachment.pk}/")
    assert b"".join(response.streaming_content) == PDF
    assert not response.has_header("X-Accel-Redirect")
