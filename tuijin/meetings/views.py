"""Pages of meetings: the list, a meeting with its reviews and decisions, the review form per
unit, the one-step conversion into an assignment, the minutes (.docx), a unit's review history.

Thin: meetings are fetched through `queries.get_visible_or_404`, reviews through the scope;
every write goes through `services`, which checks the role and the units again.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuijin.audit.models import AuditAction
from tuijin.audit.services import record
from tuijin.core import docx_layout
from tuijin.core.forms import apply_validation_error
from tuijin.meetings import minutes, queries, services
from tuijin.meetings.forms import DecisionForm, MeetingForm, ReviewForm, ordered_route, visit_formset
from tuijin.meetings.models import Meeting, MeetingType, Review
from tuijin.orgs import policy
from tuijin.supervision.forms import ConvertForm

PAGE_SIZE = 30


@policy.permission("meeting.view")
def meeting_list(request):
    type_ = request.GET.get("type", "")
    type_ = type_ if type_ in MeetingType.values else ""
    q = request.GET.get("q", "").strip()[:100]
    meetings = queries.meeting_list(request.user, type=type_, q=q)
    context = {
        "page_obj": Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page")), "type": type_, "q": q,
        "types": MeetingType.choices, "can_manage": policy.allows(request.user, "meeting.manage"),
    }  # fmt: skip
    template = "meetings/meeting_list.html#results" if request.htmx else "meetings/meeting_list.html"
    return render(request, template, context)


@policy.permission("meeting.view")
def meeting_detail(request, pk):
    return _detail_page(request, queries.get_visible_or_404(request.user, pk))


def _detail_page(request, meeting: Meeting, decision_form: DecisionForm | None = None):
    """The meeting's page; `decision_form` a refused 议定事项, shown again as typed (400)."""
    can_manage = services.may_manage(request.user, meeting)
    visits = list(queries.visits_for(meeting))
    attending = list(meeting.attending_units.order_by("path"))
    reviewed = set(meeting.reviews.values_list("unit_id", flat=True))
    # Units still to review: those visited (in route order), then those attending.
    candidates = {u.pk: u for u in [*(v.unit for v in visits), *attending] if policy.in_scope(request.user, u)}
    context = {
        "meeting": meeting, "reviews": queries.reviews_for(meeting, request.user),
        "decisions": queries.decisions_for(meeting), "visits": visits, "attending": attending,
        "attendees": meeting.attendees.select_related("unit").order_by("unit__path", "username"),
        "unreviewed": [u for pk, u in candidates.items() if pk not in reviewed] if can_manage else [],
        "can_manage": can_manage, "can_assign": policy.allows(request.user, "assignment.manage"),
        "decision_form": (decision_form or DecisionForm(user=request.user)) if can_manage else None,
    }  # fmt: skip
    return render(request, "meetings/meeting_detail.html", context, status=400 if decision_form else 200)


def _meeting_data(form: MeetingForm, visits) -> dict:
    data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
    return data | {"visits": ordered_route(visits)}


def _meeting_form(request, meeting: Meeting | None, form: MeetingForm, visits):
    context = {"form": form, "visits": visits, "meeting": meeting}
    status = 400 if form.errors or any(visits.errors) or visits.non_form_errors() else 200
    return render(request, "meetings/meeting_form.html", context, status=status)


@policy.permission("meeting.manage")
def meeting_create(request):
    form = MeetingForm(request.POST or None, user=request.user, initial={"date": timezone.localdate()})
    visits = visit_formset(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid() and visits.is_valid():
        try:
            meeting = services.meeting_create(actor=request.user, **_meeting_data(form, visits))
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("会议已登记。"))
            return redirect("meetings:detail", pk=meeting.pk)
    return _meeting_form(request, None, form, visits)


@policy.permission("meeting.manage")
def meeting_edit(request, pk):
    meeting = queries.get_visible_or_404(request.user, pk)
    if not services.may_manage(request.user, meeting):
        raise Http404
    initial = {"type": meeting.type, "title": meeting.title, "date": meeting.date, "place": meeting.place,
               "chair": meeting.chair, "attending_units": meeting.attending_units.all(), "agenda": meeting.agenda,
               "attendees": meeting.attendees.all(), "version": meeting.version}  # fmt: skip
    form = MeetingForm(request.POST or None, user=request.user, initial=initial)
    route = [(v.unit, v.site) for v in queries.visits_for(meeting)]
    visits = visit_formset(request.user, request.POST or None, route)
    if request.method == "POST" and form.is_valid() and visits.is_valid():
        version = form.cleaned_data["version"]
        try:
            services.meeting_update(actor=request.user, meeting=meeting, expected_version=version,
                                    **_meeting_data(form, visits))  # fmt: skip
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("meetings:detail", pk=meeting.pk)
    return _meeting_form(request, meeting, form, visits)


