class DomainError(Exception):
    """A rule of the domain was broken. The message is translated and safe to show to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
