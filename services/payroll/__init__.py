"""Payroll: pure pay calculation, run workflow, posting, payslip documents."""
