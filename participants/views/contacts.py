"""Company contacts: bank staff invite a client company's own login (its president, usually).

Bank staff and institution admins of the company's institution only; everyone else gets 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sks.access import role_required, signed_in_user
from sks.roles import INSTITUTION_ROLES

from .. import selectors
from ..forms.contacts import CompanyContactInviteForm
from ..services.contacts import CompanyContactError
from ..services.contacts import company_contact_invite as invite


@require_http_methods(["GET", "POST"])
@role_required(*INSTITUTION_ROLES)
def company_contact_invite(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    company = selectors.access_company(user=user, pk=pk)
    form = CompanyContactInviteForm(
        request.POST if request.method == "POST" else None, initial={"name": company.president_name}
    )
    if request.method == "POST" and form.is_valid():
        try:
            contact = invite(company=company, by=user, **form.cleaned_data)
        except CompanyContactError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                _("%(email)s に、パスワードを設定するためのリンクをお送りしました。") % {"email": contact.user.email},
            )
            return redirect("participants:company_detail", pk=company.pk)
    contacts = selectors.company_contacts_of(company=company)
    return render(
        request, "participants/company_contact_invite.html", {"company": company, "form": form, "contacts": contacts}
    )
