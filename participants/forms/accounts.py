from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from sks.roles import INSTITUTION_ROLES, Role

from ..models import Branch, Organization, User
from ..selectors import branches_invitable_by, organizations_invitable_by
from ..services import senior_register
from ..validators import validate_katakana


class _NameFields(forms.Form):
    name = forms.CharField(label=_("氏名"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    name_kana = forms.CharField(
        label=_("氏名（カナ）"),
        max_length=100,
        validators=[validate_katakana],
        help_text=_("全角カタカナで入力してください。"),
    )


class SeniorSignupExtraForm(_NameFields):
    """Extra fields on allauth's open signup form: everyone who signs up openly is a 新現役."""

    def signup(self, request: HttpRequest, user: User) -> None:
        senior_register(user=user, name=self.cleaned_data["name"], name_kana=self.cleaned_data["name_kana"])


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("招待する方のメールアドレス"))
    organization = forms.ModelChoiceField(label=_("組織"), queryset=Organization.objects.none())
    branch = forms.ModelChoiceField(label=_("支店"), queryset=Branch.objects.none(), required=False)
    role = forms.ChoiceField(label=_("役割"), choices=())

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organizations = organizations_invitable_by(user=user)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]  # form.fields is typed Field; this one is a ChoiceField
        if len(organizations) == 1:  # an institution admin invites to their own institution
            self.fields["organization"].initial = organizations[0].pk
        self.fields["branch"].queryset = branches_invitable_by(user=user)  # type: ignore[attr-defined]  # form.fields is typed Field; this one is a ChoiceField
        grantable = set(Role.values) if Role.COORDINATOR in user.roles else set(INSTITUTION_ROLES)
        self.fields["role"].choices = [  # type: ignore[attr-defined]  # form.fields is typed Field; this one is a ChoiceField
            (value, label) for value, label in Role.choices if value in grantable
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        org, branch = data.get("organization"), data.get("branch")
        if org and branch and branch.organization_id != org.pk:
            self.add_error("branch", _("招待先の組織の支店を選んでください。"))
        return data


class InvitationAcceptForm(_NameFields):
    email = forms.EmailField(label=_("メールアドレス"), help_text=_("招待メールを受け取ったアドレスです。"))
    password1 = forms.CharField(
        label=_("パスワード"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("パスワード（確認）"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    field_order = ["email", "name", "name_kana", "password1", "password2"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("同じパスワードを2回入力してください。"))
        elif p1:
            try:
                password_validation.validate_password(p1, User(email=data.get("email", ""), name=data.get("name", "")))
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data
