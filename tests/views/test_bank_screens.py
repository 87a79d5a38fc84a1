"""The reconciliation screen: upload statements, ranked proposals, book, split, rule, tasks."""
import io
from decimal import Decimal

from models.bank_account import BankAccount
from models.bank_rule import BankRule
from models.bank_statement import BankTransaction
from models.invoice import Invoice
from models.ledger import JournalEntry
from services.core.tasks import tasks_for
from tests.conftest import csrf_token_from
from tests.factories import make_company, make_invoice
from tests.services.banking.files import ACCOUNT_IBAN, OTHER_IBAN, camt, tx


def _upload(client, *files):
    token = csrf_token_from(client.get("/bank/").data)
    data = {"csrf_token": token,
            "files": [(io.BytesIO(content), name) for name, content in files]}
    return client.post("/bank/import", data=data, content_type="multipart/form-data",
                       follow_redirects=True)


def test_upload_propose_and_book_from_the_screen(app, client, login):
    from services.invoicing import issuing

    user = login("finance")
    make_company()
    inv = issuing.issue_invoice(make_invoice(), "fibu")
    BankAccount(name="Giro", iban=ACCOUNT_IBAN, ledger_account="1200").save()
    page = _upload(client, ("a.xml", camt([tx(inv.gross_total, purpose=f"Danke {inv.number}",
                                              ref="A"),
                                           tx("-12.50", name="Bank", iban=OTHER_IBAN,
                                              purpose="Entgelt", ref="B")])))
    text = page.data.decode()
    assert "Auszug 1: 2 Umsätze, 2 neu, 0 schon vorhanden" in text
    assert "Belegnummer und Betrag" in text and "98 %" in text
    # the task list asks finance to reconcile the two
    [task] = [t for t in tasks_for(user).tasks if t.area == "banking"]
    assert task.params == {"count": 2, "account": "Giro"}
    paid = BankTransaction.objects.get(bank_reference="A")
    detail = client.get(f"/bank/tx/{paid.pk}").data.decode()
    assert f"Rechnung {inv.number}" in detail
    response = client.post(f"/bank/tx/{paid.pk}/book",
                           data={"csrf_token": csrf_token_from(detail), "proposal": "0"})
    assert response.status_code == 302
    assert Invoice.objects.get(pk=inv.pk).status == "paid"
    # the fee: a rule from this transaction, then a split typed in German
    fee = BankTransaction.objects.get(bank_reference="B")
    detail = client.get(f"/bank/tx/{fee.pk}").data.decode()
    token = csrf_token_from(detail)
    client.post(f"/bank/tx/{fee.pk}/rule", data={"csrf_token": token, "name": "Bankentgelt",
                                                  "purpose_pattern": "entgelt", "account": "4970"})
    rule = BankRule.objects.get()
    assert (rule.counterparty_iban, rule.direction, rule.account) == (OTHER_IBAN, "out", "4970")
    detail = client.get(f"/bank/tx/{fee.pk}").data.decode()
    assert "Regel „Bankentgelt“" in detail
    client.post(f"/bank/tx/{fee.pk}/book", data={
        "csrf_token": token, "target_0": "4970", "amount_0": "10,00",
        "target_1": "4900", "amount_1": "2,50"})
    fee.reload()
    assert fee.status == "booked" and [a.amount for a in fee.allocations] == [
        Decimal("10.00"), Decimal("2.50")]
    assert JournalEntry.objects(source="payment").count() == 3
    assert not [t for t in tasks_for(user).tasks if t.area == "banking"]


def test_a_split_that_does_not_add_up_is_refused_with_the_reason(app, client, login):
    login("finance")
    BankAccount(name="Giro", iban=ACCOUNT_IBAN, ledger_account="1200").save()
    _upload(client, ("a.xml", camt([tx("-12.50", purpose="Entgelt", ref="B")])))
    fee = BankTransaction.objects.get()
    token = csrf_token_from(client.get(f"/bank/tx/{fee.pk}").data)
    page = client.post(f"/bank/tx/{fee.pk}/book", follow_redirects=True, data={
        "csrf_token": token, "target_0": "4970", "amount_0": "10,00"}).data.decode()
    assert "Nicht gebucht" in page and "ergibt 10.00" in page
    assert BankTransaction.objects.get().status == "open"


