"""Webhooks: HMAC signature with replay window, retries with back-off, order, manual redelivery."""
import hashlib
import hmac
import json
from datetime import datetime, timedelta, timezone

import pytest

from models.api import WebhookDelivery
from services.api import events, webhooks
from services.core.errors import BusinessRuleError
from tests.views.api.receiver import Receiver


def test_signature_is_hmac_sha256_of_timestamp_and_body_and_verifies():
    body, secret = b'{"a":1}', "s3cret"
    header = webhooks.sign(secret, body, 1_767_225_600)
    expected = hmac.new(b"s3cret", b'1767225600.{"a":1}', hashlib.sha256).hexdigest()
    assert header == f"t=1767225600,v1={expected}"
    assert webhooks.verify(secret, header, body, now=1_767_225_600 + 299)
    assert not webhooks.verify(secret, header, body, now=1_767_225_600 + 301)  # replayed late
    assert not webhooks.verify(secret, header, b'{"a":2}', now=1_767_225_600)
    assert not webhooks.verify("other", header, body, now=1_767_225_600)
    assert not webhooks.verify(secret, "garbage", body)


def test_only_https_or_loopback_urls_are_accepted(app):
    for url in ("http://example.com/hook", "ftp://127.0.0.1/x", "https://shop.example.com/h"):
        with pytest.raises(BusinessRuleError):
            webhooks.create_subscription("x", url, ["invoice.issued"], "admin")
    webhooks.create_subscription("ok", "https://shop.example.com/h", ["invoice.issued"], "admin",
                                 allowed_hosts=("shop.example.com",))
    webhooks.create_subscription("local", "http://127.0.0.1:9/h", ["invoice.paid"], "admin")
    with pytest.raises(BusinessRuleError, match="Unbekannte"):
        webhooks.create_subscription("bad", "http://127.0.0.1:9/h", ["invoice.deleted"], "admin")


def test_backoff_doubles_from_30_seconds_to_at_most_an_hour():
    assert [webhooks.backoff(n).total_seconds() for n in (1, 2, 3, 4, 8, 20)] == \
        [30, 60, 120, 240, 3600, 3600]


def _event(n: int):
    events.publish("invoice.issued", f"inv{n}", {"n": n},
                   at=datetime(2026, 3, 1, tzinfo=timezone.utc) + timedelta(minutes=n))


def test_delivery_is_signed_retried_with_backoff_and_keeps_order(app):
    with Receiver(answers=[500]) as rx:
        sub = webhooks.create_subscription("shop", rx.url, ["invoice.issued"], "admin")
        _event(1), _event(2)
        events.publish("invoice.paid", "inv1", {})  # not subscribed
        assert webhooks.fan_out() == 2 and webhooks.fan_out() == 0  # once per event
        now = datetime.now(timezone.utc)
        assert webhooks.deliver_due(now) == {"delivered": 0, "retry": 1, "failed": 0}
        assert len(rx.received) == 1  # event 2 waits behind the failed event 1
        first = WebhookDelivery.objects.get(event="invoice.issued:inv1")
        assert first.state == "pending" and first.last_status == 500
        assert abs((first.next_attempt_at.replace(tzinfo=timezone.utc) - now)
                   - timedelta(seconds=30)) < timedelta(seconds=1)
        assert webhooks.deliver_due(now + timedelta(seconds=29))["retry"] == 0  # not yet due
        assert webhooks.deliver_due(now + timedelta(seconds=31))["delivered"] == 2
    bodies = [json.loads(body) for _, body in rx.received]
    assert [b["id"] for b in bodies] == ["invoice.issued:inv1"] * 2 + ["invoice.issued:inv2"]
    headers, body = rx.received[-1]
    assert headers["Backoffice-Event"] == "invoice.issued"
    assert webhooks.verify(sub.secret, headers["Backoffice-Signature"], body)
    log = WebhookDelivery.objects.get(event="invoice.issued:inv1").log
    assert [a.status_code for a in log] == [500, 204]


def test_failed_after_max_attempts_then_manual_redelivery(app):
    with Receiver(answers=[503] * webhooks.MAX_ATTEMPTS) as rx:
        webhooks.create_subscription("shop", rx.url, ["invoice.issued"], "admin")
        _event(1)
        webhooks.fan_out()
        now = datetime.now(timezone.utc)
        for _ in range(webhooks.MAX_ATTEMPTS):
            webhooks.deliver_due(now)
            now += timedelta(hours=2)
        delivery = WebhookDelivery.objects.get()
        assert delivery.state == "failed" and delivery.attempts == webhooks.MAX_ATTEMPTS
        assert webhooks.deliver_due(now)["delivered"] == 0
        assert webhooks.redeliver(delivery.pk) == "delivered"
    delivery.reload()
    assert delivery.state == "delivered" and delivery.log[-1].manual
    assert len(rx.received) == webhooks.MAX_ATTEMPTS + 1


def test_unreachable_endpoint_is_logged_as_an_error(app):
    webhooks.create_subscription("gone", "http://127.0.0.1:9/hook", ["invoice.issued"], "admin")
    _event(1)
    webhooks.fan_out()
    assert webhooks.deliver_due()["retry"] == 1
    attempt = WebhookDelivery.objects.get().log[0]
    assert attempt.status_code is None and attempt.error


def test_stock_below_reorder_point_is_one_event_per_ledger_version(app):
    from tests.factories import make_stock_item

    item = make_stock_item(quantity=5, reorder_point=5)
    assert events.stock_level_changed(item) is True
    assert events.stock_level_changed(item) is False
    above = make_stock_item(quantity=6, reorder_point=5)
    assert events.stock_level_changed(above) is False


def test_events_are_found_in_the_data_once_whoever_caused_them(app):
    from datetime import date
    from decimal import Decimal

    from models.api import ApiEvent
    from services.invoicing import issuing
    from services.operations.tickets import change_status
    from tests.factories import make_company, make_invoice, make_ticket

    make_company()
    inv = issuing.issue_invoice(make_invoice(), "fibu")  # issued in the panel, not the API
    ticket = make_ticket()
    change_status(ticket.pk, "in_progress", "support")
    assert events.collect_events() == 2
    issuing.record_payment(inv, amount=inv.gross_total, day=date.today(), user="fibu", key="p")
    assert events.collect_events() == 1
    assert events.collect_events() == 0
    kinds = {e.type: e for e in ApiEvent.objects}
    assert set(kinds) == {"invoice.issued", "invoice.paid", "ticket.status_changed"}
    paid = kinds["invoice.paid"].data
    assert paid["status"] == "paid" and Decimal(paid["paid_total"]) == inv.gross_total
    assert kinds["ticket.status_changed"].data["to_status"] == "in_progress"
