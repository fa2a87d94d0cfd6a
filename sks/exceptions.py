class DomainError(Exception):
    """A rule of the domain was broken. The message is translated and safe to show to the user.

    `field` names the form field the message belongs beside, when one does (a view puts it there).
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
