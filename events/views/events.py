"""The coordinator's pages for setting up and running an event: the list, create and edit, the detail
page with the status ladder and the next step, and the preparation checklist.

Coordinators of the event's coordinator organisation only; everyone else gets 404. The coordinator's
dashboard panel (overdue checklist items, upcoming events) is in events.panels.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sks.access import role_required, signed_in_user
from sks.exceptions import DomainError
from sks.roles import Role

from ..access import access_event_for_coordinator
from ..enums import EventStatus
from ..forms.events import ChecklistItemForm, EventForm
from ..models import Event
from ..selectors.events import (
    EVENT_EDITABLE_STATUSES,
    EVENT_TRANSITIONS_BY_ACTION,
    access_checklist_item_for_coordinator,
    checklist_for_event,
    checklist_item_for_form,
    coordinator_orgs_of,
    event_company_count,
    event_for_form,
    event_list_for_coordinator,
    event_next_step,
    event_status_ladder,
)
from ..services.events import (
    EVENT_ACTIONS,
    ChecklistError,
    EventSetupError,
    checklist_item_add,
    checklist_item_toggle_done,
    checklist_item_update,
    event_create,
    event_update,
)

COORDINATOR = Role.COORDINATOR


# --- events -----------------------------------------------------------------------------------------------


@role_required(COORDINATOR)
def event_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    events = list(event_list_for_coordinator(user=user))
    context = {
        "upcoming": [e for e in events if not e.is_past],  # type: ignore[attr-defined]  # is_past is annotated by event_list_for_coordinator
        "past": [e for e in events if e.is_past],  # type: ignore[attr-defined]  # is_past is annotated by event_list_for_coordinator
    }
    return render(request, "events/event_list.html", context)


def _event_form(request: HttpRequest, *, event: Event | None) -> HttpResponse:
    user = signed_in_user(request)
    orgs = coordinator_orgs_of(user=user)
    if event is not None and event.status not in EVENT_EDITABLE_STATUSES:
        messages.error(
            request, _("「%(status)s」の交流会の設定は変更できません。") % {"status": event.get_status_display()}
        )
        return redirect("events:event_detail", pk=event.pk)
    # A fresh instance for the form: a bound ModelForm writes the typed values onto it.
    instance = event_for_form(event) if event is not None else None
    form = EventForm(request.POST or None, instance=instance, coordinator_orgs=orgs)
    if request.method == "POST" and form.is_valid():
        fields: dict[str, Any] = dict(form.cleaned_data)
        hosts, co_hosts = list(fields.pop("hosts")), list(fields.pop("co_hosts"))
        try:
            if event is None:
                coordinator = fields.pop("coordinator", None) or orgs.first()
                if coordinator is None:
                    raise Http404  # a coordinator role always comes with its organisation
                saved = event_create(by=user, coordinator=coordinator, hosts=hosts, co_hosts=co_hosts, **fields)
            else:
                saved = event_update(event=event, by=user, hosts=hosts, co_hosts=co_hosts, **fields)
        except EventSetupError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("events:event_detail", pk=event.pk) if event else redirect("events:event_list")
        else:
            if event is None:
                messages.success(
                    request,
                    _("「%(title)s」を作成しました。準備チェックリストも作成しました。") % {"title": saved.title},
                )
            else:
                messages.success(request, _("「%(title)s」を更新しました。") % {"title": saved.title})
            return redirect("events:event_detail", pk=saved.pk)
    return render(request, "events/event_form.html", {"form": form, "event": event})


@role_required(COORDINATOR)
def event_create_view(request: HttpRequest) -> HttpResponse:
    return _event_form(request, event=None)


@role_required(COORDINATOR)
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _event_form(request, event=access_event_for_coordinator(user=signed_in_user(request), pk=pk))


def _slots(event: Event) -> list[dict[str, Any]]:
    breaks = {int(b) for b in event.break_after or []}
    return [
        {"round": n, "start": start, "end": end, "break_after": n in breaks and n < event.rounds}
        for n, (start, end) in enumerate(event.slot_times(), start=1)
    ]


@role_required(COORDINATOR)
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    event = access_event_for_coordinator(user=user, pk=pk)
    hosts = list(event.event_hosts.select_related("institution").order_by("institution__name"))
    context = {
        "event": event,
        "hosts": hosts,
        "co_hosts": list(event.co_hosts.order_by("name")),
        "slots": _slots(event),
        "ladder": event_status_ladder(event=event),
        "next_step": event_next_step(event=event),
        "editable": event.status in EVENT_EDITABLE_STATUSES,
        "company_count": event_company_count(event=event),
    }
    return render(request, "events/event_detail.html", context)


@require_POST
@role_required(COORDINATOR)
def event_transition(request: HttpRequest, pk: int) -> HttpResponse:
    """Take the step the form names (`action`); the service checks the status and preconditions."""
    user = signed_in_user(request)
    event = access_event_for_coordinator(user=user, pk=pk)
    action = request.POST.get("action", "")
    service = EVENT_ACTIONS.get(action)
    if service is None:
        messages.error(request, _("操作がわかりませんでした。もう一度ボタンを押してください。"))
        return redirect("events:event_detail", pk=event.pk)
    try:
        service(event=event, by=user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        transition = EVENT_TRANSITIONS_BY_ACTION[action]
        messages.success(
            request,
            _("「%(label)s」を行いました。交流会は「%(status)s」になりました。")
            % {"label": transition.label, "status": EventStatus(transition.target).label},
        )
    return redirect("events:event_detail", pk=event.pk)


# --- the preparation checklist --------------------------------------------------------------------------------


@role_required(COORDINATOR)
def checklist(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    event = access_event_for_coordinator(user=user, pk=pk)
    return _checklist_page(request, event=event, form=ChecklistItemForm(event=event, initial={"owner": user.pk}))


def _checklist_page(request: HttpRequest, *, event: Event, form: ChecklistItemForm) -> HttpResponse:
    today = timezone.localdate()
    items = list(checklist_for_event(event=event))
    overdue = {item.pk for item in items if item.done_at is None and item.due_date < today}
    context = {
        "event": event,
        "items": items,
        "overdue": overdue,
        "done_count": sum(1 for item in items if item.done_at is not None),
        "first_time": event.event_hosts.filter(is_first_event=True).exists(),
        "form": form,
    }
    return render(request, "events/checklist.html", context)


@role_required(COORDINATOR)
def checklist_item_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the form on its own page. POST: add the task (errors are shown on that page)."""
    user = signed_in_user(request)
    event = access_event_for_coordinator(user=user, pk=pk)
    form = ChecklistItemForm(request.POST or None, event=event, initial={"owner": user.pk})
    if request.method == "POST" and form.is_valid():
        try:
            item = checklist_item_add(event=event, by=user, **form.cleaned_data)
        except ChecklistError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("「%(title)s」を追加しました。") % {"title": item.title})
            return redirect("events:checklist", pk=event.pk)
    return render(request, "events/checklist_item_form.html", {"form": form, "event": event, "item": None})


@role_required(COORDINATOR)
def checklist_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    item = access_checklist_item_for_coordinator(user=user, pk=pk)
    event = item.event
    # A fresh instance for the form: a bound ModelForm writes the typed values onto it.
    form = ChecklistItemForm(request.POST or None, instance=checklist_item_for_form(item), event=event)
    if request.method == "POST" and form.is_valid():
        try:
            checklist_item_update(item=item, by=user, **form.cleaned_data)
        except ChecklistError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("「%(title)s」を更新しました。") % {"title": item.title})
            return redirect("events:checklist", pk=event.pk)
    return render(request, "events/checklist_item_form.html", {"form": form, "event": event, "item": item})


@require_POST
@role_required(COORDINATOR)
def checklist_item_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    item = access_checklist_item_for_coordinator(user=user, pk=pk)
    try:
        item = checklist_item_toggle_done(item=item, by=user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if item.done_at is not None:
            messages.success(request, _("「%(title)s」を完了にしました。") % {"title": item.title})
        else:
            messages.success(request, _("「%(title)s」を未完了に戻しました。") % {"title": item.title})
    return redirect(f"{reverse('events:checklist', args=[item.event_id])}#item-{item.pk}")
