"""Every transition of an assignment and every refusal, with the audit, the timeline and the inbox."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tuijin.audit.models import AuditEvent
from tuijin.core.concurrency import StaleEditError
from tuijin.notifications.models import Notification
from tuijin.supervision import services
from tuijin.supervision.models import Assignment, Attachment, EventKind, ExtensionRequest, SourceKind, Status

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def kinds(a):
    return list(a.events.values_list("kind", flat=True))


def inbox(user, kind):
    return Notification.objects.filter(recipient=user, kind=kind)


def test_supervisor_assigns_and_the_owner_unit_and_leader_are_told(cast, make_assignment, today):
    a = make_assignment(co_units=[cast.department])
    assert a.status == Status.OPEN
    assert a.original_deadline == a.deadline
    assert a.year == today.year
    assert list(a.co_units.all()) == [cast.department]
    assert kinds(a) == [EventKind.CREATED]
    assert AuditEvent.objects.filter(
        object_type="supervision.assignment", object_id=str(a.pk), action="create"
    ).exists()
    for person in (cast.reporter_a, cast.head_a, cast.leader):
        assert inbox(person, "assignment.created").count() == 1
    assert not inbox(cast.reporter_b, "assignment.created").exists()


@pytest.mark.parametrize("who", ["reporter_a", "leader", "head_a"])
def test_only_a_supervisor_assigns(cast, make_assignment, who):
    with pytest.raises(PermissionDenied):
        make_assignment(actor=getattr(cast, who))
    assert not Assignment.objects.exists()


def test_a_county_supervisor_cannot_assign_to_another_county(cast, make_assignment):
    with pytest.raises(PermissionDenied):
        make_assignment(actor=cast.county_supervisor, owner_unit=cast.county_b)
    assert make_assignment(actor=cast.county_supervisor, owner_unit=cast.town_a1, leader=None).pk


def test_assignment_refuses_bad_dates_a_non_leader_and_a_meeting_source_without_its_object(
    cast, make_assignment, today
):
    with pytest.raises(ValidationError) as exc:
        make_assignment(assigned_on=today - dt.timedelta(days=3), deadline=today - dt.timedelta(days=4),
                        leader=cast.reporter_a, source_kind=SourceKind.DECISION)  # fmt: skip
    assert {"deadline", "leader", "source_kind"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError) as exc:
        make_assignment(assigned_on=today + dt.timedelta(days=1))
    assert "assigned_on" in exc.value.message_dict
    assert not Assignment.objects.exists()


def test_the_owner_unit_posts_progress_for_the_current_cycle(cast, make_assignment, today):
    a = make_assignment()
    update = services.progress_post(actor=cast.reporter_a, assignment=a, text="完成 8 户签约。")
    assert update.cycle_start <= today <= update.cycle_end
    assert not update.late
    assert kinds(a)[-1] == EventKind.PROGRESS


@pytest.mark.parametrize("who", ["reporter_b", "reporter_town_a1", "supervisor", "handler"])
def test_only_the_owner_units_own_people_post_progress(cast, make_assignment, who):
    a = make_assignment(co_units=[cast.department])
    with pytest.raises(PermissionDenied):
        services.progress_post(actor=getattr(cast, who), assignment=a, text="x")
    assert not a.updates.exists()


def test_catching_up_a_missed_cycle_is_marked_late(cast, make_assignment, today):
    assigned = today - dt.timedelta(days=70)
    with time_machine.travel(timezone.now() - dt.timedelta(days=70)):  # entered 70 days ago
        a = make_assignment(deadline=today + dt.timedelta(days=30))
    update = services.progress_post(actor=cast.reporter_a, assignment=a, text="补报", cycle_start=assigned)
    assert update.late
    assert update.cycle_start == assigned
    with pytest.raises(ValidationError):
        services.progress_post(
            actor=cast.reporter_a, assignment=a, text="x", cycle_start=assigned + dt.timedelta(days=1)
        )


def test_closeout_request_then_approve(cast, make_assignment, today):
    a = make_assignment()
    upload = SimpleUploadedFile("验收报告.pdf", PDF, content_type="application/pdf")
    a = services.closeout_request(actor=cast.reporter_a, assignment=a, evidence="已完成征迁。", attachments=[upload],
                                  expected_version=a.version)  # fmt: skip
    assert a.status == Status.CLOSEOUT_REQUESTED
    assert a.closeout_requested_on == today
    assert Attachment.objects.get(assignment=a).purpose == Attachment.Purpose.CLOSEOUT
    assert inbox(cast.supervisor, "assignment.closeout_requested").count() == 1
    a = services.closeout_approve(actor=cast.supervisor, assignment=a, note="同意", expected_version=a.version)
    a.refresh_from_db()
    assert a.status == Status.CLOSED
    assert a.closed_on == today
    assert kinds(a)[-2:] == [EventKind.CLOSEOUT_REQUESTED, EventKind.CLOSED]
    assert not Notification.objects.about(a).open().exclude(kind="assignment.closed").exists()


def test_the_supervisor_returns_a_closeout_request_with_a_reason(cast, make_assignment):
    a = make_assignment()
    a = services.closeout_request(actor=cast.reporter_a, assignment=a, evidence="完成", expected_version=a.version)
    with pytest.raises(ValidationError):
        services.closeout_return(actor=cast.supervisor, assignment=a, reason=" ", expected_version=a.version)
    a = services.closeout_return(actor=cast.supervisor, assignment=a, reason="缺少佐证", expected_version=a.version)
    a.refresh_from_db()
    assert a.status == Status.OPEN
    assert a.return_reason == "缺少佐证"
    assert a.closeout_requested_on is None
    assert inbox(cast.reporter_a, "assignment.returned").count() == 1


def test_transitions_out_of_order_are_refused(cast, make_assignment):
    a = make_assignment()
    with pytest.raises(ValidationError):
        services.closeout_approve(actor=cast.supervisor, assignment=a, expected_version=a.version)
    with pytest.raises(ValidationError):
        services.closeout_return(actor=cast.supervisor, assignment=a, reason="x", expected_version=a.version)
    a = services.closeout_request(actor=cast.reporter_a, assignment=a, evidence="完成", expected_version=a.version)
    for call in (
        lambda: services.closeout_request(actor=cast.reporter_a, assignment=a, evidence="再", expected_version=None),
        lambda: services.progress_post(actor=cast.reporter_a, assignment=a, text="x"),
        lambda: services.extension_request(actor=cast.reporter_a, assignment=a, reason="x",
                                           new_deadline=a.deadline + dt.timedelta(days=9)),
    ):  # fmt: skip
        with pytest.raises(ValidationError):
            call()
    a.refresh_from_db()
    assert a.status == Status.CLOSEOUT_REQUESTED


def test_a_stale_version_is_refused(cast, make_assignment):
    a = make_assignment()
    with pytest.raises(StaleEditError):
        services.closeout_request(actor=cast.reporter_a, assignment=a, evidence="完成", expected_version=a.version + 1)


def test_only_a_supervisor_in_scope_decides(cast, make_assignment):
    a = make_assignment(owner_unit=cast.county_b)
    a = services.closeout_request(actor=cast.reporter_b, assignment=a, evidence="完成", expected_version=a.version)
    for who in (cast.reporter_b, cast.county_supervisor, cast.leader):
        with pytest.raises(PermissionDenied):
            services.closeout_approve(actor=who, assignment=a, expected_version=a.version)
    a.refresh_from_db()
    assert a.status == Status.CLOSEOUT_REQUESTED


def test_an_extension_granted_moves_the_deadline_and_keeps_the_original(cast, make_assignment, today):
    a = make_assignment()
    original = a.deadline
    new = original + dt.timedelta(days=20)
    extension = services.extension_request(actor=cast.reporter_a, assignment=a, new_deadline=new, reason="招标延期")
    with pytest.raises(ValidationError):  # one pending request at a time
        services.extension_request(actor=cast.reporter_a, assignment=a, new_deadline=new, reason="再申请")
    with pytest.raises(PermissionDenied):
        services.extension_grant(actor=cast.reporter_a, extension=extension)
    services.extension_grant(actor=cast.supervisor, extension=extension, note="同意")
    a.refresh_from_db()
    extension.refresh_from_db()
    assert (a.deadline, a.original_deadline, extension.status) == (new, original, ExtensionRequest.Status.GRANTED)
    assert a.extended
    with pytest.raises(ValidationError):
        services.extension_refuse(actor=cast.supervisor, extension=extension, reason="晚了")


def test_an_extension_must_be_later_and_a_refusal_needs_a_reason(cast, make_assignment):
    a = make_assignment()
    with pytest.raises(ValidationError) as exc:
        services.extension_request(actor=cast.reporter_a, assignment=a, new_deadline=a.deadline, reason="x")
    assert "new_deadline" in exc.value.message_dict
    extension = services.extension_request(
        actor=cast.reporter_a, assignment=a, new_deadline=a.deadline + dt.timedelta(days=5), reason="x"
    )
    with pytest.raises(ValidationError):
        services.extension_refuse(actor=cast.supervisor, extension=extension, reason="")
    services.extension_refuse(actor=cast.supervisor, extension=extension, reason="理由不充分")
    a.refresh_from_db()
    extension.refresh_from_db()
    assert extension.status == ExtensionRequest.Status.REFUSED
    assert a.deadline == a.original_deadline


def test_the_supervisor_edits_what_was_assigned_but_not_the_deadline(cast, make_assignment):
    a = make_assignment()
    a = services.assignment_update(actor=cast.supervisor, assignment=a, expected_version=a.version,
                                   title="新标题", on_task_list=True, responsibility="张副县长")  # fmt: skip
    a.refresh_from_db()
    assert (a.title, a.on_task_list, a.version) == ("新标题", True, 2)
    with pytest.raises(ValueError, match="not editable"):
        services.assignment_update(actor=cast.supervisor, assignment=a, expected_version=a.version, deadline=None)
    with pytest.raises(PermissionDenied):
        services.assignment_update(actor=cast.reporter_a, assignment=a, expected_version=a.version, title="改")


@pytest.mark.parametrize(
    ("name", "data"),
    [("报告.pdf", b"just text pretending"), ("表.xlsx", b"PK\x03\x04 not a zip"), ("x.pdf", b"%PDF-1.4 truncated")],
)
def test_attachments_are_checked_by_content(cast, make_assignment, name, data):
    a = make_assignment()
    with pytest.raises(ValidationError) as exc:
        services.progress_post(actor=cast.reporter_a, assignment=a, text="x",
                               attachments=[SimpleUploadedFile(name, data)])  # fmt: skip
    assert "attachments" in exc.value.message_dict
    assert not a.updates.exists()


def test_attachments_are_size_limited(cast, make_assignment, settings):
    settings.TUIJIN_ATTACHMENT_MAX_BYTES = 20
    a = make_assignment()
    with pytest.raises(ValidationError):
        services.progress_post(actor=cast.reporter_a, assignment=a, text="x",
                               attachments=[SimpleUploadedFile("a.pdf", PDF)])  # fmt: skip


def test_office_documents_and_images_are_accepted(cast, make_assignment):
    import io

    import docx
    import openpyxl
    from PIL import Image

    files = []
    for name, writer in (("a.docx", docx.Document()), ("b.xlsx", openpyxl.Workbook())):
        buffer = io.BytesIO()
        writer.save(buffer)
        files.append(SimpleUploadedFile(name, buffer.getvalue()))
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format="PNG")
    files.append(SimpleUploadedFile("c.exe", buffer.getvalue()))
    a = make_assignment()
    services.progress_post(actor=cast.reporter_a, assignment=a, text="x", attachments=files)
    stored = sorted((f.name, f.content_type.rsplit(".", 1)[-1]) for f in Attachment.objects.filter(assignment=a))
    assert [n for n, _ in stored] == ["a.docx", "b.xlsx", "c.png"]


def test_the_co_units_are_told_of_a_new_item_but_do_not_report(cast, make_assignment):
    a = make_assignment(co_units=[cast.department])
    assert inbox(cast.handler, "assignment.created").count() == 1
    with pytest.raises(PermissionDenied):
        services.progress_post(actor=cast.handler, assignment=a, text="配合单位不报送")


def test_a_cycle_answered_in_time_is_not_caught_up_again(cast, make_assignment):
    import time_machine

    with time_machine.travel(dt.datetime(2026, 6, 3, 2, tzinfo=dt.UTC), tick=False):  # Wednesday
        a = make_assignment(cycle="weekly", deadline=dt.date(2026, 8, 31))
        services.progress_post(actor=cast.reporter_a, assignment=a, text="第一周按时报送")
    with time_machine.travel(dt.datetime(2026, 6, 17, 2, tzinfo=dt.UTC), tick=False):  # two weeks later
        with pytest.raises(ValidationError) as exc:
            services.progress_post(actor=cast.reporter_a, assignment=a, text="x", cycle_start=dt.date(2026, 6, 3))
        assert "cycle_start" in exc.value.message_dict
        late = services.progress_post(actor=cast.reporter_a, assignment=a, text="补报第二周",
                                      cycle_start=dt.date(2026, 6, 8))  # fmt: skip
    assert (late.cycle_start, late.cycle_end, late.late) == (dt.date(2026, 6, 8), dt.date(2026, 6, 14), True)
    assert a.updates.count() == 2


def test_asking_for_close_out_withdraws_a_pending_extension(cast, make_assignment):
    a = make_assignment()
    extension = services.extension_request(actor=cast.reporter_a, assignment=a, reason="招标延期",
                                           new_deadline=a.deadline + dt.timedelta(days=10))  # fmt: skip
    a = services.closeout_request(
        actor=cast.reporter_a, assignment=a, evidence="已提前完成", expected_version=a.version
    )
    extension.refresh_from_db()
    assert extension.status == ExtensionRequest.Status.WITHDRAWN
    assert not Notification.objects.about(a).open().filter(kind="assignment.extension_requested").exists()
    with pytest.raises(ValidationError):
        services.extension_grant(actor=cast.supervisor, extension=extension)
    a.refresh_from_db()
    assert a.deadline == a.original_deadline
    from tuijin.supervision.todos import for_user

    assert [t.title for t in for_user(cast.supervisor)] == ["待审核的销号申请"]


def test_every_step_leaves_an_audit_event_and_a_timeline_entry(cast, make_assignment):
    a = make_assignment()
    services.progress_post(actor=cast.reporter_a, assignment=a, text="进展")
    extension = services.extension_request(actor=cast.reporter_a, assignment=a, reason="x",
                                           new_deadline=a.deadline + dt.timedelta(days=5))  # fmt: skip
    services.extension_refuse(actor=cast.supervisor, extension=extension, reason="不同意")
    a = services.closeout_request(actor=cast.reporter_a, assignment=a, evidence="完成", expected_version=a.version)
    a = services.closeout_return(actor=cast.supervisor, assignment=a, reason="补材料", expected_version=a.version)
    a = services.closeout_request(actor=cast.reporter_a, assignment=a, evidence="已补", expected_version=a.version)
    services.closeout_approve(actor=cast.supervisor, assignment=a, expected_version=a.version)
    assert kinds(a) == [EventKind.CREATED, EventKind.PROGRESS, EventKind.EXTENSION_REQUESTED,
                        EventKind.EXTENSION_REFUSED, EventKind.CLOSEOUT_REQUESTED, EventKind.RETURNED,
                        EventKind.CLOSEOUT_REQUESTED, EventKind.CLOSED]  # fmt: skip
    transitions = AuditEvent.objects.filter(object_type="supervision.assignment", object_id=str(a.pk),
                                            action="transition")  # fmt: skip
    assert transitions.count() == 4
    assert inbox(cast.reporter_a, "assignment.extension_decided").count() == 1
    assert inbox(cast.leader, "assignment.closed").count() == 1


@pytest.mark.parametrize(
    ("name", "build", "message"),
    [
        ("说明.docx", lambda h: h.inflating_content_types_docx(64 * h.MiB), "疑似压缩炸弹"),
        ("说明.docx", lambda h: h.inflating_content_types_docx(64 * h.MiB, lie=True), "疑似压缩炸弹"),
        ("表.xlsx", lambda h: h.inflating_sheet(150 * h.MiB), "疑似压缩炸弹"),
        ("图.png", lambda h: h.huge_png(), "像素过多"),
    ],
    ids=["content-types", "content-types-lying", "sheet", "pixels"],
)
def test_hostile_evidence_is_refused_and_nothing_is_stored(
    cast, make_assignment, settings, tmp_path, name, build, message
):
    from tests import hostile_files as hostile

    settings.MEDIA_ROOT = tmp_path
    a = make_assignment()
    data = build(hostile)
    with hostile.memory_cap(), pytest.raises(ValidationError, match=message) as exc:
        services.closeout_request(actor=cast.reporter_a, assignment=a, evidence="已完成。",
                                  attachments=[SimpleUploadedFile(name, data)], expected_version=a.version)  # fmt: skip
    assert "attachments" in exc.value.message_dict
    a.refresh_from_db()
    assert a.status == Status.OPEN
    assert not Attachment.objects.exists()
    assert not any(p.is_file() for p in tmp_path.rglob("*"))
