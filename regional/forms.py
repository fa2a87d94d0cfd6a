"""Forms of the regional app: they translate requests to service arguments, and services' errors back."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from participants.models import Organization

from .enums import ActivityKind, AgreementKind, ContributionSource, Sector
from .models import Challenge, Chapter, CollaborationStory, DialogueMeeting, NetworkMember


class MemberProfileForm(forms.Form):
    name = forms.CharField(label=_("表示名"), max_length=100, help_text=_("名札や名簿に表示される氏名です。"))
    sector = forms.ChoiceField(label=_("セクター"), choices=Sector.choices)
    organisation = forms.CharField(label=_("所属組織"), max_length=200)
    title = forms.CharField(label=_("役職"), max_length=100, required=False)


class PostForm(forms.Form):
    body = forms.CharField(label=_("本文"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class MeetingForm(forms.ModelForm):
    class Meta:
        model = DialogueMeeting
        fields = ["title", "starts_at", "venue", "description", "capacity", "rounds", "group_size", "flat"]
        widgets = {"starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("capacity") and data.get("group_size") and data["capacity"] < data["group_size"]:
            self.add_error("capacity", _("定員は1グループの人数以上にしてください。"))
        return data


class CheckInForm(forms.Form):
    first_round = forms.IntegerField(label=_("参加開始ラウンド"), min_value=1, initial=1)
    last_round = forms.IntegerField(
        label=_("参加終了ラウンド"), min_value=1, required=False, help_text=_("途中で退出する方だけ入力します。")
    )


class GroupsFormForm(forms.Form):
    from_round = forms.IntegerField(
        label=_("編成するラウンド"),
        min_value=1,
        initial=1,
        help_text=_(
            "遅れて来た方・途中で帰る方がいるときは、次のラウンドから編成し直します。それより前のラウンドはそのまま残ります。"
        ),
    )
    time_limit = forms.IntegerField(
        label=_("計算の制限時間（秒）"),
        min_value=1,
        max_value=60,
        initial=10,
        help_text=_("大人数の会では長めにすると、同じ方との再会をより減らせます。"),
    )


class StoryForm(forms.ModelForm):
    chapter = forms.ModelChoiceField(label=_("支部"), queryset=Chapter.objects.none())

    class Meta:
        model = CollaborationStory
        fields = ["chapter", "title", "organisations", "year", "body", "outcome"]

    def __init__(self, *args: Any, chapters: QuerySet[Chapter], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["chapter"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = chapters
        first = chapters.first()
        if first is not None:
            field.initial = first.pk


class StorySearchForm(forms.Form):
    q = forms.CharField(label=_("キーワード"), max_length=100, required=False)


class ChallengeForm(forms.ModelForm):
    class Meta:
        model = Challenge
        fields = ["government", "theme", "description", "region", "partner_wanted"]

    def __init__(self, *args: Any, governments: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["government"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organization.objects.filter(pk__in=governments)


class _PartnerForm(forms.Form):
    partner = forms.ModelChoiceField(label=_("組織"), queryset=Organization.objects.none())

    def __init__(self, *args: Any, partners: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["partner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organization.objects.filter(pk__in=partners)
        if len(partners) == 1:
            field.initial = partners[0]


class ApplyForm(_PartnerForm):
    message = forms.CharField(label=_("連携の提案"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))


class AcceptForm(forms.Form):
    agreement_kind = forms.ChoiceField(label=_("協定の種類"), choices=AgreementKind.choices)
    agreement_signed_on = forms.DateField(label=_("締結日"), widget=forms.DateInput(attrs={"type": "date"}))
    agreement_signatories = forms.CharField(
        label=_("署名者"), max_length=500, help_text=_("例: ○○県知事 山田太郎、株式会社○○ 代表取締役 佐藤花子")
    )


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("名称"), max_length=200)
    goal_amount = forms.IntegerField(label=_("目標額（円）"), min_value=1, max_value=10**13)


class ContributionForm(_PartnerForm):
    source = forms.ChoiceField(label=_("原資"), choices=ContributionSource.choices)
    amount = forms.IntegerField(label=_("金額（円）"), min_value=1, max_value=10**12)
    note = forms.CharField(label=_("備考"), max_length=300, required=False)


class VolunteerForm(_PartnerForm):
    pass


class ActivityForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("組織"), queryset=Organization.objects.none())
    kind = forms.ChoiceField(label=_("種類"), choices=ActivityKind.choices)
    description = forms.CharField(label=_("内容"), max_length=500)
    happened_on = forms.DateField(label=_("実施日"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, organisations: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organization.objects.filter(pk__in=organisations)


class UpdateForm(forms.Form):
    title = forms.CharField(label=_("見出し"), max_length=200)
    body = forms.CharField(label=_("本文"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))


class WalkInForm(forms.Form):
    member = forms.ModelChoiceField(label=_("当日参加の方"), queryset=NetworkMember.objects.none())
    first_round = forms.IntegerField(label=_("参加開始ラウンド"), min_value=1, initial=1)

    def __init__(self, *args: Any, candidates: QuerySet[NetworkMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = candidates
