"""Posting approved payroll runs to the ledger (SKR03 or SKR04 accounts) and reversing them.

One journal entry per run, dated the last day of the month, with the idempotency key
`payroll-run:<id>`: a crash between posting and marking the run posted is repaired by
clicking "post" again, which finds the entry instead of posting twice. Minijob wages go
to their own expense account, and everything owed to the Minijob-Zentrale (flat
contributions, the employee's RV share, levies and the 2 % flat tax) to its own
liability account, not to the wage-tax or health-fund accounts. Paying a liability
(services/payroll/payments.py) clears it. The wage-expense lines are split by the cost
centres of the employees' payslips (services/payroll/run_totals.py); the liabilities
carry none.
"""
from datetime import date
from decimal import Decimal

from models.base import utcnow
from models.payroll import PayrollRun
from services.ledger.charts import posting_accounts
from services.core.errors import BusinessRuleError
from services.payroll import locks
from services.payroll.calculation import month_bounds
from services.payroll.run_totals import SUMMED, check_cost_centers, payslip_totals
from services.payroll.runs import get_run, transition

# liability kinds a payment clears, and the account role each lives on
LIABILITIES = {"net": "net_payable", "tax": "tax_payable", "si": "si_payable",
               "minijob": "minijob_payable"}


def posting_lines(t: dict) -> list[dict]:
    """Debit/credit lines of a run's totals (zero lines left out); they always balance.

    `t` also carries the minijob part of gross and contributions (minijob_gross,
    minijob_si) and the PKV subsidies, which are paid out with the net pay, and may carry
    `by_cost_center`: {code or None: {role: amount}} for the expense roles (salaries,
    minijob_wages, employer_si, flat_tax), which then split the expense lines.
    """
    taxes = t["wage_tax"] + t["solidarity"] + t["church_tax"]
    subsidies = t.get("health_subsidy", 0) + t.get("care_subsidy", 0)
    mini_gross, mini_si = t.get("minijob_gross", 0), t.get("minijob_si", 0)
    accounts = posting_accounts()  # SKR03 4120/4190/4130/4199 … or SKR04 6020/6030/6110 …
    expenses = [
        ("salaries", t["gross"] - mini_gross, "Bruttolöhne und -gehälter"),
        ("minijob_wages", mini_gross, "Aushilfslöhne (Minijobs)"),
        ("employer_si", t["employer_si"] + subsidies,
         "Arbeitgeberanteile SV, Umlagen, Zuschüsse § 257 SGB V"),
        ("flat_tax", t["employer_flat_tax"], "Pauschale Lohnsteuer Minijobs"),
    ]
    others = [
        (accounts["short_time_receivable"], t.get("short_time_allowance", 0), 0,
         "Kurzarbeitergeld, von der Agentur für Arbeit zu erstatten"),
        (accounts["net_payable"], 0, t["net"], "Auszuzahlende Nettolöhne"),
        (accounts["tax_payable"], 0, taxes, "Lohnsteuer, Soli, Kirchensteuer"),
        (accounts["si_payable"], 0, t["employee_si"] + t["employer_si"] - mini_si,
         "Sozialversicherungsbeiträge AN und AG, Umlagen"),
        (accounts["minijob_payable"], 0, mini_si + t["employer_flat_tax"],
         "Minijob-Zentrale: Beiträge, Umlagen, Pauschsteuer"),
    ]
    split = t.get("by_cost_center")
    lines = []
    for role, amount, text in expenses:
        parts = {cc: part.get(role, 0) for cc, part in split.items()} if split else {None: amount}
        for cc, part in sorted(parts.items(), key=lambda item: item[0] or ""):
            if part:
                lines.append({"account": accounts[role], "debit": Decimal(part),
                              "credit": Decimal(0), "text": text,
                              **({"cost_center": cc} if cc else {})})
    return lines + [{"account": account, "debit": Decimal(debit), "credit": Decimal(credit),
                     "text": text} for account, debit, credit, text in others if debit or credit]


def check_totals(run: PayrollRun, totals: dict) -> None:
    """Refuse posting when the payslips no longer add up to the approved totals."""
    approved = run.totals
    for name in SUMMED:
        if getattr(approved, name) != totals[name]:
            raise BusinessRuleError(
                f"payroll {run.period}: the payslips' {name} ({totals[name]}) differ from "
                f"the approved total ({getattr(approved, name)}); do not post, report this")


def post_run(run_id, user: str) -> PayrollRun:
    """Post an approved run as one balanced journal entry; safe to repeat after a crash."""
    run = get_run(run_id)
    with locks.held_step(run.pk, "post", user, f"payroll {run.period} is being posted"):
        return _post(run, user)


def _post(run: PayrollRun, user: str) -> PayrollRun:
    from services.ledger.posting import post_new_entry

    totals = payslip_totals(run)
    check_cost_centers(totals, approved=True)  # before the run is marked posting
    run = transition(run.pk, ("approved", "posting"), {"status": "posting",
                                                       "posted_by": user}, "post")
    check_totals(run, totals)
    entry = post_new_entry(
        date=month_bounds(run.year, run.month)[1],
        text=f"Lohn und Gehalt {run.period}", lines=posting_lines(totals),
        source="payroll", user=user, voucher_ref=f"LOHN-{run.year}-{run.month:02d}",
        idempotency_key=f"payroll-run:{run.pk}")
    return transition(run.pk, ("posting",), {
        "status": "posted", "posted_at": utcnow(), "entry_ids": [str(entry.pk)]},
        "finish posting")


def reverse_run(run_id, user: str) -> PayrollRun:
    """Reverse a posted run's entries and free its month for a new run."""
    run = get_run(run_id)
    with locks.held_step(run.pk, "reverse", user, f"payroll {run.period} is being reversed"):
        return _reverse(run, user)


def _reverse(run: PayrollRun, user: str) -> PayrollRun:
    from models.ledger import JournalEntry
    from services.ledger.posting import reverse_entry

    if run.payments and run.status == "posted":
        raise BusinessRuleError(
            f"payroll {run.period}: payments were already posted for it "
            f"({', '.join(sorted(run.payments))}); reverse those payments in the ledger "
            "first, or correct the next month")
    run = transition(run.pk, ("posted", "reversing"), {"status": "reversing",
                                                       "reversed_by": user}, "reverse")
    reversal_ids = []
    for entry_id in run.entry_ids:
        entry = JournalEntry.objects.get(pk=entry_id)
        if entry.reversed_by is None:  # a retry after a crash skips what is done
            reversal = reverse_entry(entry, user, date=max(date.today(), entry.date),
                                     text=f"Storno Lohn und Gehalt {run.period}")
            reversal_ids.append(str(reversal.pk))
        else:
            reversal_ids.append(str(entry.reversed_by))
    return transition(run.pk, ("reversing",), {
        "status": "reversed", "reversed_at": utcnow(), "reversal_entry_ids": reversal_ids,
        "month_key": f"closed:{run.pk}"}, "finish reversing")
