"""What can go wrong with a draft."""

from django.core.exceptions import ValidationError


class DraftInvalid(ValidationError):
    """The draft's data is not a form's fields (400 with field errors; nothing saved)."""
