"""CLI: backoffice api token create|list|revoke; api webhook add|list|deliver|redeliver."""
import getpass
from datetime import datetime, time, timezone

import click
from flask.cli import AppGroup

from models.api import API_SCOPES, WEBHOOK_EVENTS
from services.core.errors import BusinessRuleError

group = AppGroup("api", help=__doc__.splitlines()[0])
token_group = AppGroup("token", help="API tokens: create (shown once), list, revoke.")
webhook_group = AppGroup("webhook", help="Webhook subscriptions and their deliveries.")
group.add_command(token_group)
group.add_command(webhook_group)


def _operator() -> str:
    return f"cli:{getpass.getuser()}"


@token_group.command("create")
@click.argument("name")
@click.option("--scope", "scopes", multiple=True, required=True,
              type=click.Choice(API_SCOPES), help="resource:read or resource:write; repeat.")
@click.option("--expires", type=click.DateTime(["%Y-%m-%d"]), help="Last day (UTC) of use.")
@click.option("--ip", "ip_ranges", multiple=True, help="Allowed IP range, e.g. 10.0.0.0/8.")
@click.option("--archive-category", "categories", multiple=True,
              help="Archive category the token may upload to and read.")
@click.option("--rate-limit", type=click.IntRange(1, 100_000), help="Requests per minute.")
def create(name, scopes, expires, ip_ranges, categories, rate_limit):
    """Create a token; its secret is printed once and never stored."""
    from services.api.tokens import create_token

    expires_at = datetime.combine(expires.date(), time(23, 59, 59), tzinfo=timezone.utc) \
        if expires else None
    try:
        made = create_token(name, list(scopes), _operator(), expires_at=expires_at,
                            ip_ranges=list(ip_ranges), archive_categories=list(categories),
                            rate_limit=rate_limit)
    except BusinessRuleError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"token {made.token.name} created with {', '.join(made.token.scopes)}")
    click.echo("secret (shown only now, store it safely):")
    click.echo(made.secret)


@token_group.command("list")
def list_tokens():
    """List tokens: name, prefix, scopes, expiry, last use, revoked."""
    from models.api import ApiToken

    for t in ApiToken.objects.order_by("name"):
        state = f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else "active"
        last = f"{t.last_used_at:%Y-%m-%d %H:%M} from {t.last_used_ip}" if t.last_used_at \
            else "never used"
        expires = f"expires {t.expires_at:%Y-%m-%d}" if t.expires_at else "no expiry"
        click.echo(f"{t.name}\t{t.prefix}…\t{','.join(t.scopes)}\t{expires}\t{last}\t{state}")


@token_group.command("revoke")
@click.argument("name")
def revoke(name):
    """Revoke a token at once (it stays listed)."""
    from services.api.tokens import revoke_token

    try:
        revoke_token(name, _operator())
    except BusinessRuleError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"token {name} revoked")


@webhook_group.command("add")
@click.argument("name")
@click.argument("url")
@click.option("--event", "events", multiple=True, required=True,
              type=click.Choice(WEBHOOK_EVENTS))
def add_webhook(name, url, events):
    """Subscribe URL to events; prints the signing secret."""
    from flask import current_app

    from services.api.webhooks import create_subscription

    try:
        sub = create_subscription(name, url, list(events), _operator(),
                                  current_app.config.get("API_WEBHOOK_HOSTS", ()))
    except BusinessRuleError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"webhook {sub.name} -> {sub.url} for {', '.join(sub.events)}")
    click.echo(f"signing secret: {sub.secret}")


@webhook_group.command("deliver")
def deliver():
    """Collect events and send due deliveries now (the scheduler does this every minute)."""
    from jobs.api import deliver_webhooks

    click.echo(" ".join(f"{k}={v}" for k, v in deliver_webhooks(None).items()))


@webhook_group.command("redeliver")
@click.argument("delivery_id")
def redeliver_cmd(delivery_id):
    """Send one delivery again by hand (see the delivery log in the panel)."""
    from services.api.webhooks import redeliver

    try:
        click.echo(f"delivery {delivery_id}: {redeliver(delivery_id)}")
    except BusinessRuleError as exc:
        raise click.ClickException(str(exc)) from None
