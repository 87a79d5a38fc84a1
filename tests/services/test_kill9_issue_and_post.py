"""kill -9 in the middle of issuing an invoice and of posting a payroll run, then finish.

A child process runs the real service against the test database and SIGKILLs itself right
after one chosen step; the parent then repeats the operation as a clerk would after a
restart and checks: no duplicate, nothing lost or half-written, the operation completes.
"""
from datetime import date, timedelta
from decimal import Decimal

import pytest

from models import ArchivedFile, JournalEntry
from models.invoice import Invoice
from services.invoicing import issuing as invoicing
from services.ledger.posting import verify_chain
from tests.kill9 import run_and_kill
from tests.factories import make_company, make_employee, make_invoice





KILL_POINTS = [
    ("services.invoicing.issuing", "_freeze", 1),              # number taken, status "issuing"
    ("services.invoicing.issuing", "_post_invoice", 1),        # journal entry posted
    ("services.archive.store", "store_generated", 1),  # XML filed, PDF not yet
    ("services.archive.store", "store_generated", 2),  # both filed, status not yet set
]


@pytest.mark.parametrize("module,name,nth", KILL_POINTS)
def test_issue_invoice_killed_then_completed_once(app, module, name, nth):
    make_company()
    inv = make_invoice()
    run_and_kill(app, module, name,
                 f"from services.invoicing import issuing as invoicing\nfrom models.invoice import Invoice\n"
                 f"invoicing.issue_invoice(Invoice.objects.get(pk='{inv.pk}'), 'fibu')", nth,
                 timeout=120)
    assert Invoice.objects.get(pk=inv.pk).status == "issuing"  # frozen, visibly unfinished
    assert invoicing.resume_issuing() == 1                     # what a restart runs
    done = Invoice.objects.get(pk=inv.pk)
    assert done.status == "issued" and done.number == "RE-2026-00001"
    assert JournalEntry.objects(source="invoice", status="posted").count() == 1
    assert ArchivedFile.objects(description__in=[f"[invoice-pdf:{inv.pk}]",
                                                 f"[invoice-xml:{inv.pk}]"]).count() == 2
    assert invoicing.issue_invoice(done, "fibu").number == "RE-2026-00001"  # repeat is a no-op
    assert verify_chain(2026).ok
    nxt = invoicing.issue_invoice(make_invoice(), "fibu")
    assert nxt.number == "RE-2026-00002"  # no gap, no duplicate


def test_payroll_post_killed_then_completed_once(app):
    from models.payroll import PayrollLock
    from services.payroll import posting as payroll_posting, runs

    for n in range(3):
        make_employee(personnel_no=f"K9-{n}", birth_date=date(1980, 1, 1),
                      hire_date=date(2020, 1, 1), monthly_gross=Decimal("3900.00"))
    run = runs.create_run(2026, 5, "hr")
    runs.calculate_run(run.pk, "hr")
    runs.approve_run(run.pk, "hr")
    run_and_kill(app, "services.ledger.posting", "post_new_entry",
                 f"from services.payroll import posting\nposting.post_run('{run.pk}', 'hr')",
                 timeout=120)
    assert runs.get_run(run.pk).status == "posting"
    assert JournalEntry.objects(source="payroll").count() == 1  # posted, run not yet marked
    # The claim the killed process held is taken over once it is stale (after 10 minutes).
    PayrollLock.objects.update(set__at=PayrollLock.objects.first().at - timedelta(minutes=11))
    posted = payroll_posting.post_run(run.pk, "hr")
    assert posted.status == "posted"
    entries = JournalEntry.objects(source="payroll", status="posted")
    assert entries.count() == 1 and str(entries.first().pk) == posted.entry_ids[0]
    entry = entries.first()
    assert entry.total_debit == entry.total_credit > 0
    assert verify_chain(2026).ok
