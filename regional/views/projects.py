"""Public-private projects: a local government's regional challenge, partners applying and accepted under a
signed agreement, the campaign's contributions and progress, the volunteer team and the activity log.

Challenges, their campaign totals and their accepted partners are public to every signed-in user. The
government's staff manage their own challenges; an organisation's staff apply for it; the "insiders" (the
government and the accepted partners' staff) see the contributions, the team and the activity log.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from participants.models import User
from sks.access import role_required, signed_in_required, signed_in_user
from sks.roles import Role

from .. import access
from ..enums import ApplicationStatus, ChallengeStatus, ContributionSource
from ..forms import (
    AcceptForm,
    ActivityForm,
    ApplyForm,
    CampaignForm,
    ChallengeForm,
    ContributionForm,
    UpdateForm,
    VolunteerForm,
)
from ..models import Challenge
from ..services import (
    RegionalError,
    activity_record,
    application_accept,
    application_decline,
    campaign_create,
    challenge_close,
    challenge_create,
    challenge_follow,
    contribution_record,
    partner_apply,
    project_update_post,
    volunteer_join,
)


def _insider_partner_ids(user: User, challenge: Challenge) -> list[int]:
    return sorted(set(access.partner_ids_for(user)) & access.accepted_partner_ids(challenge=challenge))


def _is_insider(user: User, challenge: Challenge) -> bool:
    return challenge.government_id in access.government_ids_for(user) or bool(_insider_partner_ids(user, challenge))


def _form_error(form: Any, error: RegionalError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@signed_in_required
def challenge_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    challenges = access.challenges_for(user=user).order_by("status", "-created_at", "-pk")
    return render(
        request,
        "regional/challenge_list.html",
        {"challenges": challenges, "can_post": bool(access.government_ids_for(user))},
    )


@role_required(Role.LOCAL_GOVERNMENT)
def challenge_new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    governments = access.government_ids_for(user)
    form = ChallengeForm(request.POST or None, governments=governments)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            challenge = challenge_create(by=user, government=data.pop("government"), **data)
        except RegionalError as e:
            _form_error(form, e)
        else:
            messages.success(request, _("地域課題を公開しました。"))
            return redirect("regional:challenge_detail", pk=challenge.pk)
    return render(request, "regional/challenge_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def challenge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    challenge = access.access_challenge(user=user, pk=pk)
    government = challenge.government_id in access.government_ids_for(user)
    insider = _is_insider(user, challenge)
    applications = list(access.applications_for(user=user, challenge=challenge))
    campaign = getattr(challenge, "campaign", None)
    own = set(access.partner_ids_for(user))
    applied = {a.partner_id for a in applications if a.partner_id in own}
    can_apply = challenge.status == ChallengeStatus.OPEN and bool(own - applied)
    partner_ids = _insider_partner_ids(user, challenge)
    context: dict[str, Any] = {
        "challenge": challenge,
        "campaign": campaign,
        "government": government,
        "insider": insider,
        "partners": [a for a in applications if a.status == ApplicationStatus.ACCEPTED],
        # The government sees every application; anyone else only their own organisation's.
        "applications": applications if government else [a for a in applications if a.partner_id in own],
        "can_apply": can_apply,
        "can_contribute": campaign is not None and bool(partner_ids),
        "contribution_form": ContributionForm(partners=partner_ids) if campaign is not None and partner_ids else None,
        "volunteer_form": VolunteerForm(partners=partner_ids) if partner_ids else None,
    }
    context["updates"] = access.project_updates_of(challenge=challenge)[:20]
    context["following"] = access.is_following(user=user, challenge=challenge)
    if insider:
        context["update_form"] = UpdateForm()
        organisations = partner_ids + ([challenge.government_id] if government else [])
        context["activity_form"] = ActivityForm(organisations=organisations)
        rows = access.project_insider_rows(challenge=challenge)
        context["activities"] = rows["activities"]
        context["volunteers"] = rows["volunteers"]
        if campaign is not None:
            context["contributions"] = rows["contributions"]
            totals = rows["contributions"].values("source").annotate(total=Sum("amount")).order_by("source")
            context["by_source"] = [(ContributionSource(row["source"]).label, row["total"]) for row in totals]
    return render(request, "regional/challenge_detail.html", context)


@require_POST
@role_required(Role.LOCAL_GOVERNMENT)
def challenge_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    challenge = access.access_challenge_for_government(user=user, pk=pk)
    try:
        challenge_close(challenge=challenge, by=user)
        messages.success(request, _("連携先の募集を終了しました。"))
    except RegionalError as e:
        messages.error(request, e.message)
    return redirect("regional:challenge_detail", pk=challenge.pk)


@login_required
def challenge_apply(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    challenge = access.access_challenge(user=user, pk=pk)
    partners = access.partner_ids_for(user)
    if not partners:
        raise Http404
    form = ApplyForm(request.POST or None, partners=partners)
    if request.method == "POST" and form.is_valid():
        try:
            partner_apply(
                challenge=challenge, partner=form.cleaned_data["partner"], by=user, message=form.cleaned_data["message"]
            )
        except RegionalError as e:
            _form_error(form, e)
        else:
            messages.success(request, _("連携を申し込みました。自治体からの連絡をお待ちください。"))
            return redirect("regional:challenge_detail", pk=challenge.pk)
    context = {"challenge": challenge, "form": form}
    return render(request, "regional/challenge_apply.html", context, status=400 if form.errors else 200)


@role_required(Role.LOCAL_GOVERNMENT)
def application_accept_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    application = access.access_application_for_government(user=user, pk=pk)
    form = AcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application_accept(
                application=application,
                by=user,
                agreement_kind=data["agreement_kind"],
                signed_on=data["agreement_signed_on"],
                signatories=data["agreement_signatories"],
            )
        except RegionalError as e:
            _form_error(form, e)
        else:
            messages.success(request, _("%(partner)sとの連携を記録しました。") % {"partner": application.partner.name})
            return redirect("regional:challenge_detail", pk=application.challenge_id)
    context = {"application": application, "challenge": application.challenge, "form": form}
    return render(request, "regional/application_accept.html", context, status=400 if form.errors else 200)


@require_POST
@role_required(Role.LOCAL_GOVERNMENT)
def application_decline_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    application = access.access_application_for_government(user=user, pk=pk)
    try:
        application_decline(application=application, by=user)
        messages.success(request, _("申込を見送りました。"))
    except RegionalError as e:
        messages.error(request, e.message)
    return redirect("regional:challenge_detail", pk=application.challenge_id)


@role_required(Role.LOCAL_GOVERNMENT)
def campaign_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    challenge = access.access_challenge_for_government(user=user, pk=pk)
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign_create(challenge=challenge, by=user, **form.cleaned_data)
        except RegionalError as e:
            _form_error(form, e)
        else:
            messages.success(request, _("キャンペーンを開始しました。"))
            return redirect("regional:challenge_detail", pk=challenge.pk)
    context = {"challenge": challenge, "form": form}
    return render(request, "regional/campaign_form.html", context, status=400 if form.errors else 200)


@require_POST
@login_required
def contribution_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    challenge = access.access_challenge(user=user, pk=pk)
    campaign = getattr(challenge, "campaign", None)
    partner_ids = _insider_partner_ids(user, challenge)
    if campaign is None or not partner_ids:
        raise Http404
    form = ContributionForm(request.POST, partners=partner_ids)
    if form.is_valid():
        try:
            contribution_record(campaign=campaign, by=user, **form.cleaned_data)
        except RegionalError as e:
            _form_error(form, e)
        else:
            messages.success(request, _("寄付・拠出を記録しました。"))
            return redirect("regional:challenge_detail", pk=challenge.pk)
    context = {"challenge": challenge, "form": form}
    return render(request, "regional/contribution_form.html", context, status=400)


@require_POST
@login_required
def volunteer_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    challenge = access.access_challenge(user=user, pk=pk)
    partner_ids = _insider_partner_ids(user, challenge)
    if not partner_ids:
        raise Http404
    form = VolunteerForm(request.POST, partners=partner_ids)
    if not form.is_valid():
        messages.error(request, _("所属する組織を選んでください。"))
    else:
        try:
            volunteer_join(challenge=challenge, user=user, partner=form.cleaned_data["partner"])
            messages.success(request, _("プロジェクトチームに参加しました。"))
        except RegionalError as e:
            messages.error(request, e.message)
    return redirect("regional:challenge_detail", pk=challenge.pk)


@require_POST
@login_required
def activity_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    challenge = access.access_challenge(user=user, pk=pk)
    if not _is_insider(user, challenge):
        raise Http404
    organisations = _insider_partner_ids(user, challenge)
    if challenge.government_id in access.government_ids_for(user):
        organisations.append(challenge.government_id)
    form = ActivityForm(request.POST, organisations=organisations)
    if form.is_valid():
        try:
            activity_record(challenge=challenge, user=user, **form.cleaned_data)
        except RegionalError as e:
            _form_error(form, e)
        else:
            messages.success(request, _("活動を記録しました。"))
            return redirect("regional:challenge_detail", pk=challenge.pk)
    context = {"challenge": challenge, "form": form}
    return render(request, "regional/activity_form.html", context, status=400)


@require_POST
@login_required
def update_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    challenge = access.access_challenge(user=user, pk=pk)
    if not _is_insider(user, challenge):
        raise Http404
    form = UpdateForm(request.POST)
    if form.is_valid():
        try:
            project_update_post(challenge=challenge, by=user, **form.cleaned_data)
        except RegionalError as e:
            _form_error(form, e)
        else:
            messages.success(
                request, _("お知らせを投稿しました。連携先とフォローしている方に、明朝まとめてメールで届きます。")
            )
            return redirect("regional:challenge_detail", pk=challenge.pk)
    return render(request, "regional/update_form.html", {"challenge": challenge, "form": form}, status=400)


@require_POST
@login_required
def follow(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    challenge = access.access_challenge(user=user, pk=pk)
    following = challenge_follow(challenge=challenge, user=user, follow=request.POST.get("follow") != "no")
    messages.success(
        request, _("フォローしました。お知らせがメールで届きます。") if following else _("フォローをやめました。")
    )
    return redirect("regional:challenge_detail", pk=challenge.pk)
