"""Stage changes: the transition table, who may move a project, admission rules and their flags."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from tuijin.audit.models import AuditEvent
from tuijin.core.concurrency import StaleEditError
from tuijin.projects.models import STAGE_TRANSITIONS, CheckpointKey, Milestone, Stage, StageChange
from tuijin.projects.services import library

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 5, 10)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 5, 10, 10, tzinfo=dt.UTC), tick=False):
        yield


def _change(actor, project, to_stage, **kwargs):
    kwargs.setdefault("on_date", TODAY)
    kwargs.setdefault("expected_version", project.version)
    return library.project_change_stage(actor=actor, project=project, to_stage=to_stage, **kwargs)


def _checkpoints(project, *keys, done=True):
    for order, key in enumerate(keys, start=1):
        Milestone.objects.create(
            project=project, order=order, name=str(CheckpointKey(key).label), key=key,
            actual_on=dt.date(2026, 1, order) if done else None,
        )  # fmt: skip


# Sorted: frozensets iterate in hash order, which differs between test workers.
ALLOWED = [(a, b) for a, targets in STAGE_TRANSITIONS.items() for b in sorted(targets)]
REFUSED = [(a, b) for a in Stage.values for b in Stage.values if b not in STAGE_TRANSITIONS[a]]


@pytest.mark.parametrize(("from_stage", "to_stage"), ALLOWED)
def test_every_allowed_transition_is_recorded(cast, make_project, from_stage, to_stage, settings):
    settings.TUIJIN_PROJECT_ADMISSION_RULES = False
    project = make_project(cast.county_a, stage=from_stage)

    change = _change(cast.supervisor, project, to_stage, evidence="会议纪要", reason="资金未落实")

    project.refresh_from_db()
    assert project.stage == to_stage
    assert (change.from_stage, change.to_stage, change.changed_by, change.on_date) == (
        from_stage, to_stage, cast.supervisor, TODAY)  # fmt: skip
    assert project.version == 2
    assert AuditEvent.objects.filter(object_type="projects.project", action="transition").count() == 1


@pytest.mark.parametrize(("from_stage", "to_stage"), REFUSED)
def test_every_other_transition_is_refused_and_nothing_changes(cast, make_project, from_stage, to_stage):
    project = make_project(cast.county_a, stage=from_stage)

    with pytest.raises(ValidationError, match="不能变为"):
        _change(cast.supervisor, project, to_stage, reason="原因")

    project.refresh_from_db()
    assert (project.stage, project.version) == (from_stage, 1)
    assert not StageChange.objects.exists()


def test_started_and_completed_dates_come_from_the_change_and_mark_the_nodes(cast, make_project):
    project = make_project(cast.county_a, stage=Stage.PREPARATION)
    _checkpoints(project, CheckpointKey.EIA, CheckpointKey.LAND)
    Milestone.objects.create(project=project, order=3, name="开工", key=CheckpointKey.START)
    Milestone.objects.create(project=project, order=4, name="竣工验收", key=CheckpointKey.COMPLETION)

    _change(cast.reporter_a, project, Stage.STARTED, on_date=dt.date(2026, 3, 1), evidence="施工许可证")
    project.refresh_from_db()
    _change(cast.supervisor, project, Stage.COMPLETED, on_date=dt.date(2026, 5, 1))

    project.refresh_from_db()
    assert (project.started_on, project.completed_on) == (dt.date(2026, 3, 1), dt.date(2026, 5, 1))
    nodes = dict(project.milestones.values_list("key", "actual_on"))
    assert nodes[CheckpointKey.START] == dt.date(2026, 3, 1)
    assert nodes[CheckpointKey.COMPLETION] == dt.date(2026, 5, 1)
    assert project.admission_flags == []


def test_dates_cannot_be_in_the_future_nor_completion_before_start(cast, make_project):
    project = make_project(cast.county_a, stage=Stage.STARTED, started_on=dt.date(2026, 4, 1))
    with pytest.raises(ValidationError, match="不能晚于今天"):
        _change(cast.supervisor, project, Stage.COMPLETED, on_date=dt.date(2026, 5, 11))
    with pytest.raises(ValidationError, match="不能早于开工日期"):
        _change(cast.supervisor, project, Stage.COMPLETED, on_date=dt.date(2026, 3, 31))
    project.refresh_from_db()
    assert (project.stage, project.completed_on) == (Stage.STARTED, None)


@pytest.mark.parametrize("to_stage", [Stage.SUSPENDED, Stage.TERMINATED])
def test_side_states_need_a_reason(cast, make_project, to_stage):
    project = make_project(cast.county_a, stage=Stage.PREPARATION)
    with pytest.raises(ValidationError, match="须说明原因"):
        _change(cast.supervisor, project, to_stage, reason="  ")

    _change(cast.supervisor, project, to_stage, reason="要素未保障")

    project.refresh_from_db()
    assert (project.stage, project.stage_reason) == (to_stage, "要素未保障")


def test_who_may_change_a_stage(cast, make_project):
    project = make_project(cast.county_a, stage=Stage.CONCEPT)
    for outsider in (cast.reporter_b, cast.head_a, cast.leader, cast.handler, cast.sysadmin):
        with pytest.raises(PermissionDenied):
            _change(outsider, project, Stage.PREPARATION)
    project.refresh_from_db()
    assert (project.stage, project.version) == (Stage.CONCEPT, 1)

    _change(cast.reporter_a, project, Stage.PREPARATION)  # the unit's own reporter may
    project.refresh_from_db()
    assert project.stage == Stage.PREPARATION


def test_a_stale_form_is_refused(cast, make_project):
    project = make_project(cast.county_a, stage=Stage.CONCEPT)
    _change(cast.supervisor, project, Stage.PREPARATION)
    with pytest.raises(StaleEditError):
        _change(cast.supervisor, project, Stage.TERMINATED, reason="撤销", expected_version=1)


# --- admission rules -----------------------------------------------------------------------


@pytest.mark.parametrize("done", [(), (CheckpointKey.EIA,), (CheckpointKey.LAND,)])
def test_no_start_without_eia_and_land(cast, make_project, done):
    project = make_project(cast.county_a, stage=Stage.PREPARATION)
    _checkpoints(project, *done)

    with pytest.raises(ValidationError, match="准入规则") as exc:
        _change(cast.supervisor, project, Stage.STARTED)

    missing = {CheckpointKey.EIA, CheckpointKey.LAND} - set(done)
    assert all(str(CheckpointKey(k).label) in str(exc.value) for k in missing)
    project.refresh_from_db()
    assert (project.stage, project.started_on, project.admission_flags) == (Stage.PREPARATION, None, [])


def test_a_checkpoint_node_without_actual_date_is_not_done(cast, make_project):
    project = make_project(cast.county_a, stage=Stage.PREPARATION)
    _checkpoints(project, CheckpointKey.EIA, CheckpointKey.LAND, done=False)
    with pytest.raises(ValidationError, match="准入规则"):
        _change(cast.supervisor, project, Stage.STARTED)


def test_supervisor_override_starts_the_project_and_flags_it(cast, make_project):
    project = make_project(cast.county_a, stage=Stage.PREPARATION)
    _checkpoints(project, CheckpointKey.LAND)

    with pytest.raises(ValidationError, match="须说明原因"):
        _change(cast.supervisor, project, Stage.STARTED, override_admission=True)
    change = _change(cast.supervisor, project, Stage.STARTED, override_admission=True, reason="市长办公会同意先行开工")

    project.refresh_from_db()
    assert (project.stage, project.started_on) == (Stage.STARTED, TODAY)
    assert project.admission_flags == [CheckpointKey.EIA]
    assert change.admission_flags == [CheckpointKey.EIA]
    event = AuditEvent.objects.get(action="transition", object_id=str(project.pk))
    assert "环评" in event.note


def test_reporters_cannot_override_admission(cast, make_project):
    project = make_project(cast.county_a, stage=Stage.PREPARATION)

    with pytest.raises(PermissionDenied):
        _change(cast.reporter_a, project, Stage.STARTED, override_admission=True, reason="先开工")

    project.refresh_from_db()
    assert (project.stage, project.admission_flags) == (Stage.PREPARATION, [])


def test_resuming_a_suspended_project_is_checked_too(cast, make_project):
    project = make_project(cast.county_a, stage=Stage.SUSPENDED)
    with pytest.raises(ValidationError, match="准入规则"):
        _change(cast.supervisor, project, Stage.STARTED)


def test_with_the_rules_off_there_is_no_check_and_no_flag(cast, make_project, settings):
    settings.TUIJIN_PROJECT_ADMISSION_RULES = False
    project = make_project(cast.county_a, stage=Stage.PREPARATION)

    _change(cast.reporter_a, project, Stage.STARTED)

    project.refresh_from_db()
    assert (project.stage, project.admission_flags) == (Stage.STARTED, [])


def test_the_rules_pass_quietly_when_checkpoints_are_done(cast, make_project):
    project = make_project(cast.county_a, stage=Stage.PREPARATION)
    _checkpoints(project, CheckpointKey.EIA, CheckpointKey.LAND)

    _change(cast.supervisor, project, Stage.STARTED, override_admission=True)

    project.refresh_from_db()
    assert (project.stage, project.admission_flags) == (Stage.STARTED, [])
