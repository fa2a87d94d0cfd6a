"""Writes to senior profiles (新現役)."""

from __future__ import annotations

from ..models import SeniorProfile


def senior_search_text(profile: SeniorProfile) -> str:
    """Everything a keyword search may match, as one string (indexed with pg_trgm on PostgreSQL).

    Call `senior_refresh_search_text` after any change to the profile, its careers or its choices.
    """
    user = profile.user
    parts: list[str] = [user.name, user.name_kana, profile.city, profile.self_introduction, profile.other_qualifications]
    parts += [f"{c.employer} {c.department} {c.role}" for c in profile.careers.all()]
    parts += [e.name for e in profile.expertise.all()]
    parts += [i.name for i in profile.industries.all()]
    parts += [q.name for q in profile.qualifications.all()]
    return "\n".join(p for p in parts if p)


def senior_refresh_search_text(*, profile: SeniorProfile) -> None:
    profile.search_text = senior_search_text(profile)
    SeniorProfile.objects.filter(pk=profile.pk).update(search_text=profile.search_text)
