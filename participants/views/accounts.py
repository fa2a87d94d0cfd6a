from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from sks.access import role_required, signed_in_required, signed_in_user
from sks.exceptions import DomainError
from sks.personal_data import Person, entries
from sks.roles import Role

from .. import selectors, services
from ..adapters import sign_in_with_new_password
from ..forms.accounts import InvitationAcceptForm, InvitationForm
from ..forms.seniors import DeletionConfirmForm

INVITER_ROLES = (Role.INSTITUTION_ADMIN, Role.COORDINATOR)


@role_required(*INVITER_ROLES)
def invitation_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = InvitationForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _token = services.invitation_create(by=user, **form.cleaned_data)
        except services.InvitationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("%(email)s に招待メールを送りました。") % {"email": invitation.email})
            return redirect("participants:invitation_list")
    invitations = selectors.invitation_list_for(user=user)[:100]
    return render(request, "participants/invitation_list.html", {"form": form, "invitations": invitations})


@require_POST
@role_required(*INVITER_ROLES)
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    invitation = selectors.access_invitation(user=user, pk=pk)
    try:
        services.invitation_revoke(invitation=invitation, by=user)
    except services.InvitationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("招待を取り消しました。"))
    return redirect("participants:invitation_list")


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link in an invitation email. Works once, for the invited address, before it expires."""
    invitation = selectors.invitation_for_token(token=token)
    if invitation is None or not invitation.is_usable:
        reason = None
        try:
            services.invitation_check_usable(invitation, invitation.email if invitation else "")
        except services.InvitationError as exc:
            reason = exc.message
        return render(request, "participants/invitation_invalid.html", {"reason": reason}, status=410)

    if request.user.is_authenticated:
        # A signed-in user (for example a senior who also becomes staff) joins with the same account,
        # but only if it is the invited address.
        if request.method == "POST":
            try:
                user = signed_in_user(request)
                services.invitation_accept(token=token, email=user.email, user=user)
            except services.InvitationError as exc:
                return render(request, "participants/invitation_invalid.html", {"reason": exc.message}, status=403)
            messages.success(request, _("招待を受諾しました。"))
            return redirect("dashboard")
        return render(request, "participants/invitation_accept_existing.html", {"invitation": invitation})

    form = InvitationAcceptForm(request.POST or None, initial={"email": invitation.email})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.invitation_accept(
                token=token,
                email=data["email"],
                name=data["name"],
                name_kana=data["name_kana"],
                password=data["password1"],
            )
        except services.InvitationError as exc:
            form.add_error("email", exc.message)
        else:
            # The newcomer has just proved the address and chosen the password: signing in asks neither again.
            sign_in_with_new_password(request, user)
            if not user.requires_mfa:
                messages.success(request, _("アカウントを作成しました。"))
                return redirect("dashboard")
            messages.success(request, _("アカウントを作成しました。続けて、認証アプリを登録してください。"))
            return redirect("mfa_activate_totp")
    return render(request, "participants/invitation_accept.html", {"form": form, "invitation": invitation})


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, which also remembers the choice on the account: mail is written in it."""
    response = django_set_language(request)
    if request.method == "POST" and request.user.is_authenticated:
        services.user_language_set(user=signed_in_user(request), language=request.POST.get("language", ""))
    return response


@signed_in_required
def account_delete(request: HttpRequest) -> HttpResponse:
    """Deletion for a person who signed up only for an alumni or regional network: confirmed by a checkbox,
    carried out at once by anonymising the account. A senior is sent to their own deletion page (which
    also removes the profile); staff are deactivated by their institution, so the page is not theirs."""
    user = signed_in_user(request)
    if hasattr(user, "senior_profile"):
        return redirect("participants:senior_delete")
    if user.roles:
        raise Http404
    form = DeletionConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_anonymise(user=user)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            logout(request)
            messages.success(request, _("アカウントと個人情報を削除しました。ご利用ありがとうございました。"))
            return redirect("home")
    person = Person(user=user)
    # What will be erased, by the registry's own headings: only the sections that hold something.
    held = [(e.label, len(e.export(person))) for e in entries() if e.export is not None]
    sections = [(label, count) for label, count in held if count]
    return render(request, "participants/account_delete.html", {"form": form, "sections": sections})
