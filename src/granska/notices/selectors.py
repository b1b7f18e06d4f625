"""Reading notices: a person's own, newest first."""

from granska.accounts.models import User
from granska.notices.models import Notice

HOME_NOTICES = 10


def notices_for(user: User, limit: int = HOME_NOTICES) -> list[Notice]:
    """The person's own latest notices, newest first, each with its review's unit."""
    return list(Notice.objects.filter(recipient=user).order_by("-created_at", "-pk")[:limit])
