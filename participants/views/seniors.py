"""Pages of a 新現役 about themselves: the profile wizard and overview, the confidentiality pledge, the APPI
consent ledger and their personal-data rights (export, deletion). Only the senior themself sees them."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sks.access import role_required, signed_in_user
from sks.audit import audit
from sks.exceptions import DomainError
from sks.export import attach_file_name, download_name
from sks.roles import SENIOR

from .. import selectors
from ..forms.seniors import (
    BasicInfoForm,
    ConditionsForm,
    ConsentGrantForm,
    DeletionConfirmForm,
    ExpertiseForm,
    IntroductionForm,
    PledgeAcceptForm,
    career_formset,
)
from ..models import WEEKDAYS, SeniorProfile
from ..services import seniors as services

STEP_FORMS: dict[int, type[BasicInfoForm | ExpertiseForm | IntroductionForm | ConditionsForm]] = {
    1: BasicInfoForm,
    3: ExpertiseForm,
    4: IntroductionForm,
    5: ConditionsForm,
}
MAX_EXTRA_CAREER_ROWS = 10


def _post_data(request: HttpRequest) -> Any:
    # Not `request.POST or None`: an empty POST (a box left unticked) must still be validated and refused.
    return request.POST if request.method == "POST" else None


def _own_profile(request: HttpRequest) -> SeniorProfile:
    return selectors.access_own_senior_profile(user=signed_in_user(request))


def _wizard_context(profile: SeniorProfile, step: int | None = None) -> dict[str, Any]:
    steps = selectors.WIZARD_STEPS
    return {
        "profile": profile,
        "steps": steps,
        "step": step,
        "step_title": dict(steps).get(step) if step else None,
        "step_count": len(steps),
        "resume_step": profile.wizard_step if profile.wizard_step <= services.WIZARD_LAST_STEP else None,
        "resume_title": dict(steps).get(profile.wizard_step),
        "completeness": selectors.senior_profile_completeness(profile),
    }


@require_GET
@role_required(SENIOR)
def senior_profile_edit(request: HttpRequest) -> HttpResponse:
    """The overview at /profile/: completeness, where to resume, each step's content, pledge and consent."""
    profile = _own_profile(request)
    context = _wizard_context(profile)
    context |= {
        "careers": list(profile.careers.all()),
        "expertise": list(profile.expertise.all()),
        "industries": list(profile.industries.all()),
        "qualifications": list(profile.qualifications.all()),
        "travel_regions": list(profile.travel_regions.all()),
        "weekday_labels": [label for day, label in WEEKDAYS if profile.has_weekday(day)],
        "has_current_pledge": selectors.senior_has_current_pledge(profile),
        "standing_consent": selectors.senior_standing_consent(profile),
    }
    return render(request, "participants/senior_profile_overview.html", context)


@require_http_methods(["GET", "POST"])
@role_required(SENIOR)
def senior_profile_step(request: HttpRequest, step: int) -> HttpResponse:
    """One wizard step. 「保存して次へ」 saves and moves on; 「保存して後で続ける」 saves and returns to the overview,
    which then offers to resume here. Going back is a plain link: nothing is lost that was saved."""
    if step not in dict(selectors.WIZARD_STEPS):
        raise Http404
    profile = _own_profile(request)
    action = request.POST.get("action", "next")
    data = _post_data(request)
    form: Any
    if step == 2:
        try:
            extra = max(0, min(int(request.GET.get("extra", 1)), MAX_EXTRA_CAREER_ROWS))
        except ValueError:
            extra = 1
        form = career_formset(profile=profile, data=data, extra=extra)
    else:
        form = STEP_FORMS[step](data, profile=profile)

    error = None
    if data is not None and form.is_valid():
        try:
            if step == 2:
                services.senior_careers_replace(profile=profile, careers=form.careers())
            else:
                form.save()
        except DomainError as exc:
            error = exc.message
        else:
            return _after_save(request, profile, step, action, form)

    context = _wizard_context(profile, step)
    context |= {"form": form, "error": error}
    return render(request, "participants/senior_profile_step.html", context)


def _after_save(request: HttpRequest, profile: SeniorProfile, step: int, action: str, form: Any) -> HttpResponse:
    if step == 2 and action == "add":
        services.senior_wizard_advance(profile=profile, step=step)
        url = reverse("participants:senior_profile_step", args=[2])
        return redirect(f"{url}?extra={min(form.empty_row_count() + 1, MAX_EXTRA_CAREER_ROWS)}#career-rows")
    if action == "later":
        services.senior_wizard_advance(profile=profile, step=step)
        if profile.wizard_step > services.WIZARD_LAST_STEP:
            messages.success(request, _("保存しました。"))
        else:
            messages.success(
                request,
                _("保存しました。続きは「手順%(step)s %(title)s」からいつでも入力できます。")
                % {"step": profile.wizard_step, "title": dict(selectors.WIZARD_STEPS)[profile.wizard_step]},
            )
        return redirect("participants:senior_profile_edit")
    services.senior_wizard_advance(profile=profile, step=step + 1)
    if step == services.WIZARD_LAST_STEP:
        messages.success(request, _("プロフィールを保存しました。"))
        return redirect("participants:senior_profile_edit")
    messages.success(request, _("保存しました。"))
    return redirect("participants:senior_profile_step", step=step + 1)


