"""Pages of the mutual selection.

* Seniors: the events open to them, and behind the pledge gate the issue list and their application.
  The gate holds on every page and POST that shows or changes anything of the issue list: without the
  pledge in force they are sent to the pledge page before anything of the list is read.
* Bank staff (of the enrolment's own institution): a company's applicants and their profiles (only while the
  senior's consent stands), the company's decisions, and its invitations to seniors who did not apply.
* Coordinators: the whole picture of one event.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from participants import selectors as participant_selectors
from participants import services as participant_services
from participants.forms.search import SeniorSearchForm
from participants.models import WEEKDAYS, SeniorProfile
from sks.access import role_required, signed_in_user
from sks.audit import audit_read
from sks.exceptions import DomainError
from sks.roles import INSTITUTION_ROLES, SENIOR, Role

from ..access import (
    access_enrolment_for_staff,
    access_event_for_coordinator,
    access_event_for_senior,
    senior_profile_of,
)
from ..enums import ApplicationStatus, ChoiceDecision
from ..forms.selection import ChoiceDecisionForm, InvitationForm, SeniorApplicationForm
from ..models import Event
from ..selectors.selection import (
    access_choice_for_staff,
    access_invitation_for_staff,
    application_window_open,
    coordinator_selection_overview,
    enrolment_senior_states,
    invitations_for_enrolment,
    issue_entries_for_senior,
    selection_window_open,
    senior_application_for,
    senior_event_rows,
    senior_invitations_for_event,
    staff_applicant_entries,
)
from ..services import selection as services

# --- seniors --------------------------------------------------------------------------------------


def _senior(request: HttpRequest) -> SeniorProfile:
    """The signed-in senior's profile; 404 for an anonymised one."""
    return senior_profile_of(signed_in_user(request))


def _pledge_gate(request: HttpRequest, profile: SeniorProfile) -> HttpResponse | None:
    """None when the senior has accepted the pledge in force; otherwise the way to the pledge page.

    The pledge page brings the senior back here (`next`) once they have accepted.
    """
    if participant_selectors.senior_has_current_pledge(profile):
        return None
    messages.warning(
        request,
        _("課題一覧を見るには、最新の守秘義務の誓約が必要です。誓約すると、元の画面に戻ります。"),
    )
    back = request.get_full_path() if request.method == "GET" else ""
    query = "?" + urlencode({"next": back}) if back else ""
    return redirect(reverse("participants:senior_pledge") + query)


@require_GET
@role_required(SENIOR)
def senior_event_list(request: HttpRequest) -> HttpResponse:
    """The events whose issue list is published, with the senior's application status. No issue content."""
    user = signed_in_user(request)
    profile = senior_profile_of(user)
    context = {
        "rows": senior_event_rows(user=user, senior=profile),
        "has_pledge": participant_selectors.senior_has_current_pledge(profile),
    }
    return render(request, "events/senior_event_list.html", context)


@require_GET
@role_required(SENIOR)
def senior_issue_list(request: HttpRequest, pk: int) -> HttpResponse:
    profile = _senior(request)
    if (gate := _pledge_gate(request, profile)) is not None:
        return gate
    event = access_event_for_senior(user=signed_in_user(request), pk=pk)
    application = senior_application_for(event=event, senior=profile)
    chosen: set[int] = set()
    if application is not None and application.status != ApplicationStatus.WITHDRAWN:
        chosen = {c.enrolment_id for c in application.choices.all()}
    context = {
        "event": event,
        "entries": issue_entries_for_senior(event=event),
        "application": application,
        "chosen": chosen,
        "window_open": application_window_open(event),
    }
    return render(request, "events/senior_issue_list.html", context)


def _application_page(
    request: HttpRequest, *, profile: SeniorProfile, event: Event, form: SeniorApplicationForm | None = None
) -> HttpResponse:
    application = senior_application_for(event=event, senior=profile)
    entries = issue_entries_for_senior(event=event)
    if form is None:
        proposals = {c.enrolment_id: c.proposal for c in application.choices.all()} if application else {}
        attendance = None
        if application is not None:
            attendance = services.AttendanceWindow(
                arrival_slot=application.arrival_slot,
                leaving_slot=application.leaving_slot,
                max_meetings=application.max_meetings,
            )
        form = SeniorApplicationForm(
            entries=entries,
            max_choices=event.max_choices_per_senior,
            proposals=proposals,
            slot_times=event.slot_times(),
            attendance=attendance,
        )
    labels = {e.enrolment_id: e for e in entries}
    invitations = [
        (invitation, labels[invitation.enrolment_id])
        for invitation in senior_invitations_for_event(event=event, senior=profile)
        if invitation.enrolment_id in labels
    ]
    chosen = []
    if application is not None:
        chosen = [(c, labels.get(c.enrolment_id)) for c in application.choices.all()]
    context = {
        "event": event,
        "form": form,
        "application": application,
        "chosen": chosen,
        "invitations": invitations,
        "window_open": application_window_open(event),
    }
    return render(request, "events/senior_application.html", context)


