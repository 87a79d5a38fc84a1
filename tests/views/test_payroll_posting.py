"""Posting payroll runs to the ledger and reversing them, against the real database."""
import threading
from datetime import date
from decimal import Decimal as D

import pytest

from models.ledger import JournalEntry
from models.payroll import PayrollRun, Payslip
from services.core.errors import BusinessRuleError
from services.payroll import posting, runs
from tests.views.test_payroll_runs import post, staff, start_run, step

HR = "hr@firma.example.com"


def lines_of(entry) -> dict:
    return {ln.account: (ln.debit, ln.credit) for ln in entry.lines}


def approved_run():
    staff()
    run = runs.calculate_run(runs.create_run(2026, 3, HR).pk, HR)
    return runs.approve_run(run.pk, HR)


def test_posting_balances_with_the_run_totals(client, login):
    login("hr")
    staff()
    run = step(client, step(client, start_run(client), "calculate"), "approve")
    run = step(client, run, "post")
    assert run.status == "posted" and len(run.entry_ids) == 1
    entry = JournalEntry.objects.get(pk=run.entry_ids[0])
    assert (entry.status, entry.source, entry.date) == ("posted", "payroll", date(2026, 3, 31))
    t = run.totals
    assert lines_of(entry) == {
        "4120": (t.gross - D("603.00"), D(0)),
        "4190": (D("603.00"), D(0)),  # the minijob's wage on its own account
        "4130": (t.employer_si, D(0)),
        "4199": (t.employer_flat_tax, D(0)),
        "1740": (D(0), t.net),
        "1741": (D(0), t.wage_tax + t.solidarity + t.church_tax),
        "1742": (D(0), t.employee_si + t.employer_si - D("197.60")),  # 209.66 − 12.06
        "1743": (D(0), D("209.66")),
    }
    assert entry.total_debit == entry.total_credit == t.employer_cost
    assert t.employer_flat_tax == D("12.06")  # the mini-job's 2 % of 603.00
    # posting made the payslips available
    assert Payslip.objects(run=run, pdf=None).count() == 0


def test_posting_again_or_after_a_crash_posts_once(app):
    run = approved_run()
    posting.post_run(run.pk, HR)
    # as if the process died after the ledger write, before the run was marked posted
    PayrollRun._get_collection().update_one(
        {"_id": run.pk}, {"$set": {"status": "posting", "entry_ids": []}})
    again = posting.post_run(run.pk, HR)
    assert again.status == "posted"
    assert JournalEntry.objects(source="payroll").count() == 1
    with pytest.raises(BusinessRuleError, match="gebucht"):
        posting.post_run(run.pk, HR)


