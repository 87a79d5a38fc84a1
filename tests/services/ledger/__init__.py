"""Tests of the books (services.ledger)."""
