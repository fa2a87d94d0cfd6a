"""Publishing a timetable: the coordinator confirms that every participant will be mailed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class TimetablePublishForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("参加者全員（新現役・同席する職員・企業）に、時間割をメールで送ることを確認しました"),
        required=True,
        error_messages={"required": _("公開する前に、確認のチェックを入れてください。")},
    )

    def __init__(self, *args: object, republish: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form.__init__'s parameters are typed one by one; these are passed through unchanged
        if republish:
            # Replacing a published version: only those whose schedule changed are mailed.
            self.fields["confirm"].label = _(
                "公開中の版から時間割が変わった参加者に、新しい時間割をメールで送ることを確認しました"
            )
