"""What a SEPA payment run can pay: a registry of payment sources.

A source is a function `(up_to: date) -> iterable of Proposal`; it proposes what is due
by `up_to` and says why something cannot be paid (no IBAN, no payee). Payroll registers
its sources here (net pay per payslip, wage tax, contributions per health fund, the
Minijob-Zentrale); supplier invoices come from payables' `open_supplier_invoices()`.
"""
import calendar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Callable, Iterable

from models.company import Company
from models.payment_run import PaymentPayee
from models.payroll import PayrollRun, Payslip

_SOURCES: dict[str, Callable[[date], Iterable["Proposal"]]] = {}


@dataclass
class Proposal:
    """One payable item (the fields of models.payment_run.PaymentItem) or a problem."""

    key: str
    source: str
    name: str
    amount: Decimal
    purpose: str
    due: date
    iban: str = ""
    bic: str = ""
    category_purpose: str | None = None
    problem: str = ""
    extra: dict = field(default_factory=dict)
    discount: Decimal | None = None  # deducted when the run is executed by discount_until
    discount_until: date | None = None

    def amount_on(self, execution_date: date) -> Decimal:
        """The amount to transfer on that day: less the discount while it still applies."""
        if self.discount and self.discount_until and execution_date <= self.discount_until:
            return self.amount - self.discount
        return self.amount


def register_source(name: str, source: Callable[[date], Iterable[Proposal]]) -> None:
    """Register (or replace) the payment source called `name`."""
    _SOURCES[name] = source


def proposals(up_to: date) -> list[Proposal]:
    """Everything the sources propose as due by `up_to` (problems included)."""
    found = []
    for name in sorted(_SOURCES):
        found.extend(_SOURCES[name](up_to))
    return found


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _tenth_of_next_month(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 10)


def payroll_net_pay(up_to: date) -> Iterable[Proposal]:
    """Net pay per payslip of approved or posted runs whose month ends by `up_to`."""
    for run in PayrollRun.objects(status__in=["approved", "posted"]):
        due = _month_end(run.year, run.month)
        if due > up_to or "net" in (run.payments or {}):
            continue
        for slip in Payslip._get_collection().find({"run": run.pk}, {
                "employee": 1, "net": 1, "employee_data": 1}):
            snap = slip.get("employee_data") or {}
            name = f"{snap.get('first_name', '')} {snap.get('last_name', '')}".strip()
            net = Decimal(slip.get("net") or 0).scaleb(-2)
            if net <= 0:
                continue
            yield Proposal(
                key=f"payroll-net:{run.pk}:{slip['employee']}", source="payroll_net",
                name=name, amount=net, due=due, iban=snap.get("iban") or "",
                purpose=f"Lohn/Gehalt {run.period} Pers.-Nr. {snap.get('personnel_no', '')}",
                category_purpose="SALA",
                problem="" if snap.get("iban") else f"{name}: keine IBAN hinterlegt")


def payroll_liabilities(up_to: date) -> Iterable[Proposal]:
    """Wage tax, contributions per health fund and the Minijob-Zentrale of posted runs."""
    from services.payroll.payments import open_liabilities

    company = Company.current()
    for run in PayrollRun.objects(status="posted"):
        owed = open_liabilities(run)
        tax_due = _tenth_of_next_month(run.year, run.month)
        if owed.get("tax") and tax_due <= up_to:
            yield _to_payee("tax_office", f"payroll-tax:{run.pk}", "payroll_tax", owed["tax"],
                            f"Lohnsteuer {run.period} StNr {company.tax_number if company else ''}",
                            tax_due, "TAXS")
        si_due = _month_end(run.year, run.month)
        if si_due > up_to:
            continue
        if owed.get("si"):
            for fund_no, amount in _contributions_per_fund(run).items():
                yield _to_payee(f"fund:{fund_no}", f"payroll-si:{run.pk}:{fund_no}",
                                "payroll_si", amount, f"Beiträge {run.period} BNR {fund_no}",
                                si_due, "SSBE")
        if owed.get("minijob"):
            yield _to_payee("minijob", f"payroll-minijob:{run.pk}", "payroll_minijob",
                            owed["minijob"], f"Minijob Beiträge und Pauschsteuer {run.period}",
                            si_due, "SSBE")


def _contributions_per_fund(run) -> dict[str, Decimal]:
    """Employee and employer contributions (with levies) per health fund, minijobs left out."""
    cents: dict[str, int] = {}
    for slip in Payslip._get_collection().find({"run": run.pk, "minijob": {"$ne": True}}, {
            "employee_si": 1, "employer_si": 1, "employee_data.health_fund_no": 1}):
        fund = (slip.get("employee_data") or {}).get("health_fund_no") or "?"
        cents[fund] = cents.get(fund, 0) + (slip.get("employee_si") or 0) + \
            (slip.get("employer_si") or 0)
    return {fund: Decimal(c).scaleb(-2) for fund, c in cents.items() if c}


def _to_payee(payee_key, key, source, amount, purpose, due, category) -> Proposal:
    payee = PaymentPayee.objects(key=payee_key).first()
    if payee is None:
        return Proposal(key=key, source=source, name=payee_key, amount=amount, purpose=purpose,
                        due=due, category_purpose=category,
                        problem=f"Zahlungsempfänger '{payee_key}' fehlt (Stammdaten "
                                "Zahlungsempfänger)")
    return Proposal(key=key, source=source, name=payee.name, amount=amount, purpose=purpose,
                    due=due, iban=payee.iban, bic=payee.bic or "", category_purpose=category)


def supplier_invoices(up_to: date) -> Iterable[Proposal]:
    """Posted supplier invoices due (or with a Skonto deadline) by `up_to`, their open amount.

    The Skonto deadline brings an invoice into an earlier run so it can be paid in time; a
    run executed by the deadline transfers the open amount less the Skonto (the statement's
    debit is then matched with the discount and payables books it). An IBAN that differs
    from the supplier's master data and was not confirmed is a problem, never paid (the
    classic invoice fraud).
    """
    from services.payables.payments import open_supplier_invoices

    for inv in open_supplier_invoices():
        if inv["amount_open"] <= 0:
            continue  # a credit note: the supplier pays us
        skonto_until = inv.get("skonto_until")
        due = inv["due_date"] or skonto_until or up_to
        if due > up_to and not (skonto_until and skonto_until <= up_to):
            continue
        problem = ""
        if not inv.get("iban"):
            problem = f"{inv['supplier']}: keine IBAN zur Rechnung {inv['number']}"
        elif not inv.get("iban_confirmed"):
            problem = (f"{inv['supplier']}: IBAN der Rechnung {inv['number']} weicht von den "
                       "Stammdaten ab und ist nicht bestätigt")
        elif (inv.get("currency") or "EUR") != "EUR":
            problem = f"Rechnung {inv['number']}: nur Euro-Zahlungen"
        yield Proposal(key=f"supplier-invoice:{inv['id']}", source="supplier_invoice",
                       name=inv["supplier"] or "", amount=inv["amount_open"],
                       purpose=f"Rechnung {inv['payment_reference'] or inv['number']}"[:140],
                       due=min(due, skonto_until) if skonto_until else due,
                       iban=inv.get("iban") or "", problem=problem,
                       extra={"end_to_end_ref": inv.get("end_to_end_ref") or ""},
                       discount=inv.get("skonto_amount"), discount_until=skonto_until)


register_source("payables.supplier_invoices", supplier_invoices)
register_source("payroll.net_pay", payroll_net_pay)
register_source("payroll.liabilities", payroll_liabilities)