def _closed(request: HttpRequest, event: Event) -> HttpResponse | None:
    """After the deadline (or outside publication) a POST is refused before its form is read, with the reason."""
    try:
        services.application_window_check(event=event)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("events:senior_application", pk=event.pk)
    return None


def _application_form(request: HttpRequest, event: Event) -> SeniorApplicationForm:
    return SeniorApplicationForm(
        request.POST,
        entries=issue_entries_for_senior(event=event),
        max_choices=event.max_choices_per_senior,
        slot_times=event.slot_times(),
    )


@require_http_methods(["GET", "POST"])
@role_required(SENIOR)
def senior_application(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose companies and write a proposal for each; 「下書きを保存」 keeps it without applying."""
    profile = _senior(request)
    if (gate := _pledge_gate(request, profile)) is not None:
        return gate
    event = access_event_for_senior(user=signed_in_user(request), pk=pk)
    if request.method != "POST":
        return _application_page(request, profile=profile, event=event)
    if (closed := _closed(request, event)) is not None:
        return closed
    form = _application_form(request, event)
    if form.is_valid():
        try:
            services.senior_application_save(
                event=event, senior=profile, choices=form.choices(), by=profile.user, attendance=form.attendance()
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("保存しました。"))
            return redirect("events:senior_application", pk=event.pk)
    return _application_page(request, profile=profile, event=event, form=form)


@require_POST
@role_required(SENIOR)
def senior_application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply. From the application form, what is on it is saved first; from elsewhere, the saved choices."""
    profile = _senior(request)
    if (gate := _pledge_gate(request, profile)) is not None:
        return gate
    event = access_event_for_senior(user=signed_in_user(request), pk=pk)
    if (closed := _closed(request, event)) is not None:
        return closed
    if request.POST.get("application_form"):
        form = _application_form(request, event)
        if not form.is_valid():
            return _application_page(request, profile=profile, event=event, form=form)
        try:
            services.senior_application_save(
                event=event, senior=profile, choices=form.choices(), by=profile.user, attendance=form.attendance()
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            return _application_page(request, profile=profile, event=event, form=form)
    application = senior_application_for(event=event, senior=profile)
    if application is None:
        messages.error(request, _("応募するには、企業を1社以上選んで提案を入力してください。"))
        return redirect("events:senior_application", pk=event.pk)
    try:
        services.senior_application_submit(application=application, by=profile.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("応募しました。締切までは内容を変更できます。企業からの回答は、後日お知らせします。")
        )
    return redirect("events:senior_application", pk=event.pk)


@require_POST
@role_required(SENIOR)
def senior_application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    profile = _senior(request)
    if (gate := _pledge_gate(request, profile)) is not None:
        return gate
    event = access_event_for_senior(user=signed_in_user(request), pk=pk)
    application = senior_application_for(event=event, senior=profile)
    if application is None:
        messages.error(request, _("この交流会には、まだ応募していません。"))
        return redirect("events:senior_application", pk=event.pk)
    try:
        services.senior_application_withdraw(application=application, by=profile.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("応募を辞退しました。締切までは、企業を選び直して保存すれば、もう一度応募できます。")
        )
    return redirect("events:senior_application", pk=event.pk)


# --- bank staff -----------------------------------------------------------------------------------


@require_GET
@role_required(*INSTITUTION_ROLES)
def staff_applicants(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = access_enrolment_for_staff(user=signed_in_user(request), pk=pk)
    entries = staff_applicant_entries(enrolment=enrolment)
    decisions = [e.choice.decision for e in entries]
    context = {
        "enrolment": enrolment,
        "event": enrolment.event,
        "entries": entries,
        "accepted": decisions.count(ChoiceDecision.ACCEPTED),
        "declined": decisions.count(ChoiceDecision.DECLINED),
        "pending": decisions.count(ChoiceDecision.PENDING),
        "window_open": selection_window_open(enrolment.event),
    }
    return render(request, "events/staff_applicants.html", context)


@require_GET
@role_required(*INSTITUTION_ROLES)
def applicant_profile(request: HttpRequest, pk: int) -> HttpResponse:
    """One applicant's proposal, and their full profile while their consent stands (recorded as a provision)."""
    user = signed_in_user(request)
    choice = access_choice_for_staff(user=user, pk=pk)
    senior: SeniorProfile | None
    try:
        senior = participant_selectors.access_searchable_senior(user=user, pk=choice.application.senior_id)
    except Http404:
        senior = None  # consent withdrawn (or the person deleted): nothing of the profile is shown
    if senior is not None:
        audit_read(obj=senior)
        try:
            participant_services.provision_record(
                senior=senior,
                recipient=user,
                purpose=participant_services.PROVISION_PURPOSE_MATCHING,
                items=participant_services.provision_items_for_institutions(),
            )
        except participant_services.ProvisionError:
            # No provision without its record (fail closed); only a misconfigured membership gets here.
            raise Http404 from None
    context = {
        "choice": choice,
        "enrolment": choice.enrolment,
        "event": choice.enrolment.event,
        "senior": senior,
        "weekdays": WEEKDAYS,
        "window_open": selection_window_open(choice.enrolment.event),
    }
    return render(request, "events/applicant_profile.html", context)


@require_POST
@role_required(*INSTITUTION_ROLES)
def choice_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    choice = access_choice_for_staff(user=user, pk=pk)
    form = ChoiceDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, str(form.errors["decision"][0]))
    else:
        try:
            choice = services.application_choice_decide(choice=choice, decision=form.cleaned_data["decision"], by=user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("「%(decision)s」と回答しました。") % {"decision": choice.get_decision_display()}
            )
    if request.POST.get("back") == "profile":
        return redirect("events:applicant_profile", pk=choice.pk)
    return redirect(reverse("events:staff_applicants", args=[choice.enrolment_id]) + f"#choice-{choice.pk}")


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


@require_http_methods(["GET", "POST"])
@role_required(*INSTITUTION_ROLES)
def staff_invite(request: HttpRequest, pk: int) -> HttpResponse:
    """Find seniors (the participants search) and invite one who did not apply to this company."""
    user = signed_in_user(request)
    enrolment = access_enrolment_for_staff(user=user, pk=pk)
    if request.method == "POST":
        _invite(request, enrolment=enrolment)
        return redirect(request.get_full_path())
    search_form = SeniorSearchForm(request.GET or None)
    page = None
    if search_form.is_bound and search_form.is_valid():
        page = participant_selectors.senior_search(criteria=search_form.criteria(), page=_page_number(request))
    applied, invited = enrolment_senior_states(enrolment=enrolment)
    context = {
        "enrolment": enrolment,
        "event": enrolment.event,
        "search_form": search_form,
        "page": page,
        "applied": applied,
        "invited": invited,
        "invitations": invitations_for_enrolment(enrolment=enrolment),
        "window_open": selection_window_open(enrolment.event),
    }
    return render(request, "events/staff_invite.html", context)


def _invite(request: HttpRequest, *, enrolment: Any) -> None:
    user = signed_in_user(request)
    form = InvitationForm(request.POST)
    if not form.is_valid():
        errors = form.errors.get("message") or [_("招待する新現役を選んでください。")]
        messages.error(request, str(errors[0]))
        return
    try:
        senior = participant_selectors.access_searchable_senior(user=user, pk=form.cleaned_data["senior"])
    except Http404:
        messages.error(request, _("この新現役は、現在招待できません（同意が撤回されたなど）。"))
        return
    try:
        services.senior_invitation_create(
            enrolment=enrolment, senior=senior, message=form.cleaned_data["message"], by=user
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(name)s さんを招待しました。メールとお知らせで本人に伝えます。") % {"name": senior.user.name},
        )


@require_POST
@role_required(*INSTITUTION_ROLES)
def invitation_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    invitation = access_invitation_for_staff(user=user, pk=pk)
    try:
        services.senior_invitation_withdraw(invitation=invitation, by=user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("招待を取り消しました。"))
    return redirect("events:staff_invite", pk=invitation.enrolment_id)


# --- coordinators ---------------------------------------------------------------------------------


@require_GET
@role_required(Role.COORDINATOR)
def coordinator_selection(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    event = access_event_for_coordinator(user=user, pk=pk)
    overview = coordinator_selection_overview(user=user, event=event)
    return render(request, "events/coordinator_selection.html", {"event": event, "overview": overview})
