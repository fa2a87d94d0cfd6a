"""The statistics' stored summary of the interviews: one row per meeting of a published timetable (and per
issue category of its company), so that the statistics page counts interviews and seniors from one narrow
table instead of joining ~200,000 meetings to their timetables, enrolments and hearing sheets on every view.

Stored: what does not change after the meeting is published (the meeting's event, senior, company and
institution), the company's issue categories, which change only through
events.services.hearings.hearing_sheet_update (signal `hearing_issues_replaced`), and the company's branch,
which changes only through participants.services.companies and the Django admin (signal
`company_branches_changed`). The event's status, date, coordinator and prefecture, which change in many
steps, are joined when read (a small table). matching.services.figures.meeting_figures_refresh rebuilds an
event's rows; `manage.py refresh_statistics` rebuilds every event's.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from events.models import Event
from participants.models import Branch, Company, Organization, SeniorProfile
from sks.access import InstitutionScopedManager, UnscopedManager

from .timetables import TimetableMeeting


class MeetingFigure(models.Model):
    """One meeting of an event's published timetable, for each issue category of the company's hearing sheet
    (one row with no category when it has none; a category given twice counts once).

    `first` marks exactly one row of each meeting: the figures that do not group by category count only
    those, so that a company with two categories is not counted twice there.
    """

    meeting = models.ForeignKey(TimetableMeeting, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    institution = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    # The company's branch, copied (the branch breakdown would otherwise join ~200,000 rows to the companies).
    branch = models.ForeignKey(Branch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    senior = models.ForeignKey(SeniorProfile, on_delete=models.CASCADE, related_name="+")
    # NULL (not "") for a company without issues: the statistics group it apart from every category, as the
    # hearing sheet's outer join did.
    category = models.CharField(_("課題の分類"), max_length=20, null=True, blank=True)  # noqa: DJ001  (see above)
    first = models.BooleanField(default=True)

    objects = InstitutionScopedManager("institution")
    unscoped = UnscopedManager()  # only for matching/access.py

    class Meta:
        verbose_name = _("面談の集計")
        verbose_name_plural = _("面談の集計")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "category"], name="meeting_figure_category_once"),
        ]
        # The distinct seniors per category and per branch, read in order from these alone (see
        # matching.selectors.statistics._seniors_and_interviews); the branch figures count `first` rows only.
        indexes = [
            models.Index(fields=["category", "senior", "event"], name="meeting_figure_category_senior"),
            models.Index(
                fields=["branch", "senior", "event"],
                condition=models.Q(first=True),
                name="meeting_figure_branch_senior",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.category or '—'}"
