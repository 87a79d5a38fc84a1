"""Budgets: plan figures per account (group), cost centre and month, plan vs actual, CSV import and copy-forward."""