def test_simultaneous_posts_make_one_entry(app):
    run = approved_run()
    barrier, errors = threading.Barrier(3), []

    def post_it():
        barrier.wait(timeout=60)
        try:
            posting.post_run(run.pk, HR)
        except BusinessRuleError as exc:
            errors.append(str(exc))

    threads = [threading.Thread(target=post_it) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
        assert not t.is_alive(), "a thread still runs after 120 s (deadlock?)"
    assert JournalEntry.objects(source="payroll").count() == 1
    assert PayrollRun.objects.get(pk=run.pk).status == "posted"


def test_changed_payslips_are_not_posted(app):
    run = approved_run()
    # changed behind the application's back (the queryset refuses it: frozen documents)
    slip = Payslip.objects(run=run).first()
    Payslip._get_collection().update_one({"_id": slip.pk}, {"$set": {"net": 100}})  # cents
    with pytest.raises(BusinessRuleError, match="differ from the approved total"):
        posting.post_run(run.pk, HR)
    assert JournalEntry.objects(source="payroll").count() == 0


def test_reversal_posts_the_mirror_and_frees_the_month(client, login):
    login("hr")
    staff()
    run = step(client, step(client, step(client, start_run(client), "calculate"),
                            "approve"), "post")
    run = step(client, run, "reverse")
    assert run.status == "reversed" and len(run.reversal_entry_ids) == 1
    original = JournalEntry.objects.get(pk=run.entry_ids[0])
    reversal = JournalEntry.objects.get(pk=run.reversal_entry_ids[0])
    assert reversal.reversal_of == original.pk and original.reversed_by == reversal.pk
    assert {a: (c, d) for a, (d, c) in lines_of(original).items()} == lines_of(reversal)
    # reversing twice is refused; a new run for the month is allowed now
    page = client.get(post(client, f"/payroll/runs/{run.pk}/reverse").location)
    assert "storniert" in page.get_data(as_text=True)
    assert JournalEntry.objects(source="payroll").count() == 2
    second = start_run(client)
    assert second.pk != run.pk and second.status == "draft"


def test_reversal_resumes_after_a_crash(app):
    run = posting.post_run(approved_run().pk, HR)
    posting.reverse_run(run.pk, HR)
    PayrollRun._get_collection().update_one(
        {"_id": run.pk}, {"$set": {"status": "reversing", "month_key": "2026-03"}})
    again = posting.reverse_run(run.pk, HR)
    assert again.status == "reversed" and again.month_key == f"closed:{run.pk}"
    assert JournalEntry.objects(source="payroll").count() == 2


def test_an_unapproved_run_is_not_posted(app):
    staff()
    run = runs.calculate_run(runs.create_run(2026, 3, HR).pk, HR)
    with pytest.raises(BusinessRuleError, match="berechnet"):
        posting.post_run(run.pk, HR)


def test_minijob_on_its_own_accounts_and_payments_clear_the_liabilities(app):
    from services.payroll import payments

    run = posting.post_run(approved_run().pk, HR)
    entry = JournalEntry.objects.get(pk=run.entry_ids[0])
    lines = lines_of(entry)
    mini = Payslip.objects.get(run=run, minijob=True)
    # minijob 603.00 on 4190; Minijob-Zentrale (1743): 21.71 employee RV + 90.45 RV +
    # 78.39 KV + 0.90 U3 + 4.82 U1 + 1.33 U2 + 12.06 flat tax = 209.66
    assert lines["4190"] == (D("603.00"), D(0))
    assert lines["1743"] == (D(0), D("209.66"))
    assert mini.employer_u1 == D("4.82") and mini.employer_u2 == D("1.33")
    t = run.totals
    assert lines["4120"] == (t.gross - D("603.00"), D(0))
    assert lines["1741"] == (D(0), t.wage_tax + t.solidarity + t.church_tax)  # no flat tax
    assert entry.total_debit == entry.total_credit == t.employer_cost
    owed = payments.open_liabilities(run)
    assert set(owed) == {"net", "tax", "si", "minijob"}
    for kind in owed:
        payment = payments.pay_liability(run.pk, kind, HR, date(2026, 4, 3))
        assert payments.pay_liability(run.pk, kind, HR) == payment  # a second click: same
    assert payments.open_liabilities(PayrollRun.objects.get(pk=run.pk)) == {}
    balances = {}
    for e in JournalEntry.objects(source="payroll", status="posted"):
        for ln in e.lines:
            balances[ln.account] = balances.get(ln.account, D(0)) + ln.credit - ln.debit
    for account in ("1740", "1741", "1742", "1743"):
        assert balances[account] == D("0.00"), account
    assert balances["1200"] == t.employer_cost  # everything left through the bank (credit)
    assert JournalEntry.objects(source="payroll").count() == 5
    with pytest.raises(BusinessRuleError, match="payments were already posted"):
        posting.reverse_run(run.pk, HR)


def test_payment_before_posting_is_refused(app):
    from services.payroll import payments

    run = approved_run()
    with pytest.raises(BusinessRuleError, match="must be posted"):
        payments.pay_liability(run.pk, "net", HR)
