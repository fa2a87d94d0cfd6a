"""The matching app's reads of its confidential (institution-scoped) models past the scope.

Each function says why it may ignore the institution scope.
"""

from __future__ import annotations

from django.db.models import QuerySet

from participants.models import SeniorProfile

from .models import AgreementVisit, InterviewResult, SecondInterview, SupportAgreement

__all__ = [
    "agreement_visits_of_senior",
    "agreements_of_senior",
    "interview_results_of_senior",
    "second_interviews_of_senior",
]


# --- personal data: export and erasure ---


def interview_results_of_senior(senior: SeniorProfile) -> QuerySet[InterviewResult]:
    """Unscoped: one person's results, at the tables of every institution they met (export, erasure)."""
    return InterviewResult.unscoped.filter(senior=senior)


def second_interviews_of_senior(senior: SeniorProfile) -> QuerySet[SecondInterview]:
    """Unscoped: one person's second interviews, with companies of any institution (export, erasure)."""
    return SecondInterview.unscoped.filter(senior=senior)


def agreements_of_senior(senior: SeniorProfile) -> QuerySet[SupportAgreement]:
    """Unscoped: one person's support agreements, with companies of any institution (export, erasure)."""
    return SupportAgreement.unscoped.filter(senior=senior)


def agreement_visits_of_senior(senior: SeniorProfile) -> QuerySet[AgreementVisit]:
    """Unscoped: the visits of one person's agreements, with companies of any institution (export, erasure)."""
    return AgreementVisit.unscoped.filter(agreement__senior=senior)
