"""An institution admin manages its branches and staff (/institution/…).

Only institution admins reach these pages, and only for their own institution(s): everyone else,
another institution's admin included, gets 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sks.access import role_required, signed_in_user
from sks.exceptions import DomainError
from sks.roles import Role

from .. import selectors, services
from ..forms.staff import BranchForm, MembershipForm
from ..models import Branch

ADMIN = Role.INSTITUTION_ADMIN


# --- branches --------------------------------------------------------------------------------------


@role_required(ADMIN)
def branch_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    institutions = list(selectors.institutions_administered_by(user=user))
    page = Paginator(selectors.branch_list_for(user=user), 100).get_page(request.GET.get("page"))
    return render(
        request,
        "participants/branch_list.html",
        {"page": page, "show_institution": len(institutions) > 1, "institutions": institutions},
    )


def _save_branch_form(request: HttpRequest, form: BranchForm, save: Callable[..., Branch]) -> HttpResponse | None:
    """Run `save` on a valid form; a name already used is shown beside the name field."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        branch = save(**form.cleaned_data)
    except services.BranchNameTakenError as exc:
        form.add_error("name", exc.message)
        return None
    except DomainError as exc:
        form.add_error(None, exc.message)
        return None
    messages.success(request, _("支店「%(name)s」を保存しました。") % {"name": branch.name})
    return redirect("participants:branch_list")


@role_required(ADMIN)
def branch_create(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    institutions = selectors.institutions_administered_by(user=user)
    if not institutions.exists():
        raise Http404
    form = BranchForm(request.POST or None, institutions=institutions)

    def save(**data: Any) -> Branch:
        return services.branch_create(by=user, **data)

    done = _save_branch_form(request, form, save)
    return done or render(request, "participants/branch_form.html", {"form": form, "branch": None})


@role_required(ADMIN)
def branch_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    branch = selectors.access_branch(user=user, pk=pk)
    form = BranchForm(request.POST or None, branch=branch)

    def save(**data: Any) -> Branch:
        return services.branch_update(branch=branch, by=user, **data)

    done = _save_branch_form(request, form, save)
    return done or render(request, "participants/branch_form.html", {"form": form, "branch": branch})


@role_required(ADMIN)
def branch_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    branch = selectors.access_branch(user=user, pk=pk)
    if request.method == "POST":
        try:
            services.branch_delete(branch=branch, by=user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("支店「%(name)s」を削除しました。") % {"name": branch.name})
        return redirect("participants:branch_list")
    in_use = selectors.branch_is_in_use(branch=branch)
    return render(request, "participants/branch_delete.html", {"branch": branch, "in_use": in_use})


# --- staff -----------------------------------------------------------------------------------------


@role_required(ADMIN)
def staff_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    institutions = list(selectors.institutions_administered_by(user=user))
    page = Paginator(selectors.membership_list_for(user=user), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "participants/staff_list.html",
        {"page": page, "show_institution": len(institutions) > 1, "institutions": institutions},
    )


@role_required(ADMIN)
def staff_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    membership = selectors.access_membership(user=user, pk=pk)
    form = MembershipForm(request.POST or None, membership=membership)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_update(membership=membership, by=user, **form.cleaned_data)
        except (services.LastAdminError, services.MembershipRoleTakenError) as exc:
            form.add_error("role", exc.message)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("%(name)sさんの所属を変更しました。") % {"name": membership.user})
            if membership.user_id == user.pk and membership.role != ADMIN:
                # They have just given up managing this institution; its pages are no longer theirs.
                return redirect("dashboard")
            return redirect("participants:staff_list")
    return render(request, "participants/staff_form.html", {"form": form, "membership": membership})


@role_required(ADMIN)
def staff_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    membership = selectors.access_membership(user=user, pk=pk)
    if request.method != "POST":
        return render(request, "participants/staff_deactivate.html", {"membership": membership})
    try:
        services.membership_deactivate(membership=membership, by=user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("participants:staff_list")
    if membership.user_id == user.pk:
        # The service has ended this very session too; start a clean anonymous one.
        logout(request)
        messages.success(request, _("ご自身の所属を無効にし、ログアウトしました。"))
        return redirect("account_login")
    messages.success(
        request, _("%(name)sさんの所属を無効にし、すべての端末からログアウトさせました。") % {"name": membership.user}
    )
    return redirect("participants:staff_list")


@require_POST
@role_required(ADMIN)
def staff_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    membership = selectors.access_membership(user=user, pk=pk)
    try:
        services.membership_reactivate(membership=membership, by=user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)sさんの所属を有効に戻しました。") % {"name": membership.user})
    return redirect("participants:staff_list")
