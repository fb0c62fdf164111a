"""Domain errors that carry a message for the user, in the active language, and the field it concerns."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class RuleError(ValidationError):
    """A refused change: the message says why, and `field` names the input concerned when there is one."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "rule") -> None:
        if field:
            super().__init__({field: [ValidationError(message, code=code)]})
        else:
            super().__init__(message, code=code)
        self.field = field
