"""The per-user iCal feed: a secret URL a calendar app subscribes to, revocable at any time.

The token is 32 random bytes (URL-safe); the database keeps only its SHA-256, so a copy
of the database (or a backup) does not open anyone's feed. A new URL replaces the old
one. The feed shows what the calendar screen shows the user, from a month back to a year
ahead, and stops as soon as the user is deactivated, loses every calendar role, or
revokes it.
"""
import hashlib
import secrets
from datetime import datetime, timedelta, timezone

from models.compliance import CalendarFeed
from models.user import User
from services.compliance.calendar import berlin_today, calendar_for

FEED_ROLES = ("admin", "finance", "hr", "support")   # who subscribes (writes the calendar)
BACK, AHEAD = timedelta(days=31), timedelta(days=366)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_feed(user) -> str:
    """A new secret token for the user's feed (shown once); the previous URL stops working."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects(pk=user.pk).update_one(
        upsert=True, set__token_hash=_digest(token), set__created_at=datetime.now(timezone.utc),
        unset__revoked_at=True, unset__last_used_at=True)
    return token


def revoke_feed(user) -> bool:
    """Revoke the user's feed; True when there was an active one."""
    return bool(CalendarFeed.objects(pk=user.pk, revoked_at=None).update_one(
        set__revoked_at=datetime.now(timezone.utc)))


def active_feed(user) -> CalendarFeed | None:
    """The user's feed unless revoked (its creation date is shown, never the token)."""
    return CalendarFeed.objects(pk=user.pk, revoked_at=None).first()


def user_for_token(token: str):
    """The active user a feed token belongs to, or None (unknown, revoked, inactive)."""
    if not token or len(token) > 100:
        return None
    feed = CalendarFeed.objects(token_hash=_digest(token), revoked_at=None).first()
    if feed is None:
        return None
    user = User.objects(pk=feed.pk, active=True).first()
    if user is None or not user.has_role(*FEED_ROLES):
        return None
    CalendarFeed.objects(pk=feed.pk).update_one(set__last_used_at=datetime.now(timezone.utc))
    return user


def feed_items(user, today=None):
    """The items of the user's feed."""
    today = today or berlin_today()
    return calendar_for(user, today - BACK, today + AHEAD)
