"""The post-event survey: satisfaction 1–5 (big buttons) and a free comment."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..selectors.survey import SATISFACTION_LABELS
from ..services.survey import COMMENT_MAX_LENGTH


class SurveyForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("この交流会の満足度"),
        choices=list(SATISFACTION_LABELS.items()),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("満足度を1〜5から選んでください。")},
    )
    comment = forms.CharField(
        label=_("ご意見・ご感想（任意）"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("よかった点、改善してほしい点などを自由にお書きください（2000文字まで）。"),
    )
