"""Idempotent reference and demo data."""
