"""The direct-debit screens: a clerk proposes from an account, a colleague releases, pain.008."""
from datetime import date, timedelta

from models.bank_account import BankAccount
from models.direct_debit import DirectDebitRun
from tests.conftest import csrf_token_from
from tests.factories import make_company, make_customer
from tests.services.banking.files import ACCOUNT_IBAN
from tests.services.banking.test_direct_debit import CREDITOR_ID, issued, mandate


def collection_day() -> date:
    """A weekday a month ahead, clear of the fixed TARGET2 holidays (typed in here)."""
    day = date.today() + timedelta(days=30)
    while day.weekday() >= 5 or (day.month, day.day) in {(1, 1), (5, 1), (12, 25), (12, 26)}:
        day += timedelta(days=1)
    return day


def post(client, url, data):
    token = csrf_token_from(client.get("/direct-debit/").data)
    return client.post(url, data={**data, "csrf_token": token})


def test_propose_release_download_through_the_screens(app, client, login):
    make_company()
    account = BankAccount(name="Giro", iban=ACCOUNT_IBAN, ledger_account="1200",
                          creditor_id=CREDITOR_ID).save()
    customer = make_customer()
    mandate(customer, "M-SCREEN")
    inv = issued(customer)
    login("finance")
    page = client.get("/direct-debit/").get_data(as_text=True)
    assert "Einzugsvorschlag erstellen" in page and ACCOUNT_IBAN in page
    day = collection_day()
    response = post(client, "/direct-debit/", {"collection_date": day.isoformat(),
                                               "bank_account": str(account.pk)})
    assert response.status_code == 302
    run = DirectDebitRun.objects.get()
    page = client.get(f"/direct-debit/{run.pk}").get_data(as_text=True)
    assert inv.number in page and "M-SCREEN" in page and "Erstlastschrift" in page
    post(client, f"/direct-debit/{run.pk}/act", {"action": "release", "version": run.version})
    assert DirectDebitRun.objects.get().status == "draft"      # four eyes
    login("finance")
    post(client, f"/direct-debit/{run.pk}/act", {"action": "release", "version": run.version})
    assert DirectDebitRun.objects.get().status == "released"
    xml = client.get(f"/direct-debit/{run.pk}/file")
    assert xml.status_code == 200 and b"pain.008.001.08" in xml.data and b"M-SCREEN" in xml.data
    # a Saturday is refused with the reason
    saturday = day + timedelta(days=(5 - day.weekday()) % 7)
    refused = post(client, "/direct-debit/", {"collection_date": saturday.isoformat(),
                                              "bank_account": str(account.pk)})
    assert "kein TARGET2-Geschäftstag" in refused.get_data(as_text=True)
    assert DirectDebitRun.objects.count() == 1


def test_auditors_read_other_roles_are_refused(app, client, login):
    login("hr")
    assert client.get("/direct-debit/").status_code == 403
    login("auditor")
    assert client.get("/direct-debit/").status_code == 200
    token = csrf_token_from(client.get("/direct-debit/").data)
    assert client.post("/direct-debit/", data={"csrf_token": token,
                                               "collection_date": "2026-03-30"}).status_code == 403


def test_the_clerk_marks_the_last_collection_on_the_screen(app, client, login):
    from models.sepa_mandate import SepaMandate

    make_company()
    account = BankAccount(name="Giro", iban=ACCOUNT_IBAN, ledger_account="1200",
                          creditor_id=CREDITOR_ID).save()
    customer = make_customer()
    mandate(customer, "M-LAST", first_collected_on=date.today() - timedelta(days=40))
    issued(customer)
    login("finance")
    post(client, "/direct-debit/", {"collection_date": collection_day().isoformat(),
                                    "bank_account": str(account.pk)})
    run = DirectDebitRun.objects.get()
    page = client.get(f"/direct-debit/{run.pk}").get_data(as_text=True)
    assert "Folgelastschrift" in page and "Als letzte Lastschrift" in page
    post(client, f"/direct-debit/{run.pk}/act", {"action": "final", "key": run.items[0].key,
                                                 "version": run.version})
    run = DirectDebitRun.objects.get()
    page = client.get(f"/direct-debit/{run.pk}").get_data(as_text=True)
    assert run.items[0].sequence == "FNAL" and "letzte Lastschrift" in page
    assert "Doch nicht die letzte" in page
    login("finance")   # a colleague releases
    post(client, f"/direct-debit/{run.pk}/act", {"action": "release", "version": run.version})
    assert DirectDebitRun.objects.get().status == "released"
    assert b"<SeqTp>FNAL</SeqTp>" in client.get(f"/direct-debit/{run.pk}/file").data
    assert SepaMandate.objects.get().status == "closed"
