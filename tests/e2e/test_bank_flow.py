"""In the browser: upload a statement, open the proposal, book it; the invoice is paid."""
from models.bank_account import BankAccount
from models.bank_statement import BankTransaction
from models.invoice import Invoice
from tests.factories import make_company, make_invoice, make_user
from tests.services.banking.files import ACCOUNT_IBAN, OTHER_IBAN, camt, tx


def test_import_reconcile_and_book_a_customer_payment(session, live_app, tmp_path):
    from services.invoicing import issuing

    with live_app.app_context():
        make_user("finance", email="e2e-bank@firma.example.com")
        make_company()
        inv = issuing.issue_invoice(make_invoice(), "fibu")
        BankAccount(name="Girokonto", iban=ACCOUNT_IBAN, ledger_account="1200").save()
    path = tmp_path / "Kontoauszug.xml"
    path.write_bytes(camt([tx(inv.gross_total, purpose=f"Rechnung {inv.number} vielen Dank",
                              ref="E2E-A"),
                           tx("-12.50", name="Bank", iban=OTHER_IBAN, purpose="Entgelt",
                              ref="E2E-B")]))
    session.login("e2e-bank@firma.example.com")
    session.goto("/bank/")
    page = session.page
    page.set_input_files("input[type=file]", str(path))
    page.click("button:has-text('Einlesen')")
    page.wait_for_load_state("networkidle")
    session.shot("imported")
    body = page.inner_text("body")
    assert "2 Umsätze, 2 neu" in body and "98 %" in body
    page.click(f"tr:has-text('{inv.number}') a:has-text('Abgleichen')")
    page.wait_for_load_state("networkidle")
    session.shot("proposals")
    assert "Belegnummer und Betrag" in page.inner_text("#proposals")
    page.click("#proposals button:has-text('Buchen')")
    page.wait_for_load_state("networkidle")
    session.shot("booked")
    assert "Umsatz gebucht" in page.inner_text("body")
    with live_app.app_context():
        assert Invoice.objects.get(pk=inv.pk).status == "paid"
        assert BankTransaction.objects.get(bank_reference="E2E-A").status == "booked"
        assert BankTransaction.objects.get(bank_reference="E2E-B").status == "open"
    assert not session.console_errors, session.console_errors
