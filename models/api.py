"""The front-office API: tokens, idempotency records, rate counters, webhooks and their log."""
import mongoengine as me

from models.base import utcnow

API_RESOURCES = ("customers", "suppliers", "stock", "invoices", "payments", "tickets",
                 "employees", "archive", "supplier_invoices")
API_SCOPES = tuple(f"{r}:{a}" for r in API_RESOURCES for a in ("read", "write"))
WEBHOOK_EVENTS = ("invoice.issued", "invoice.paid", "stock.below_reorder_point",
                  "ticket.status_changed", "supplier_invoice.approved")
DELIVERY_STATES = ("pending", "delivered", "failed")


class ApiToken(me.Document):
    """A named, scoped API token; only the SHA-256 of the secret is stored."""

    name = me.StringField(required=True, unique=True, max_length=80)
    token_hash = me.StringField(required=True, unique=True, regex=r"^[0-9a-f]{64}$")
    prefix = me.StringField(required=True, max_length=16)  # shown to tell tokens apart
    scopes = me.ListField(me.StringField(choices=API_SCOPES))
    archive_categories = me.ListField(me.StringField(max_length=40))
    ip_ranges = me.ListField(me.StringField(max_length=50))
    expires_at = me.DateTimeField()
    rate_limit = me.IntField(min_value=1, max_value=100_000)  # per minute; None = default
    created_by = me.StringField(required=True)
    created_at = me.DateTimeField(required=True, default=utcnow)
    revoked_at = me.DateTimeField()
    revoked_by = me.StringField()
    last_used_at = me.DateTimeField()
    last_used_ip = me.StringField(max_length=50)

    meta = {"collection": "api_tokens", "ordering": ["name"]}

    def __str__(self):
        return self.name


class IdempotencyRecord(me.Document):
    """The first answer to a POST with an Idempotency-Key (`<token id>:<key>`), kept 24 h."""

    id = me.StringField(primary_key=True)
    body_sha256 = me.StringField(required=True)
    method_path = me.StringField(required=True)
    state = me.StringField(required=True, choices=("pending", "done"))
    status = me.IntField()
    content_type = me.StringField()
    body = me.BinaryField()
    location = me.StringField()
    created_at = me.DateTimeField(required=True, default=utcnow)

    meta = {"collection": "api_idempotency",
            "indexes": ["created_at"]}  # purged after 24 h by the webhooks job


class RateCounter(me.Document):
    """Requests of one token in one minute (`<token id>:<minute>`)."""

    id = me.StringField(primary_key=True)
    count = me.IntField(default=0)
    window_end = me.DateTimeField(required=True)

    meta = {"collection": "api_rate_counters",
            "indexes": ["window_end"]}  # purged by the webhooks job


class ApiEvent(me.Document):
    """Something a subscriber may want to hear about (`<type>:<subject>[:n]`), once."""

    id = me.StringField(primary_key=True)
    type = me.StringField(required=True, choices=WEBHOOK_EVENTS)
    data = me.DictField()
    created_at = me.DateTimeField(required=True, default=utcnow)
    fanned_out = me.BooleanField(default=False)

    meta = {"collection": "api_events", "indexes": ["fanned_out", "created_at"]}


class WebhookSubscription(me.Document):
    name = me.StringField(required=True, unique=True, max_length=80)
    url = me.StringField(required=True, max_length=500)
    events = me.ListField(me.StringField(choices=WEBHOOK_EVENTS), required=True)
    secret = me.StringField(required=True, max_length=100)
    active = me.BooleanField(default=True)
    created_by = me.StringField()
    created_at = me.DateTimeField(default=utcnow)

    meta = {"collection": "webhook_subscriptions"}

    def __str__(self):
        return self.name


class DeliveryAttempt(me.EmbeddedDocument):
    at = me.DateTimeField(required=True)
    status_code = me.IntField()
    error = me.StringField(max_length=300)
    manual = me.BooleanField(default=False)


class WebhookDelivery(me.Document):
    """One event for one subscription; unique per pair, so a fan-out twice sends once."""

    subscription = me.ObjectIdField(required=True)
    event = me.StringField(required=True)
    event_type = me.StringField(required=True)
    body = me.StringField(required=True)
    state = me.StringField(required=True, default="pending", choices=DELIVERY_STATES)
    attempts = me.IntField(default=0)
    next_attempt_at = me.DateTimeField()
    last_status = me.IntField()
    log = me.EmbeddedDocumentListField(DeliveryAttempt)
    created_at = me.DateTimeField(required=True, default=utcnow)
    lease_until = me.DateTimeField()

    meta = {"collection": "webhook_deliveries", "ordering": ["-created_at"],
            "indexes": [{"fields": ["subscription", "event"], "unique": True},
                        ["state", "next_attempt_at"]]}
