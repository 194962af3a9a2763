"""Progress photos: checked by content (never by name), size-limited, thumbnailed, served only in scope."""

import datetime as dt
import io
import zoneinfo
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from PIL import Image

from tests.projects.progress_support import (
    MONTH,
    YEAR,
    filling_clock,
    image_bytes,
    jpeg_upload,
    upload,
)
from tuijin.audit.models import AuditEvent
from tuijin.projects import photos
from tuijin.projects.models import ProgressPhoto, ProjectProgress
from tuijin.projects.services import progress as services

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with filling_clock():
        yield


@pytest.fixture
def project(cast, make_project):
    return make_project(cast.county_a, code="P-A1")


def save(cast, project, files, **kwargs):
    return services.progress_save(
        actor=kwargs.pop("actor", cast.reporter_a), project=project, year=YEAR, month=MONTH,
        investment=Decimal("1.5"), photos=files, **kwargs,
    )  # fmt: skip


# --- checking the content -------------------------------------------------------------------------


def test_a_jpeg_keeps_its_shooting_time_as_shanghai_time_and_gets_an_upright_thumbnail():
    checked = photos.inspect(image_bytes("JPEG", size=(800, 600), orientation=6))
    assert checked.kind is photos.JPEG
    assert checked.taken_at == dt.datetime(2026, 3, 28, 14, 5, 9, tzinfo=SHANGHAI)
    assert (checked.width, checked.height) == (600, 800)  # rotated by its EXIF orientation
    thumb = Image.open(io.BytesIO(checked.thumbnail))
    assert thumb.format == "JPEG"
    assert max(thumb.size) == photos.THUMBNAIL_PX
    assert thumb.size[0] < thumb.size[1]


def test_a_png_without_exif_has_no_shooting_time():
    checked = photos.inspect(image_bytes("PNG", size=(300, 200)))
    assert (checked.kind, checked.taken_at, checked.width, checked.height) == (photos.PNG, None, 300, 200)


def test_a_heic_from_a_phone_is_accepted_with_its_shooting_time():
    checked = photos.inspect(image_bytes("HEIF", size=(640, 480)))
    assert checked.kind is photos.HEIC
    assert checked.kind.extension == "heic"
    assert checked.taken_at == dt.datetime(2026, 3, 28, 14, 5, 9, tzinfo=SHANGHAI)
    assert Image.open(io.BytesIO(checked.thumbnail)).format == "JPEG"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param("施工日志：今日浇筑混凝土".encode(), id="text"),
        pytest.param(b"\xff\xd8\xff\xe0" + b"not really a jpeg" * 20, id="forged-jpeg-magic"),
        pytest.param(b"%PDF-1.7\n%\xe2\xe3", id="pdf"),
    ],
)
def test_content_that_is_not_an_image_is_refused(data):
    with pytest.raises(ValidationError) as exc:
        photos.inspect(data)
    assert exc.value.messages == ["文件不是 JPEG/PNG/HEIC 图片"]


