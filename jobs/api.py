"""API jobs: collect events, fan them out to webhook subscriptions, deliver what is due."""


def deliver_webhooks(ctx) -> dict:
    """Collect new events, create deliveries and send the due ones (retries included)."""
    from services.api import events, idempotency, rate_limit, webhooks

    idempotency.purge_expired()
    rate_limit.purge_expired()
    collected = events.collect_events()
    created = webhooks.fan_out()
    return {"events": collected, "deliveries": created, **webhooks.deliver_due()}
