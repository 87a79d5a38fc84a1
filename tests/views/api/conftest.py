"""API test helpers: a token with chosen scopes, headers carrying it."""
import uuid

import pytest

ALL_SCOPES = None  # filled lazily from models.api


@pytest.fixture
def make_token(app):
    """Create a token; return (headers, token document)."""
    from services.api.tokens import create_token

    def _make(*scopes, name=None, **kw):
        from models.api import API_SCOPES

        made = create_token(name or f"shop-{uuid.uuid4().hex[:8]}", list(scopes or API_SCOPES),
                            "test", **kw)
        return {"Authorization": f"Bearer {made.secret}"}, made.token
    return _make


def post_headers(headers: dict, key: str | None = None) -> dict:
    """Headers for a POST: the token and a fresh (or given) idempotency key."""
    return {**headers, "Idempotency-Key": key or uuid.uuid4().hex}
