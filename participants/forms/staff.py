"""Forms for an institution admin managing its branches and staff."""

from __future__ import annotations

import re
import unicodedata
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sks.roles import Role

from ..models import PREFECTURE_CHOICES, Branch, Membership, Organization
from ..selectors.staff import branch_choices_for_membership

BRANCH_CODE_RE = re.compile(r"^[0-9A-Za-z-]{1,10}$")


class BranchForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("金融機関"), queryset=Organization.objects.none())
    name = forms.CharField(label=_("支店名"), max_length=100, help_text=_("例：本店営業部、駅前支店"))
    code = forms.CharField(
        label=_("店番"),
        max_length=10,
        required=False,
        help_text=_("半角の数字・英字で入力してください（例：001）。"),
    )
    prefecture = forms.ChoiceField(
        label=_("都道府県"), choices=[("", "---------"), *PREFECTURE_CHOICES], required=False
    )
    city = forms.CharField(label=_("市区町村"), max_length=100, required=False)

    def __init__(
        self,
        *args: Any,
        institutions: QuerySet[Organization] | None = None,
        branch: Branch | None = None,
        **kwargs: Any,
    ) -> None:
        if branch is not None:
            kwargs.setdefault(
                "initial",
                {"name": branch.name, "code": branch.code, "prefecture": branch.prefecture, "city": branch.city},
            )
        super().__init__(*args, **kwargs)
        if branch is not None or institutions is None:
            # A branch stays in its institution; only a new one asks where it belongs.
            del self.fields["organization"]
            return
        cast(forms.ModelChoiceField, self.fields["organization"]).queryset = institutions
        only = list(institutions[:2])
        if len(only) == 1:
            self.fields["organization"].initial = only[0].pk
            self.fields["organization"].widget = forms.HiddenInput()

    def clean_name(self) -> str:
        name = unicodedata.normalize("NFKC", self.cleaned_data["name"]).strip()
        if not name:
            raise forms.ValidationError(_("支店名を入力してください。"))
        return name

    def clean_code(self) -> str:
        code = unicodedata.normalize("NFKC", self.cleaned_data.get("code") or "").strip()
        if code and not BRANCH_CODE_RE.match(code):
            raise forms.ValidationError(_("店番は半角の数字・英字で入力してください（例：001）。"))
        return code


class BranchChoiceField(forms.ModelChoiceField):
    # The stubs type `obj` as any model; this field only ever lists branches.
    def label_from_instance(self, obj: Branch) -> str:  # type: ignore[override]  # the stubs type `obj` as any model; this field lists branches only
        # Not str(branch): it repeats the institution's name and costs a query per option.
        return f"{obj.code} {obj.name}" if obj.code else obj.name


class MembershipForm(forms.Form):
    role = forms.ChoiceField(
        label=_("役割"),
        choices=[
            (Role.BANK_STAFF.value, Role.BANK_STAFF.label),
            (Role.INSTITUTION_ADMIN.value, Role.INSTITUTION_ADMIN.label),
        ],
        help_text=_("金融機関管理者は、支店と職員の管理、職員の招待ができます。"),
    )
    branch = BranchChoiceField(
        label=_("支店"), queryset=Branch.objects.none(), required=False, empty_label=_("（支店なし・本部）")
    )

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"role": membership.role, "branch": membership.branch_id})
        super().__init__(*args, **kwargs)
        branch_field = cast(BranchChoiceField, self.fields["branch"])
        branch_field.queryset = branch_choices_for_membership(membership=membership)
