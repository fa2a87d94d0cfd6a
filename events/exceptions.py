"""Domain errors of the events app; their messages are translated and shown to the user."""

from sks.exceptions import DomainError


class EventStateError(DomainError):
    """An event status transition that is not allowed now."""


class HearingError(DomainError):
    """A hearing sheet action that is not allowed in the sheet's state."""


class SelectionError(DomainError):
    """An application, choice or invitation that breaks the selection rules."""
