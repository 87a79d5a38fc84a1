"""The employee's cost centre onto the wage-expense lines of the payroll posting.

Staff of tests/views/test_payroll_runs.py for March 2026: P001 4,000.00 (centre 100),
P002 3,100.00 hired 16.03. (16 of 31 days: 1,600.00, centre 200), P003 minijob 603.00
(centre 100, 2 % flat tax 12.06). Expense lines split per centre; the liabilities carry
none. Employer SI per centre is the sum of that centre's payslips.
"""
from decimal import Decimal as D

import pytest

from models.cost_center import CostCenter
from models.ledger import Account, JournalEntry
from models.payroll import PayrollRun, Payslip
from services.core.errors import BusinessRuleError
from services.payroll import posting, runs
from tests.views.test_payroll_runs import staff

HR = "hr@firma.example.com"


@pytest.fixture
def centres(app):
    return {code: CostCenter(code=code, name=name).save()
            for code, name in (("100", "Vertrieb"), ("200", "Service"))}


def _calculated(centres, joiner_centre="200"):
    full, joiner, mini = staff()
    for employee, code in ((full, "100"), (joiner, joiner_centre), (mini, "100")):
        employee.update(set__cost_center=centres[code] if code else None)
    return runs.calculate_run(runs.create_run(2026, 3, HR).pk, HR)


def _slip(run, no):
    return Payslip.objects.get(run=run, employee_data__personnel_no=no)


def test_wage_expense_lines_carry_the_employees_cost_centers(centres):
    run = _calculated(centres)
    run = posting.post_run(runs.approve_run(run.pk, HR).pk, HR)
    entry = JournalEntry.objects.get(pk=run.entry_ids[0])
    p1, p2, p3 = (_slip(run, no) for no in ("P001", "P002", "P003"))
    assert (p1.gross, p2.gross, p3.gross) == (D("4000.00"), D("1600.00"), D("603.00"))
    assert p2.employee_data.cost_center == "200"
    expense = sorted((ln.account, ln.cost_center or "", ln.debit) for ln in entry.lines
                     if ln.debit)
    assert expense == sorted([
        ("4120", "100", D("4000.00")), ("4120", "200", D("1600.00")),
        ("4190", "100", D("603.00")),
        ("4130", "100", p1.employer_si + p3.employer_si), ("4130", "200", p2.employer_si),
        ("4199", "100", D("12.06"))])
    assert all(not ln.cost_center for ln in entry.lines if ln.credit)
    t = run.totals
    assert entry.total_debit == entry.total_credit == t.employer_cost


def test_an_employee_without_cost_center_leaves_a_line_without(centres):
    run = posting.post_run(runs.approve_run(_calculated(centres, None).pk, HR).pk, HR)
    entry = JournalEntry.objects.get(pk=run.entry_ids[0])
    salaries = sorted((ln.cost_center or "", ln.debit) for ln in entry.lines
                      if ln.account == "4120")
    assert salaries == [("", D("1600.00")), ("100", D("4000.00"))]


def test_inactive_cost_center_is_refused_at_approval_and_at_posting(centres):
    run = _calculated(centres)
    CostCenter.objects(code="200").update(set__active=False)
    with pytest.raises(BusinessRuleError, match="Kostenstelle 200 gibt es nicht.*neu berechnen"):
        runs.approve_run(run.pk, HR)
    assert PayrollRun.objects.get(pk=run.pk).status == "calculated"
    CostCenter.objects(code="200").update(set__active=True)
    approved = runs.approve_run(run.pk, HR)
    CostCenter.objects(code="200").update(set__active=False)    # deactivated meanwhile
    with pytest.raises(BusinessRuleError, match="Kostenstelle 200.*wieder aktivieren"):
        posting.post_run(approved.pk, HR)
    assert PayrollRun.objects.get(pk=run.pk).status == "approved"
    assert JournalEntry.objects(source="payroll").count() == 0
    CostCenter.objects(code="200").update(set__active=True)
    assert posting.post_run(approved.pk, HR).status == "posted"


def test_wage_account_that_requires_a_cost_center(centres):
    Account.objects(number="4120").update(set__cost_center_required=True)
    run = _calculated(centres, None)
    with pytest.raises(BusinessRuleError, match="Konto 4120 verlangt eine Kostenstelle; "
                                                "ohne Kostenstelle: P002"):
        runs.approve_run(run.pk, HR)
    # entered on the employee and calculated again: approved and posted
    from models.employee import Employee
    Employee.objects(personnel_no="P002").update(set__cost_center=centres["200"])
    run = runs.calculate_run(run.pk, HR)
    run = posting.post_run(runs.approve_run(run.pk, HR).pk, HR)
    assert run.status == "posted"
