"""allauth's sign-in form, in its own module: participants.forms.accounts is allauth's signup form class,
which allauth.account.forms imports while it loads."""

from __future__ import annotations

from typing import Any

from allauth.account.forms import LoginForm as AllauthLoginForm


class LoginForm(AllauthLoginForm):
    """Takes the address from `?email=` (the link after accepting an invitation, or a mail) as its start."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        email = self.request.GET.get("email", "").strip() if self.request is not None else ""
        if email and not self.is_bound:
            self.initial["login"] = email
