"""The panel: admin creates a token (secret shown once), revokes it; re-delivers a webhook."""
import hashlib
import re

from models.api import ApiToken
from tests.conftest import csrf_token_from


def test_admin_creates_token_in_the_panel_and_sees_the_secret_once(client, login):
    login("admin")
    page = client.get("/admin/api_tokens/new/")
    assert page.status_code == 200
    response = client.post("/admin/api_tokens/new/", data={
        "csrf_token": csrf_token_from(page.data), "name": "kasse-1",
        "scopes": ["stock:read", "stock:write"], "ip_ranges_text": "10.0.0.0/8",
        "archive_categories_text": "", "expires_on": "", "rate_limit": "120"},
        follow_redirects=True)
    html = response.get_data(as_text=True)
    secret = re.search(r"(bo_[A-Za-z0-9_-]{40,})", html).group(1)
    token = ApiToken.objects.get(name="kasse-1")
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.scopes == ["stock:read", "stock:write"] and token.rate_limit == 120
    assert token.created_by and token.ip_ranges == ["10.0.0.0/8"]
    listing = client.get("/admin/api_tokens/").get_data(as_text=True)
    assert "kasse-1" in listing and secret not in listing


def test_only_admin_reaches_the_token_screen(client, login):
    login("finance")
    assert client.get("/admin/api_tokens/").status_code == 403
