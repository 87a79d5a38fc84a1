"""kill -9 in the middle of releasing a payment run, a collection and confirming dunning.

A child process (the harness of tests/services/ledger/test_balances.py) opens the test
database, wraps one step so that the process SIGKILLs itself right after its n-th call,
and runs the release or confirmation. The parent then runs the same request again and
checks that everything exists exactly once: claims, archived files, journal entries,
queued mails, mandate dates.
"""
from datetime import date

import pytest

from models.archive import ArchivedFile
from models.direct_debit import DirectDebitRun
from models.dunning import DunningRun
from models.invoice import Invoice
from models.ledger import JournalEntry
from models.mail import OutgoingMail
from models.payment_run import PaymentClaim, PaymentRun
from models.sepa_mandate import SepaMandate
from services.banking import direct_debit, dunning, sepa
from services.core.errors import BusinessRuleError
from tests.kill9 import run_and_kill





# ---------------------------------------------------------------- SEPA payment run (pain.001)

# After the first file is archived (the second not yet); after the items are claimed.
@pytest.mark.parametrize("module,name", [("services.archive.store", "store_generated"),
                                         ("services.banking.sepa", "_claim_items")])
def test_payment_run_killed_while_releasing_is_released_once_by_the_retry(app, module, name):
    from tests.factories import make_company
    from tests.services.banking.test_sepa import payroll

    make_company()
    payroll()
    run = sepa.create_run(date(2026, 3, 31), date(2026, 3, 27), "clerk@firma")
    action = (f"from services.banking import sepa\n"
              f"sepa.release_run({str(run.pk)!r}, 'boss@firma', {run.version})")
    run_and_kill(app, module, name, action)
    assert PaymentRun.objects.get(pk=run.pk).status == "draft"  # killed before the status
    done = sepa.release_run(run.pk, "boss@firma", run.version)
    assert done.status == "released" and set(done.files) == {"pain_001_001_09", "pain_001_001_03"}
    assert PaymentClaim.objects(run=run.pk).count() == len(run.items)
    assert ArchivedFile.objects(filename__startswith=run.number).count() == 2
    with pytest.raises(BusinessRuleError, match="Entwurf"):
        sepa.release_run(run.pk, "boss@firma", run.version)


# ---------------------------------------------------------------- direct-debit collection

def test_collection_killed_after_its_claims_is_released_once_by_the_retry(app):
    from models.bank_account import BankAccount
    from tests.factories import make_company, make_customer
    from tests.services.banking.test_direct_debit import CREDITOR_ID, MONDAY, issued, mandate
    from tests.services.banking.files import ACCOUNT_IBAN

    make_company()
    account = BankAccount(name="Giro", iban=ACCOUNT_IBAN, ledger_account="1200",
                          creditor_id=CREDITOR_ID).save()
    customers = [make_customer(), make_customer()]
    for n, customer in enumerate(customers):
        mandate(customer, f"M-{n}")
        issued(customer)
    run = direct_debit.create_run(MONDAY, account.pk, "clerk", today=date(2026, 3, 26))
    action = (f"from datetime import date\nfrom services.banking import direct_debit\n"
              f"direct_debit.release_run({str(run.pk)!r}, 'boss', {run.version}, "
              f"today=date(2026, 3, 26))")
    run_and_kill(app, "services.banking.direct_debit", "_claim_items", action)
    assert DirectDebitRun.objects.get(pk=run.pk).status == "draft"
    assert PaymentClaim.objects(run=run.pk).count() == 2
    done = direct_debit.release_run(run.pk, "boss", run.version, today=date(2026, 3, 26))
    assert done.status == "released"
    assert PaymentClaim.objects(run=run.pk).count() == 2
    assert ArchivedFile.objects(filename__startswith=run.number).count() == 1
    assert [m.first_collected_on for m in SepaMandate.objects] == [MONDAY, MONDAY]
    assert direct_debit.proposals(date(2026, 4, 30)) == []


# ---------------------------------------------------------------- dunning run

KILL_DUNNING = [("services.banking.dunning", "_post_charges", 1),      # booked, no PDF yet
                ("services.banking.dunning", "queue_letter_mail", 1),  # mailed, not marked sent
                ("services.banking.dunning", "_set_letter", 1)]        # first letter done


@pytest.mark.parametrize("module,name,nth", KILL_DUNNING)
def test_dunning_run_killed_while_confirming_resumes_without_duplicates(app, module, name, nth):
    from tests.factories import make_customer
    from tests.services.banking.test_dunning import issued_invoice, setup_levels

    setup_levels()
    for name_ in ("Alpha GmbH", "Beta KG"):
        issued_invoice(customer=make_customer(name=name_, email=f"{name_[:4].lower()}@x.example.com"))
    run = dunning.propose_run(date(2026, 4, 19), "fibu")   # level 1 for both (no fee)
    level2 = dunning.confirm_run(run.pk, "chefin")
    run = dunning.propose_run(date(2026, 4, 20), "fibu")   # level 2: fee and interest booked
    assert len(run.letters) == 2 and all(ln.fee for ln in run.letters)
    action = (f"from services.banking import dunning\n"
              f"dunning.confirm_run({str(run.pk)!r}, 'chefin')")
    run_and_kill(app, module, name, action, nth)
    assert DunningRun.objects.get(pk=run.pk).status == "draft"
    done = dunning.confirm_run(run.pk, "chefin")
    assert done.status == "confirmed"
    assert [ln.status for ln in done.letters] == ["sent", "sent"]
    assert JournalEntry.objects(source="dunning").count() == 2
    assert OutgoingMail.objects(kind="dunning").count() == 4   # two per run, none twice
    assert ArchivedFile.objects(category="letter").count() == 4
    assert sorted(Invoice.objects.scalar("dunning_level")) == [2, 2]
    assert level2.status == "confirmed"
