"""API tokens, webhook subscriptions and the delivery log (admin only)."""
from flask import current_app, flash
from flask_admin.actions import action
from wtforms import (DateField, IntegerField, SelectMultipleField, StringField, validators)

from admin.base import SecuredModelView, current_user_label, run_step
from views.i18n import _l
from models.api import API_SCOPES, WEBHOOK_EVENTS
from services.core.errors import BusinessRuleError


def _split(text: str) -> list[str]:
    return [part.strip() for part in (text or "").replace("\n", ",").split(",") if part.strip()]


class ApiTokenView(SecuredModelView):
    """Create a token (its secret is shown once), see its use, revoke it."""

    allow_edit = allow_delete = False  # revoked tokens stay listed
    column_list = ("name", "prefix", "scopes", "expires_at", "last_used_at", "last_used_ip",
                   "revoked_at", "created_by")
    column_searchable_list = ("name",)
    column_exclude_list = ("token_hash",)
    column_details_exclude_list = ("token_hash",)
    form_columns = ("name", "scopes", "ip_ranges_text", "archive_categories_text", "expires_on",
                    "rate_limit")
    form_extra_fields = {
        "scopes": SelectMultipleField(_l("Berechtigungen"), choices=[(s, s) for s in API_SCOPES],
                                      validators=[validators.InputRequired()]),
        "ip_ranges_text": StringField("IP ranges (comma-separated, optional)"),
        "archive_categories_text": StringField("Archive categories (comma-separated)"),
        "expires_on": DateField("Expires on (optional)", validators=[validators.Optional()]),
        "rate_limit": IntegerField("Requests per minute (optional)",
                                   validators=[validators.Optional(),
                                               validators.NumberRange(1, 100_000)]),
    }

    def create_model(self, form):
        """Create through the service; flash the secret once."""
        from datetime import datetime, time, timezone

        from services.api.tokens import create_token

        expires = form.expires_on.data
        try:
            made = create_token(
                form.name.data, form.scopes.data, current_user_label(),
                expires_at=datetime.combine(expires, time(23, 59, 59), tzinfo=timezone.utc)
                if expires else None, ip_ranges=_split(form.ip_ranges_text.data),
                archive_categories=_split(form.archive_categories_text.data),
                rate_limit=form.rate_limit.data)
        except BusinessRuleError as exc:
            flash(str(exc), "error")
            return False
        flash(f"Token {made.token.name}: {made.secret} — wird nur jetzt angezeigt, "
              "bitte sicher speichern.", "success")
        return made.token

    @action("revoke", "Widerrufen", "Die markierten Tokens sofort widerrufen?")
    def action_revoke(self, ids):
        """Revoke the selected tokens."""
        from models.api import ApiToken
        from services.api.tokens import revoke_token

        for token in ApiToken.objects(pk__in=ids):
            run_step(lambda t=token: revoke_token(t.name, current_user_label()), token,
                     "widerrufen")


class WebhookSubscriptionView(SecuredModelView):
    """Subscriptions: URL, events, active; the signing secret is generated."""

    column_list = ("name", "url", "events", "active", "created_by")
    form_columns = ("name", "url", "events", "active")
    form_extra_fields = {"events": SelectMultipleField(
        _l("Ereignisse"), choices=[(e, e) for e in WEBHOOK_EVENTS],
        validators=[validators.InputRequired()])}
    column_details_list = ("name", "url", "events", "active", "secret", "created_by",
                           "created_at")

    def create_model(self, form):
        from services.api.webhooks import create_subscription

        try:
            return create_subscription(form.name.data, form.url.data, form.events.data,
                                       current_user_label(),
                                       current_app.config.get("API_WEBHOOK_HOSTS", ()))
        except BusinessRuleError as exc:
            flash(str(exc), "error")
            return False


class WebhookDeliveryView(SecuredModelView):
    """The delivery log: state, attempts and response codes; manual re-delivery."""

    allow_create = allow_edit = allow_delete = False
    column_list = ("created_at", "event_type", "event", "state", "attempts", "last_status",
                   "next_attempt_at")
    column_filters = ("state", "event_type")
    column_default_sort = ("created_at", True)
    column_details_list = ("event", "event_type", "state", "attempts", "last_status",
                           "next_attempt_at", "log", "body")

    @action("redeliver", "Erneut senden", "Die markierten Zustellungen jetzt erneut senden?")
    def action_redeliver(self, ids):
        """Send the selected deliveries again now."""
        from models.api import WebhookDelivery
        from services.api.webhooks import redeliver

        for delivery in WebhookDelivery.objects(pk__in=ids):
            run_step(lambda d=delivery: redeliver(d.pk), delivery.event, "gesendet")
