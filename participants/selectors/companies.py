"""Reads of client companies. Every one is limited to the user's own institutions."""

from __future__ import annotations

from django.db.models import QuerySet

from sks.access import get_or_404

from ..models import Company, User


def company_list_for(*, user: User) -> QuerySet[Company]:
    # The explicit filter and the request's scope say the same thing; either alone would keep
    # another institution's clients out.
    return Company.objects.filter(institution_id__in=user.institution_ids).select_related(
        "institution", "branch", "industry_major", "industry", "responsible_staff"
    )


def access_company(*, user: User, pk: int) -> Company:
    return get_or_404(company_list_for(user=user), pk=pk)
