"""Webhooks: subscriptions per event type, signed POSTs, retries with back-off, a log.

Signature header `Backoffice-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">`
with the subscription's secret; a receiver refuses a t older than REPLAY_WINDOW. Per
subscription the oldest undelivered event goes first, so a receiver sees events in order;
a failed attempt is retried after 30 s, 1, 2, 4 ... minutes (capped at 1 h), MAX_ATTEMPTS
times, then the delivery is `failed` and can be sent again by hand.
"""
import hashlib
import hmac
import ipaddress
import json
import secrets
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

from mongoengine import NotUniqueError
from pymongo.errors import DuplicateKeyError

from models.api import (WEBHOOK_EVENTS, ApiEvent, DeliveryAttempt, WebhookDelivery,
                        WebhookSubscription)
from services.core.errors import BusinessRuleError

SIGNATURE_HEADER = "Backoffice-Signature"
REPLAY_WINDOW = timedelta(minutes=5)
FIRST_RETRY = timedelta(seconds=30)
MAX_BACKOFF = timedelta(hours=1)
MAX_ATTEMPTS = 8
TIMEOUT_SECONDS = 10
LEASE = timedelta(minutes=2)


def create_subscription(name: str, url: str, events: list[str], created_by: str,
                        allowed_hosts=()) -> WebhookSubscription:
    """Subscribe a URL to event types; the signing secret is generated here."""
    unknown = sorted(set(events) - set(WEBHOOK_EVENTS))
    if unknown or not events:
        raise BusinessRuleError(f"Unbekannte oder keine Ereignisse {', '.join(unknown)}; "
                                f"erlaubt sind {', '.join(WEBHOOK_EVENTS)}.")
    check_url(url, allowed_hosts)
    sub = WebhookSubscription(name=name, url=url, events=sorted(set(events)),
                              secret=secrets.token_hex(32), created_by=created_by)
    try:
        return sub.save(force_insert=True)
    except NotUniqueError:
        raise BusinessRuleError(f"Ein Webhook namens '{name}' existiert schon.") from None


def check_url(url: str, allowed_hosts=()) -> None:
    """Allow https to a configured host, or plain http only to this machine (loopback)."""
    parts = urlsplit(url or "")
    host = parts.hostname or ""
    loopback = host == "localhost" or _is_loopback(host)
    if parts.scheme not in ("https", "http") or not host:
        raise BusinessRuleError(f"'{url}' ist keine HTTP(S)-Adresse.")
    if parts.scheme == "http" and not loopback:
        raise BusinessRuleError("Webhooks gehen nur per HTTPS hinaus (HTTP nur an localhost).")
    if not loopback and host not in allowed_hosts:
        raise BusinessRuleError(f"Der Host {host} ist nicht freigegeben "
                                "(Einstellung API_WEBHOOK_HOSTS).")


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The signature header value for a body sent at `timestamp`."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str, body: bytes, now: float | None = None) -> bool:
    """Check a signature header as a receiver should (constant time, replay window)."""
    try:
        parts = dict(p.split("=", 1) for p in header.split(","))
        timestamp = int(parts["t"])
    except (ValueError, KeyError):
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > REPLAY_WINDOW.total_seconds():
        return False
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def fan_out() -> int:
    """Create a delivery per (new event, subscribed endpoint); return how many."""
    created = 0
    subs = list(WebhookSubscription.objects(active=True))
    for event in ApiEvent.objects(fanned_out=False).order_by("created_at"):
        body = json.dumps({"id": event.pk, "type": event.type,
                           "created_at": event.created_at.isoformat(), "data": event.data},
                          ensure_ascii=False, sort_keys=True)
        for sub in subs:
            if event.type not in sub.events:
                continue
            try:
                WebhookDelivery._get_collection().insert_one({
                    "subscription": sub.pk, "event": event.pk, "event_type": event.type,
                    "body": body, "state": "pending", "attempts": 0, "log": [],
                    "next_attempt_at": datetime.now(timezone.utc),
                    "created_at": datetime.now(timezone.utc)})
                created += 1
            except DuplicateKeyError:
                pass
        ApiEvent.objects(pk=event.pk).update_one(set__fanned_out=True)
    return created


def deliver_due(now: datetime | None = None) -> dict:
    """Send, per subscription, its oldest pending delivery if it is due."""
    now = now or datetime.now(timezone.utc)
    counts = {"delivered": 0, "retry": 0, "failed": 0}
    for sub in WebhookSubscription.objects(active=True):
        while True:
            head = WebhookDelivery.objects(subscription=sub.pk, state="pending") \
                .order_by("created_at").first()
            if head is None or _aware(head.next_attempt_at) > now:
                break
            outcome = attempt(head, sub, now)
            counts[outcome] = counts.get(outcome, 0) + 1
            if outcome != "delivered":
                break  # keep the order: later events wait for this one
    return counts


def redeliver(delivery_id, now: datetime | None = None) -> str:
    """Send a delivery again by hand (also a failed or delivered one)."""
    delivery = WebhookDelivery.objects(pk=delivery_id).first()
    if delivery is None:
        raise BusinessRuleError("Diese Zustellung gibt es nicht.")
    sub = WebhookSubscription.objects(pk=delivery.subscription).first()
    if sub is None:
        raise BusinessRuleError("Der Webhook dieser Zustellung wurde gelöscht.")
    return attempt(delivery, sub, now or datetime.now(timezone.utc), manual=True)


def attempt(delivery: WebhookDelivery, sub: WebhookSubscription, now: datetime,
            manual: bool = False) -> str:
    """POST one delivery (under a lease, so two schedulers never send it at once)."""
    coll = WebhookDelivery._get_collection()
    lease = coll.update_one({"_id": delivery.pk, "$or": [{"lease_until": None},
                                                          {"lease_until": {"$lt": now}}]},
                            {"$set": {"lease_until": now + LEASE}})
    if not lease.modified_count:
        return "busy"
    status, error = _post(sub, delivery)
    ok = status is not None and 200 <= status < 300
    attempts = (delivery.attempts or 0) + 1
    if ok:
        state, next_at = "delivered", None
    elif manual:
        state, next_at = delivery.state, delivery.next_attempt_at
    elif attempts >= MAX_ATTEMPTS:
        state, next_at = "failed", None
    else:
        state, next_at = "pending", now + backoff(attempts)
    log = DeliveryAttempt(at=now, status_code=status, error=(error or "")[:300] or None,
                          manual=manual)
    coll.update_one({"_id": delivery.pk}, {
        "$set": {"state": state, "next_attempt_at": next_at, "last_status": status,
                 "attempts": attempts, "lease_until": None},
        "$push": {"log": log.to_mongo()}})
    return "delivered" if ok else ("failed" if state == "failed" else "retry")


def backoff(attempts: int) -> timedelta:
    """Wait after the n-th failed attempt: 30 s, 1 min, 2 min, ... at most 1 h."""
    return min(FIRST_RETRY * (2 ** (attempts - 1)), MAX_BACKOFF)


def _post(sub: WebhookSubscription, delivery: WebhookDelivery):
    body = delivery.body.encode()
    request = urllib.request.Request(sub.url, data=body, method="POST", headers={
        "Content-Type": "application/json", "User-Agent": "Backoffice-Webhooks/1",
        SIGNATURE_HEADER: sign(sub.secret, body, int(time.time())),
        "Backoffice-Event": delivery.event_type, "Backoffice-Delivery": str(delivery.pk)})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status, None
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        return None, str(getattr(exc, "reason", exc))


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
