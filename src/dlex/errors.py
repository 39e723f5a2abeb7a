"""Errors that reach the learner: each says what went wrong and what to do next."""


class DlexError(Exception):
    """An error with a message for the learner and a suggested next step."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\n  What to do: {self.hint}"
        return self.message


class DataError(DlexError):
    """A dataset is missing, corrupted or cannot be downloaded."""


class LabError(DlexError):
    """A lab name is unknown, or a lab failed while running."""