def test_a_truncated_png_is_refused():
    data = image_bytes("PNG", size=(400, 400))
    with pytest.raises(ValidationError, match="JPEG/PNG/HEIC"):
        photos.inspect(data[: len(data) // 2])


def test_a_decompression_bomb_is_refused_not_decoded(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10_000)
    with pytest.raises(ValidationError, match="像素过多"):
        photos.inspect(image_bytes("PNG", size=(200, 200)))  # 40,000 px: over 2× the limit


def test_the_size_limit_is_a_setting(settings):
    settings.TUIJIN_PHOTO_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as exc:
        photos.read_upload(jpeg_upload())
    assert "照片不能超过" in exc.value.messages[0]


# --- storing with the month's progress --------------------------------------------------------------


def test_photos_are_stored_under_generated_names_with_a_thumbnail(cast, project):
    progress = save(cast, project, [jpeg_upload("../../etc/passwd.jpg"), upload(image_bytes("HEIF"), "IMG_1.HEIC")])
    stored = list(progress.photos.order_by("pk"))
    assert [p.content_type for p in stored] == ["image/jpeg", "image/heic"]
    for photo in stored:
        assert "passwd" not in photo.image.name
        assert "IMG_1" not in photo.image.name
        assert photo.image.name.startswith(f"projects/{project.pk}/202603/")
        assert photo.image.name.endswith("." + ("jpg" if photo.content_type == "image/jpeg" else "heic"))
        assert photo.thumbnail.name.endswith("_thumb.jpg")
        assert photo.taken_at == dt.datetime(2026, 3, 28, 14, 5, 9, tzinfo=SHANGHAI)
        assert photo.uploaded_by == cast.reporter_a
        assert photo.size == photo.image.size
        with photo.thumbnail.open("rb") as f:
            assert Image.open(f).format == "JPEG"
    assert AuditEvent.objects.filter(object_type="projects.progressphoto").count() == 2


def test_a_text_file_named_jpg_is_refused_and_nothing_is_saved(cast, project):
    with pytest.raises(ValidationError) as exc:
        save(cast, project, [jpeg_upload(), upload(b"just text", "photo.jpg", "image/jpeg")])
    assert "文件不是 JPEG/PNG/HEIC 图片" in exc.value.message_dict["photos"][0]
    assert not ProjectProgress.objects.exists()
    assert not ProgressPhoto.objects.exists()


def test_a_photo_over_the_limit_is_refused(cast, project, settings):
    settings.TUIJIN_PHOTO_MAX_BYTES = 2000
    with pytest.raises(ValidationError) as exc:
        save(cast, project, [jpeg_upload(size=(1200, 900))])
    assert "照片不能超过" in exc.value.message_dict["photos"][0]
    assert not ProgressPhoto.objects.exists()


def test_more_photos_than_a_month_allows_are_refused(cast, project, settings):
    settings.TUIJIN_PHOTOS_PER_MONTH = 2
    progress = save(cast, project, [jpeg_upload(), jpeg_upload()])
    with pytest.raises(ValidationError, match="最多上传 2 张"):
        services.photos_add(actor=cast.reporter_a, progress=progress, uploads=[jpeg_upload()])
    assert progress.photos.count() == 2


def test_deleting_a_photo_removes_its_files_after_the_commit(cast, project, django_capture_on_commit_callbacks):
    progress = save(cast, project, [jpeg_upload()])
    photo = progress.photos.get()
    storage, names = photo.image.storage, [photo.image.name, photo.thumbnail.name]
    with django_capture_on_commit_callbacks(execute=True):
        services.photo_delete(actor=cast.reporter_a, photo=photo)
    assert not ProgressPhoto.objects.exists()
    assert not any(storage.exists(n) for n in names)


def test_a_reporter_of_another_county_cannot_add_or_delete_photos(cast, project):
    progress = save(cast, project, [jpeg_upload()])
    with pytest.raises(PermissionDenied):
        services.photos_add(actor=cast.reporter_b, progress=progress, uploads=[jpeg_upload()])
    with pytest.raises(PermissionDenied):
        services.photo_delete(actor=cast.reporter_b, photo=progress.photos.get())
    assert progress.photos.count() == 1


# --- serving: never public ----------------------------------------------------------------------------


def test_photos_are_served_to_users_who_may_see_the_project(cast, project, client_for):
    photo = save(cast, project, [jpeg_upload()]).photos.get()
    client = client_for(cast.supervisor)
    original = client.get(f"/projects/progress/photos/{photo.pk}/image/")
    assert original.status_code == 200
    assert original["Content-Type"] == "image/jpeg"
    assert b"".join(original.streaming_content) == photo.image.open("rb").read()
    thumb = client_for(cast.reporter_a).get(f"/projects/progress/photos/{photo.pk}/thumbnail/")
    assert thumb.status_code == 200
    assert thumb["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize("who", ["reporter_a", "county_supervisor", "reporter_town_a1"])
def test_photos_of_another_units_project_do_not_exist_for_the_user(cast, make_project, client_for, who):
    other = make_project(cast.county_b, code="P-B1")
    photo = services.progress_save(
        actor=cast.reporter_b, project=other, year=YEAR, month=MONTH, investment=Decimal(1), photos=[jpeg_upload()]
    ).photos.get()
    client = client_for(getattr(cast, who))  # all of 甲县 (C-A): 乙县's project is outside their scope
    for kind in ("image", "thumbnail"):
        assert client.get(f"/projects/progress/photos/{photo.pk}/{kind}/").status_code == 404


def test_anonymous_users_are_sent_to_the_login_page(cast, project, client):
    photo = save(cast, project, [jpeg_upload()]).photos.get()
    response = client.get(f"/projects/progress/photos/{photo.pk}/image/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_photos_are_not_under_the_public_media_url(cast, project, client_for):
    photo = save(cast, project, [jpeg_upload()]).photos.get()
    assert client_for(cast.supervisor).get(f"/media/{photo.image.name}").status_code == 404


def test_a_truncated_png_is_refused_even_when_a_library_made_pillow_lenient():
    # WeasyPrint (the bulletin PDFs) turns on Pillow's process-wide LOAD_TRUNCATED_IMAGES.
    from PIL import ImageFile

    ImageFile.LOAD_TRUNCATED_IMAGES = True
    try:
        data = image_bytes("PNG", size=(400, 400))
        with pytest.raises(ValidationError, match="JPEG/PNG/HEIC"):
            photos.inspect(data[: len(data) // 2])
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = False


def test_a_photo_whose_header_announces_too_many_pixels_is_refused_before_decoding(cast, project, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests import hostile_files as hostile
    from tuijin.projects.models import ProjectProgress

    data = hostile.huge_png(40_000, 30_000)  # 1.2 gigapixels announced in 69 bytes
    with hostile.memory_cap(), pytest.raises(ValidationError, match="最多 4000 万像素"):
        save(cast, project, [SimpleUploadedFile("现场.png", data)])
    with pytest.raises(ValidationError, match="像素过多"):
        photos.inspect(hostile.huge_png(8_000, 6_000))  # 48 MP: under Pillow's limit, over ours
    assert not ProjectProgress.objects.exists()
    assert not any(p.is_file() for p in tmp_path.rglob("*"))
