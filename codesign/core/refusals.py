from django.core.exceptions import ValidationError


def refusal_text(error: ValidationError) -> str:
    """A service's refusal as one plain sentence for a message."""
    return " ".join(error.messages)