# --- pledge ------------------------------------------------------------------------------------------------


def _pledge_next(request: HttpRequest) -> str:
    """Where the senior came from (the pages that send them to the pledge pass it as `next`): only a
    path on this site is followed, never the pledge page itself."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    if next_url.split("?")[0] == reverse("participants:senior_pledge"):
        return ""
    return next_url


@require_http_methods(["GET", "POST"])
@role_required(SENIOR)
def senior_pledge(request: HttpRequest) -> HttpResponse:
    profile = _own_profile(request)
    current = selectors.pledge_current()
    form = PledgeAcceptForm(_post_data(request), initial={"pledge": current.pk if current else None})
    next_url = _pledge_next(request)
    if request.method == "POST" and form.is_valid():
        try:
            services.senior_pledge_accept(profile=profile, pledge=form.cleaned_data["pledge"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("守秘義務の誓約を受け付けました。"))
            if next_url:
                return redirect(next_url)
        # Without a `next`, the page itself shows the pledge taken and the way on (the dashboard).
        return redirect(
            reverse("participants:senior_pledge") + (f"?{urlencode({'next': next_url})}" if next_url else "")
        )
    context = {
        "next_url": next_url,
        "pledge": current,
        "acceptance": selectors.senior_current_pledge_acceptance(profile),
        "history": profile.pledges.select_related("pledge").order_by("-accepted_at"),
        "form": form,
    }
    return render(request, "participants/senior_pledge.html", context)


# --- consent -------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(SENIOR)
def senior_consent(request: HttpRequest) -> HttpResponse:
    profile = _own_profile(request)
    current = selectors.consent_purpose_current()
    form = ConsentGrantForm(_post_data(request), initial={"purpose": current.pk if current else None})
    if request.method == "POST" and form.is_valid():
        try:
            services.senior_consent_grant(profile=profile, purpose=form.cleaned_data["purpose"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("同意を記録しました。"))
        return redirect("participants:senior_consent")
    standing = selectors.senior_standing_consent(profile)
    context = {
        "purpose": current,
        "standing": standing,
        "needs_consent": current is not None and (standing is None or standing.purpose_id != current.pk),
        "ledger": selectors.senior_consent_ledger(profile),
        "form": form,
    }
    return render(request, "participants/senior_consent.html", context)


@require_POST
@role_required(SENIOR)
def senior_consent_withdraw(request: HttpRequest) -> HttpResponse:
    profile = _own_profile(request)
    try:
        services.senior_consent_withdraw(profile=profile)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("同意を撤回しました。あなたのプロフィールは、金融機関と企業から見えなくなりました。")
        )
    return redirect("participants:senior_consent")


# --- personal-data rights ---------------------------------------------------------------------------------------


@require_GET
@role_required(SENIOR)
def senior_data_export(request: HttpRequest) -> HttpResponse:
    """All of one's data as a readable page that prints well."""
    profile = _own_profile(request)
    audit(obj=profile, action="senior.data_viewed", user=request.user)
    data = selectors.senior_data_export(profile)
    context = {"data": data, "sections": selectors.senior_data_export_sections(data)}
    return render(request, "participants/senior_data_export.html", context)


@require_GET
@role_required(SENIOR)
def senior_data_export_json(request: HttpRequest) -> HttpResponse:
    """All of one's data as a JSON download."""
    profile = _own_profile(request)
    audit(obj=profile, action="senior.data_exported", user=request.user)
    body = json.dumps(selectors.senior_data_export(profile), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    attach_file_name(response, download_name(_("SKS登録データ"), f"{timezone.localdate():%Y%m%d}", extension="json"))
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
@role_required(SENIOR)
def senior_delete(request: HttpRequest) -> HttpResponse:
    """Ask for deletion: confirmed by a checkbox, carried out at once by anonymising the person."""
    profile = _own_profile(request)
    form = DeletionConfirmForm(_post_data(request))
    if request.method == "POST" and form.is_valid():
        services.senior_deletion_request_create(profile=profile)
        try:
            services.senior_anonymise(profile=profile)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            logout(request)
            messages.success(request, _("登録と個人情報を削除しました。これまでのご協力に感謝いたします。"))
            return redirect("home")
    return render(request, "participants/senior_delete.html", {"form": form})
