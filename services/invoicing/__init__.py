"""Outgoing invoices: issuing, totals, the invoice PDF and the e-invoice XML."""