def test_auditor_reads_without_forms_and_cannot_book(app, client, login):
    BankAccount(name="Giro", iban=ACCOUNT_IBAN, ledger_account="1200").save()
    from services.banking.statements import import_file

    import_file(camt([tx("-12.50", purpose="Entgelt", ref="B")]), "a.xml", "fibu")
    fee = BankTransaction.objects.get()
    login("auditor")
    page = client.get(f"/bank/tx/{fee.pk}").data.decode()
    assert "Entgelt" in page and "Aufgeteilt buchen" not in page
    token = csrf_token_from(client.get("/admin/").data)
    response = client.post(f"/bank/tx/{fee.pk}/book", data={"csrf_token": token,
                                                            "target_0": "4970", "amount_0": "12.50"})
    assert response.status_code == 403 and BankTransaction.objects.get().status == "open"


def test_proposals_are_shown_in_the_users_language(app, client, login):
    """The best proposal is stored as message ids: German for German users, English for English."""
    from services.banking.statements import import_file
    from services.banking.reconcile import reconcile_open

    BankAccount(name="Giro", iban=ACCOUNT_IBAN, ledger_account="1200").save()
    BankRule(name="Bankentgelt", counterparty_iban=OTHER_IBAN, direction="out", account="4970",
             confidence=70).save()
    import_file(camt([tx("-12.50", name="Bank", iban=OTHER_IBAN, purpose="Entgelt", ref="B")]),
                "a.xml", "fibu")
    reconcile_open("fibu")
    fee = BankTransaction.objects.get()
    assert fee.proposal == "Regel „Bankentgelt“: Konto 4970"     # German text kept with the data
    login("finance")
    german = client.get("/bank/").data.decode() + client.get(f"/bank/tx/{fee.pk}").data.decode()
    assert german.count("Regel „Bankentgelt“: Konto 4970") == 2
    token = csrf_token_from(client.get("/admin/").data)
    client.post("/language", data={"locale": "en", "csrf_token": token, "next": "/admin/"})
    for url in ("/bank/", f"/bank/tx/{fee.pk}", "/admin/bank_transactions/"):
        page = client.get(url).data.decode()
        assert 'Rule "Bankentgelt": Account 4970' in page.replace("&#34;", '"'), url
        assert "Regel „Bankentgelt“" not in page, url


def test_import_screen_tells_the_clerk_what_it_could_not_check_and_shows_no_zero_confidence(app, client, login):
    from tests.services.banking.test_statement_overlap import sparkasse, volksbank
    from datetime import date

    login("finance")
    BankAccount(name="Giro", iban=ACCOUNT_IBAN, ledger_account="1200").save()
    text = _upload(client, ("spk.csv", sparkasse(date(2026, 3, 1), date(2026, 3, 15)))).data.decode()
    assert ("Auszug CSV 02.03.2026–15.03.2026 enthält keine Salden: ob zwischen diesem und dem "
            "vorigen Auszug Umsätze fehlen, lässt sich nicht prüfen.") in text
    # nothing matches (no open invoices): said in words, not as "0 Umsätze automatisch gebucht"
    assert "Kein Umsatz automatisch gebucht" in text and "0 Umsätze automatisch" not in text
    # no proposal: "kein Vorschlag" and a dash, not a confidence of "0 %"
    assert "kein Vorschlag" in text and "0 %" not in text
    # an export with balances gets no such hint
    text = _upload(client, ("vr.csv", volksbank(date(2026, 3, 16), date(2026, 3, 31)))).data.decode()
    assert "enthält keine Salden" not in text and "Lücke" not in text
    rent = BankTransaction.objects.get(purpose="Miete Lager März")
    detail = client.get(f"/bank/tx/{rent.pk}").data.decode()
    assert "DE12 5001 0517 0648 4898 90" in detail   # OTHER_IBAN in groups of four
