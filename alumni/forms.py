"""Forms of the alumni app: they only translate between the page and the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from participants.forms.fields import YearField
from participants.models import Industry, User
from participants.validators import validate_katakana

from .enums import (
    DigestFrequency,
    FeedbackStatus,
    HelpKind,
    HelpOutcome,
    NewsCategory,
    NewsStatus,
    PostKind,
    Visibility,
)
from .models import PRIVATE_FIELDS, AlumniMember

TEXT_MAX = 4000


class _YearsMixin(forms.Form):
    year_joined = YearField(label=_("入社年"), required=False, help_text=_("西暦（例：1985）か和暦（例：昭和60年）。"))
    year_left = YearField(label=_("退職年"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        joined, left = data.get("year_joined"), data.get("year_left")
        if joined and left and joined > left:
            self.add_error("year_left", _("退職年は入社年より後にしてください。"))
        return data


class JoinForm(_YearsMixin):
    name = forms.CharField(
        label=_("氏名"), max_length=100, help_text=_("在職中の氏名（旧姓の場合は旧姓）で入力してください。")
    )
    name_kana = forms.CharField(
        label=_("氏名（カナ）"),
        max_length=100,
        validators=[validate_katakana],
        help_text=_("全角カタカナで入力してください。"),
    )
    employee_number = forms.CharField(
        label=_("在職時の社員番号"), max_length=30, help_text=_("名簿との照合にだけ使い、保存しません。")
    )
    departments = forms.CharField(label=_("所属していた部署"), max_length=300, required=False)


class JoinSignupForm(JoinForm):
    """For a newcomer without an account: the account is made with the join (mail address confirmed)."""

    email = forms.EmailField(label=_("メールアドレス"))
    password1 = forms.CharField(
        label=_("パスワード"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("パスワード（確認）"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    field_order = ["email", "password1", "password2", "name", "name_kana", "employee_number"]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("このメールアドレスはすでに登録されています。ログインしてからこのページを開いてください。")
            )
        return email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("同じパスワードを2回入力してください。"))
        elif p1:
            try:
                password_validation.validate_password(p1)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class RosterForm(forms.Form):
    file = forms.FileField(
        label=_("名簿ファイル（CSV または Excel）"),
        help_text=_(
            "1行目に「氏名」「氏名（カナ）」「社員番号」の列名。名簿は照合用のハッシュ値だけを保存し、氏名などはそのまま保存しません。"
        ),
    )


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("メモ"), max_length=300, required=False)


class ProfileForm(_YearsMixin):
    departments = forms.CharField(label=_("所属していた部署"), max_length=300, required=False)
    employer = forms.CharField(label=_("現在の勤務先"), max_length=200, required=False)
    job_title = forms.CharField(label=_("現在の役職・担当"), max_length=200, required=False)
    industry = forms.ModelChoiceField(
        label=_("現在の業種"),
        queryset=Industry.objects.majors(),
        required=False,
        help_text=_("日本標準産業分類の大分類です。"),
        error_messages={"invalid_choice": _("一覧から選んでください。")},
    )
    skills = forms.CharField(
        label=_("スキル・得意分野"), max_length=TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    self_introduction = forms.CharField(
        label=_("自己紹介"), max_length=TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    digest_frequency = forms.ChoiceField(
        label=_("新着のまとめメール"), choices=DigestFrequency.choices, initial=DigestFrequency.WEEKLY
    )
    accepts_contact = forms.BooleanField(
        label=_("他の会員からの連絡をメールで受け取る（アドレスは相手に表示されません）"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in PRIVATE_FIELDS.items():
            self.fields[f"privacy_{name}"] = forms.ChoiceField(
                label=_("「%(field)s」の公開範囲") % {"field": label},
                choices=Visibility.choices,
                initial=Visibility.MEMBERS,
            )

    @classmethod
    def initial_for(cls, member: AlumniMember) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(member, name)
            for name in (
                "year_joined",
                "year_left",
                "departments",
                "employer",
                "job_title",
                "industry",
                "skills",
                "self_introduction",
            )
        }
        initial["accepts_contact"] = member.accepts_contact
        initial["digest_frequency"] = member.digest_frequency
        for name in PRIVATE_FIELDS:
            initial[f"privacy_{name}"] = member.visibility(name)
        return initial

    def profile_values(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if not k.startswith("privacy_") and k != "accepts_contact"}

    def privacy(self) -> dict[str, str]:
        return {name: self.cleaned_data[f"privacy_{name}"] for name in PRIVATE_FIELDS}


class ContactForm(forms.Form):
    body = forms.CharField(label=_("本文"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 6}))


class NewsForm(forms.Form):
    title = forms.CharField(label=_("件名"), max_length=200)
    category = forms.ChoiceField(label=_("カテゴリ"), choices=NewsCategory.choices)
    body = forms.CharField(label=_("本文"), max_length=20000, widget=forms.Textarea(attrs={"rows": 10}))
    status = forms.ChoiceField(label=_("状態"), choices=NewsStatus.choices)
    publish_at = forms.DateTimeField(
        label=_("公開日時（予約公開のとき）"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M"],
        error_messages={"invalid": _("日時を「2026-04-01 10:00」の形で入力してください。")},
    )
    mail_members = forms.BooleanField(label=_("公開時に会員へメールで知らせる"), required=False)
    attachment = forms.FileField(
        label=_("添付ファイル"),
        required=False,
        help_text=_("PDF・PNG・JPEG・Excel（.xlsx）・Word（.docx）、10 MB まで。"),
    )


class FeedbackForm(forms.Form):
    topic = forms.CharField(label=_("テーマ（任意）"), max_length=200, required=False)
    good_points = forms.CharField(
        label=_("外から見た良い点"), max_length=TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    improvements = forms.CharField(
        label=_("外から見た改善点"), max_length=TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("good_points", "").strip() or data.get("improvements", "").strip()):
            self.add_error("good_points", _("「良い点」か「改善点」のどちらかを書いてください。"))
        return data


class FeedbackAnswerForm(forms.Form):
    status = forms.ChoiceField(label=_("状態"), choices=FeedbackStatus.choices)
    answer = forms.CharField(
        label=_("投稿者への回答"), max_length=TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class FeedbackFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("状態"), choices=[("", _("すべて")), *FeedbackStatus.choices], required=False)
    topic = forms.CharField(label=_("テーマ"), max_length=100, required=False)


class PostForm(forms.Form):
    kind = forms.ChoiceField(label=_("種類"), choices=PostKind.choices)
    title = forms.CharField(label=_("タイトル"), max_length=200)
    body = forms.CharField(label=_("本文"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 6}))
    share_with_staff = forms.BooleanField(
        label=_("現役職員にも共有したい（事務局が承認すると職員向けダイジェストに載ります）"), required=False
    )


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("返信"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}))


class DirectorySearchForm(forms.Form):
    q = forms.CharField(
        label=_("キーワード"),
        max_length=100,
        required=False,
        help_text=_("氏名・部署・勤務先・スキルなど。スペースで区切ると、すべてを含む人を探します。"),
    )


class MeetupForm(forms.Form):
    title = forms.CharField(label=_("名称"), max_length=200)
    description = forms.CharField(
        label=_("内容"), max_length=TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    venue = forms.CharField(label=_("会場"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("開始日時"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M"],
        error_messages={"invalid": _("日時を「2026-04-01 18:30」の形で入力してください。")},
    )
    capacity = forms.IntegerField(label=_("定員"), min_value=1, max_value=10000)


class SurveyForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("満足度"),
        coerce=int,
        choices=[(5, _("5（とても満足）")), (4, "4"), (3, "3"), (2, "2"), (1, _("1（不満）"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("ご意見・ご感想"), max_length=TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    anonymous = forms.BooleanField(label=_("匿名で回答する（事務局にも名前は伝わりません）"), required=False)


class NetworkForm(forms.Form):
    name = forms.CharField(label=_("ネットワーク名"), max_length=200)
    description = forms.CharField(
        label=_("説明"), max_length=TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class WorksheetForm(forms.Form):
    useful_skills = forms.CharField(
        label=_("組織で身につけ、いまも役立っているスキル・経験"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    good_points = forms.CharField(
        label=_("外から見た組織の良い点"), max_length=TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    improvements = forms.CharField(
        label=_("外から見た組織の改善点"), max_length=TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    share_feedback = forms.BooleanField(
        label=_("良い点・改善点を、ご意見として事務局に送ることに同意する"), required=False
    )
    add_skills = forms.BooleanField(label=_("スキル・経験を自分のプロフィールに追加する"), required=False)


class ConflictForm(forms.Form):
    company_name = forms.CharField(label=_("企業名"), max_length=200)
    corporate_number = forms.CharField(
        label=_("法人番号（分かれば）"),
        max_length=20,
        required=False,
        help_text=_("13桁の数字。入力すると法人番号で、なければ企業名で照合します。"),
    )

    def clean_corporate_number(self) -> str:
        from participants.normalize import normalize_digits

        number = normalize_digits(self.cleaned_data["corporate_number"])
        if number and (len(number) != 13 or not number.isdigit()):
            raise forms.ValidationError(_("法人番号は13桁の数字で入力してください。"))
        return number


class HelpRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("種類"), choices=HelpKind.choices)
    title = forms.CharField(label=_("件名"), max_length=200)
    body = forms.CharField(
        label=_("内容（期間・場所・謝金など）"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 6})
    )


class HelpInterestForm(forms.Form):
    message = forms.CharField(
        label=_("ひとこと（任意）"), max_length=TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class HelpOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("結果"), choices=HelpOutcome.choices)
