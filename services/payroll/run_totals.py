"""A payroll run's totals from its payslips, per cost centre, and the cost-centre checks.

Used by approval (services.payroll.runs) and posting (services.payroll.posting): the
cost centres the posting will carry are checked while the run can still be calculated
again, and once more before posting.
"""
from decimal import Decimal

from models.cost_center import CostCenter
from models.ledger import Account
from models.payroll import PayrollRun, Payslip
from services.core.messages import N_, RuleError
from services.ledger.charts import posting_accounts

SUMMED = ("gross", "wage_tax", "solidarity", "church_tax", "employee_si", "net",
          "employer_si", "employer_flat_tax", "employer_cost")
# summed per payslip but not part of the approved totals: employer expenses (the PKV
# subsidies) and the Kurzarbeitergeld paid out with the net pay, which the Agentur für
# Arbeit refunds (a receivable, never an expense)
EXTRA = ("health_subsidy", "care_subsidy", "short_time_allowance")
EXPENSE_EXTRA = ("health_subsidy", "care_subsidy")


def payslip_totals(run: PayrollRun) -> dict:
    """Add up the stored payslips of a run (integer cents, exact), also per cost centre.

    Summed here rather than with $group: on FerretDB 1.24 `{"$sum": 1}` counted 0 and a
    ten-accumulator $group returned 0 sums in our tests. The cost centre is the one the
    payslip's employee snapshot names (taken when the run was calculated).
    """
    cents = {name: 0 for name in SUMMED + EXTRA + ("minijob_gross", "minijob_si")}
    by_centre: dict = {}
    bare: list[str] = []
    count = 0
    projection = {name: 1 for name in SUMMED + EXTRA + ("minijob",)}
    projection.update({"employee_data.cost_center": 1, "employee_data.personnel_no": 1})
    for doc in Payslip._get_collection().find({"run": run.pk}, projection):
        count += 1
        for name in SUMMED + EXTRA:
            cents[name] += doc.get(name) or 0
        if doc.get("minijob"):
            cents["minijob_gross"] += doc.get("gross") or 0
            cents["minijob_si"] += (doc.get("employee_si") or 0) + (doc.get("employer_si") or 0)
        data = doc.get("employee_data") or {}
        if not data.get("cost_center") and doc.get("gross"):
            bare.append(data.get("personnel_no") or "?")
        _add_expenses(by_centre.setdefault(data.get("cost_center") or None, {}), doc)
    totals = {name: Decimal(value).scaleb(-2) for name, value in cents.items()}
    totals["count"] = count
    totals["by_cost_center"] = {cc: {role: Decimal(value).scaleb(-2) for role, value in part.items()}
                                for cc, part in by_centre.items()}
    totals["without_cost_center"] = sorted(bare)
    return totals


def _add_expenses(part: dict, doc: dict) -> None:
    """Add one payslip's employer expenses (cents) to its cost centre's part."""
    gross = doc.get("gross") or 0
    role = "minijob_wages" if doc.get("minijob") else "salaries"
    part[role] = part.get(role, 0) + gross
    extra = sum(doc.get(name) or 0 for name in ("employer_si",) + EXPENSE_EXTRA)
    part["employer_si"] = part.get("employer_si", 0) + extra
    part["flat_tax"] = part.get("flat_tax", 0) + (doc.get("employer_flat_tax") or 0)


FIX_BEFORE_APPROVAL = N_("bitte bei den Mitarbeitenden eintragen und die Abrechnung neu "
                         "berechnen")
FIX_AFTER_APPROVAL = N_("die Abrechnung ist freigegeben: bitte die Kostenstelle wieder "
                        "aktivieren bzw. die Pflicht am Konto aufheben, dann buchen")


def check_cost_centers(totals: dict, approved: bool = False) -> None:
    """Refuse unknown or inactive cost centres, and bare lines on accounts that require one."""
    fix = FIX_AFTER_APPROVAL if approved else FIX_BEFORE_APPROVAL
    codes = sorted(cc for cc in totals["by_cost_center"] if cc)
    known = set(CostCenter.objects(code__in=codes, active=True).scalar("code")) if codes else set()
    if set(codes) - known:
        raise RuleError(N_("Kostenstelle %(codes)s gibt es nicht (oder sie ist inaktiv); "
                           "%(fix)s"), codes=tuple(sorted(set(codes) - known)), fix=fix)
    accounts = posting_accounts()
    bare = {accounts[role] for role, amount in (totals["by_cost_center"].get(None) or {}).items()
            if amount}
    strict = sorted(Account.objects(number__in=sorted(bare), cost_center_required=True)
                    .scalar("number")) if bare else []
    if strict:
        raise RuleError(N_("Konto %(accounts)s verlangt eine Kostenstelle; ohne Kostenstelle: "
                           "%(employees)s; %(fix)s"), accounts=tuple(strict),
                        employees=tuple(totals["without_cost_center"][:20]), fix=fix)
