"""The front-office API's rules: tokens and scopes, idempotency keys, rate limits, webhooks."""
