"""Paying a posted run's liabilities: net pay, wage tax, contributions, Minijob-Zentrale.

Each payment is one entry (liability to bank) for exactly what the run's posting credited
to that liability, with the idempotency key `payroll-payment:<run>:<kind>`, so a second
click or a retry after a crash posts nothing more. The run remembers the entry.
"""
from datetime import date
from decimal import Decimal

from bson import ObjectId

from models.ledger import JournalEntry
from models.payroll import PayrollRun
from services.ledger.charts import posting_accounts
from services.core.errors import BusinessRuleError
from services.payroll.posting import LIABILITIES
from services.payroll.runs import get_run

LABELS = {"net": "Nettolöhne", "tax": "Lohnsteuer, Soli, Kirchensteuer",
          "si": "Sozialversicherungsbeiträge", "minijob": "Minijob-Zentrale"}


def open_liabilities(run: PayrollRun) -> dict[str, Decimal]:
    """What the run's posting owes per kind and that is not paid yet (zero kinds left out)."""
    if run.status != "posted" or not run.entry_ids:
        return {}
    entry = JournalEntry.objects.get(pk=run.entry_ids[0])
    accounts = posting_accounts()
    owed = {}
    for kind, role in LIABILITIES.items():
        amount = sum((ln.credit - ln.debit for ln in entry.lines
                      if ln.account == accounts[role]), Decimal("0.00"))
        if amount and kind not in (run.payments or {}):
            owed[kind] = amount
    return owed


def pay_liability(run_id, kind: str, user: str, on: date | None = None,
                  bank_account: str | None = None) -> JournalEntry:
    """Post the payment of one liability of a posted run (liability to bank)."""
    from services.ledger.posting import post_new_entry

    if kind not in LIABILITIES:
        raise BusinessRuleError(f"unknown payment '{kind}'; choose one of "
                                f"{', '.join(LIABILITIES)}")
    run = get_run(run_id)
    if run.status != "posted":
        raise BusinessRuleError(f"payroll {run.period} must be posted before its "
                                "liabilities are paid")
    if kind in (run.payments or {}):
        return JournalEntry.objects.get(pk=run.payments[kind])
    amount = open_liabilities(run).get(kind)
    if not amount:
        raise BusinessRuleError(f"payroll {run.period} owes nothing for {LABELS[kind]}")
    accounts = posting_accounts()
    entry_date = max(on or date.today(), JournalEntry.objects.get(pk=run.entry_ids[0]).date)
    entry = post_new_entry(
        date=entry_date, text=f"Zahlung {LABELS[kind]} {run.period}",
        lines=[{"account": accounts[LIABILITIES[kind]], "debit": amount,
                "credit": Decimal("0.00"), "text": LABELS[kind]},
               {"account": bank_account or accounts["bank"], "debit": Decimal("0.00"),
                "credit": amount,
                "text": "Bank"}],
        source="payroll", user=user, voucher_ref=f"LOHN-{run.year}-{run.month:02d}-{kind}",
        idempotency_key=f"payroll-payment:{run.pk}:{kind}")
    PayrollRun._get_collection().update_one(
        {"_id": ObjectId(str(run.pk)), f"payments.{kind}": {"$exists": False}},
        {"$set": {f"payments.{kind}": str(entry.pk)}})
    return entry
