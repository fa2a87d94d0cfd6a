"""Accessible names as the site's forms render them, for `page.get_by_label(...)`."""

import re


def label(text: str) -> re.Pattern[str]:
    """A field's accessible name: its label, followed by the 必須 badge when the field is required.

    Matching the whole name keeps 「パスワード」 from also matching 「パスワード (再入力)」.
    """
    return re.compile(rf"^{re.escape(text)}(\s+必須)?$")
