"""matching's answers to the hooks of the apps below it (events.signals)."""

from __future__ import annotations

from typing import Any

from events.enums import EventStatus


def event_closed_send_summary(*, event: Any, target: str, **_kwargs: Any) -> None:
    """A follow-up closed (by the coordinator's hand or by the daily scan): its summary goes to the hosts
    now rather than at the next morning's scan. Exactly once either way (the reminder ledger's key)."""
    if target != EventStatus.CLOSED:
        return
    from .services.followup_reminders import followup_closed_summary_schedule

    followup_closed_summary_schedule(event=event)


def event_published_send_fit_mails(*, event: Any, target: str, **_kwargs: Any) -> None:
    """The issue list is out: tell the seniors who fit (matching.services.fit), on commit of the transition."""
    if target != EventStatus.PUBLISHED:
        return
    from sks.tasks import enqueue_on_commit

    from .tasks import task_send_fit_mails

    enqueue_on_commit(task_send_fit_mails, event_id=event.pk)


def hearing_issues_replaced_refresh_figures(*, enrolment: Any, **_kwargs: Any) -> None:
    """The company's issue categories are stored in the statistics' summary of its event's meetings: rebuilt
    in the same transaction, so that the statistics never count the old categories."""
    from .services.figures import meeting_figures_refresh

    meeting_figures_refresh(event=enrolment.event)


def company_branches_changed_update_figures(*, company_ids: list[int], **_kwargs: Any) -> None:
    """The company's branch is copied into the statistics' summary of its meetings: copied again in the same
    transaction, so that the branch breakdown never counts a company under its old branch."""
    from .services.figures import meeting_figures_update_branches

    meeting_figures_update_branches(company_ids=company_ids)


def connect_receivers() -> None:
    """Called from MatchingConfig.ready(); dispatch_uid keeps a second call from connecting twice."""
    from events.signals import event_status_changed, hearing_issues_replaced
    from participants.signals import company_branches_changed

    event_status_changed.connect(event_closed_send_summary, dispatch_uid="matching.event_closed_send_summary")
    event_status_changed.connect(event_published_send_fit_mails, dispatch_uid="matching.event_published_send_fit_mails")
    hearing_issues_replaced.connect(
        hearing_issues_replaced_refresh_figures, dispatch_uid="matching.hearing_issues_replaced_refresh_figures"
    )
    company_branches_changed.connect(
        company_branches_changed_update_figures, dispatch_uid="matching.company_branches_changed_update_figures"
    )