@policy.permission("meeting.manage")
def review_edit(request, pk, code):
    """One unit's review in a meeting: 亮点, problems (one per line), 举措."""
    meeting = queries.get_visible_or_404(request.user, pk)
    if not services.may_manage(request.user, meeting):
        raise Http404
    unit = queries.unit_in_scope_or_404(request.user, code)
    review = Review.objects.filter(meeting=meeting, unit=unit).first()
    converted = []
    initial = {"version": 0}
    if review is not None:
        problems = list(review.problems.prefetch_related("assignments"))
        converted = [p for p in problems if p.assignments.all()]
        initial = {"highlights": review.highlights, "measures": review.measures, "version": review.version,
                   "problems": "\n".join(p.text for p in problems if not p.assignments.all())}  # fmt: skip
    form = ReviewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_save(actor=request.user, meeting=meeting, unit=unit,
                                 highlights=form.cleaned_data["highlights"], problems=form.cleaned_data["problems"],
                                 measures=form.cleaned_data["measures"],
                                 expected_version=form.cleaned_data["version"])  # fmt: skip
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("点评已保存。"))
            return redirect("meetings:detail", pk=meeting.pk)
    context = {"form": form, "meeting": meeting, "unit": unit, "converted": converted}
    return render(request, "meetings/review_form.html", context, status=400 if form.errors else 200)


@require_POST
@policy.permission("meeting.manage")
def decision_add(request, pk):
    meeting = queries.get_visible_or_404(request.user, pk)
    form = DecisionForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.decision_add(actor=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已添加议定事项。"))
            return redirect("meetings:detail", pk=meeting.pk)
    return _detail_page(request, meeting, decision_form=form)  # what was typed stays, the message at its field


def _convert(request, source, meeting, convert, initial: dict, heading: str, text: str, unit):
    if not services.may_manage(request.user, meeting):  # seeing a meeting is not converting in it
        raise PermissionDenied
    form = ConvertForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            assignment = convert(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已转为督办事项。"))
            return redirect("supervision:detail", pk=assignment.pk)
    context = {"form": form, "meeting": meeting, "heading": heading, "text": text, "unit": unit,
               "existing": list(source.assignments.all())}  # fmt: skip
    return render(request, "meetings/convert_form.html", context, status=400 if form.errors else 200)


@policy.permission("assignment.manage")
def problem_convert(request, pk):
    problem = queries.problem_or_404(request.user, pk)
    meeting = problem.review.meeting

    def convert(**kwargs):
        return services.review_problem_to_assignment(problem=problem, **kwargs)

    heading = _("点评问题转督办：%(u)s") % {"u": problem.review.unit.name}
    return _convert(request, problem, meeting, convert, {}, heading, problem.text, problem.review.unit)


@policy.permission("assignment.manage")
def decision_convert(request, pk):
    decision = queries.decision_or_404(request.user, pk)

    def convert(**kwargs):
        return services.decision_to_assignment(decision=decision, **kwargs)

    heading = _("议定事项转督办：第 %(n)d 项") % {"n": decision.order}
    initial = {"deadline": decision.deadline}
    return _convert(request, decision, decision.meeting, convert, initial, heading, decision.text, decision.owner_unit)


@policy.permission("meeting.view")
def minutes_docx(request, pk):
    meeting = queries.get_visible_or_404(request.user, pk)
    record(actor=request.user, action=AuditAction.EXPORT, obj=meeting, note=_("导出会议纪要"))
    filename = f"{meeting.date:%Y%m%d}-{meeting.title}-会议纪要.docx"
    return docx_layout.docx_response(minutes.build(meeting, request.user), filename)


@policy.permission("meeting.view")
def unit_history(request, code):
    """A unit's reviews across meetings, newest first: is last quarter's problem still there?"""
    unit = queries.unit_in_scope_or_404(request.user, code)
    reviews = queries.unit_history(unit).filter(meeting__in=queries.visible_meetings(request.user).values("pk"))
    page = Paginator(reviews, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "meetings/unit_history.html", {"unit": unit, "page_obj": page})


app_name = "meetings"
urlpatterns = [
    path("", meeting_list, name="list"),
    path("new/", meeting_create, name="create"),
    path("<int:pk>/", meeting_detail, name="detail"),
    path("<int:pk>/edit/", meeting_edit, name="edit"),
    path("<int:pk>/minutes.docx", minutes_docx, name="minutes"),
    path("<int:pk>/reviews/<str:code>/", review_edit, name="review_edit"),
    path("<int:pk>/decisions/", decision_add, name="decision_add"),
    path("problems/<int:pk>/assign/", problem_convert, name="problem_convert"),
    path("decisions/<int:pk>/assign/", decision_convert, name="decision_convert"),
    path("units/<str:code>/", unit_history, name="unit_history"),
]
