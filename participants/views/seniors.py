from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from sks.access import role_required
from sks.roles import SENIOR

from .. import services
from ..forms.accounts import SeniorProfileForm
from ..models import SeniorProfile


@role_required(SENIOR)
def senior_profile_edit(request: HttpRequest) -> HttpResponse:
    profile = get_object_or_404(SeniorProfile.objects.select_related("user"), user_id=request.user.pk or 0)
    form = SeniorProfileForm(request.POST or None, initial=SeniorProfileForm.initial_for(profile))
    if request.method == "POST" and form.is_valid():
        services.senior_profile_update(profile=profile, **form.cleaned_data)
        messages.success(request, _("プロフィールを保存しました。"))
        return redirect("dashboard")
    return render(request, "participants/senior_profile_form.html", {"form": form})
