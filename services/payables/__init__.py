"""Accounts payable: receive, check, approve, post and pay supplier invoices (e-invoices)."""
