"""Report screens: trial balance and account ledger as HTML, CSV and PDF."""
import io
from datetime import date
from decimal import Decimal

from pypdf import PdfReader

from services.ledger import posting


def _books():
    for day, debit, credit, amount, text in [
            (date(2026, 1, 1), "1200", "0800", "10000.00", "Eröffnung"),
            (date(2026, 3, 9), "4210", "1200", "1500.00", "Miete März – Büro Süd")]:
        posting.post_new_entry(date=day, text=text, source="manual", user="u", lines=[
            {"account": debit, "debit": Decimal(amount)},
            {"account": credit, "credit": Decimal(amount)}])


def pdf_text(data: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


def test_trial_balance_screen_csv_and_pdf(client, login):
    _books()
    login("auditor")
    page = client.get("/ledger/trial-balance?year=2026").get_data(as_text=True)
    assert "Summen- und Saldenliste" in page and "11.500,00" in page
    assert "Soll und Haben stimmen überein" in page
    csv_text = client.get("/ledger/trial-balance?year=2026&format=csv").get_data(as_text=True)
    lines = csv_text.lstrip("\ufeff").splitlines()
    assert lines[0] == "Konto;Bezeichnung;EB-Saldo;Soll;Haben;Saldo"
    assert "1200;Bank;0,00;10000,00;1500,00;8500,00" in lines
    assert lines[-1] == ";Summe;0,00;11500,00;11500,00;0,00"
    response = client.get("/ledger/trial-balance?year=2026&from=2026-03-01&to=2026-03-31"
                          "&format=pdf")
    assert response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "Summen- und Saldenliste 01.03.2026" in text and "10.000,00" in text
    assert "Seite 1 von 1" in text


def test_account_ledger_screen_csv_and_pdf(client, login):
    _books()
    login("finance")
    page = client.get("/ledger/account-ledger?account=1200&year=2026").get_data(as_text=True)
    assert "Miete März – Büro Süd" in page and "8.500,00" in page
    csv_text = client.get("/ledger/account-ledger?account=1200&year=2026&format=csv"
                          ).get_data(as_text=True)
    assert "09.03.2026;2;Miete März – Büro Süd;;4210;0,00;1500,00;8500,00" in csv_text
    text = pdf_text(client.get("/ledger/account-ledger?account=1200&year=2026&format=pdf").data)
    assert "Kontoblatt 1200" in text and "Miete März – Büro Süd" in text and "8.500,00" in text


def test_reports_are_for_finance_readers_only(client, login):
    assert client.get("/ledger/trial-balance").status_code == 302
    login("hr")
    assert client.get("/ledger/trial-balance").status_code == 403
    assert client.get("/ledger/account-ledger?account=1200").status_code == 403


def test_bad_period_gets_400(client, login):
    login("finance")
    assert client.get("/ledger/trial-balance?year=2026&from=2025-01-01").status_code == 400
    assert client.get("/ledger/trial-balance?year=abc").status_code == 400


def test_periods_screen_closes_a_month_and_checks_the_chain(client, login):
    from tests.conftest import csrf_token_from

    _books()
    login("finance")
    page = client.get("/ledger/periods")
    token = csrf_token_from(page.data)
    response = client.post("/ledger/periods", data={"csrf_token": token, "year": "2026",
                                                    "month": "1"}, follow_redirects=True)
    assert "01/2026 abgeschlossen" in response.get_data(as_text=True)
    assert posting.is_period_closed(date(2026, 1, 15))
    page = client.get("/ledger/periods?verify=1").get_data(as_text=True)
    assert "2026: 2 posted entries, chain intact" in page


def test_auditor_sees_periods_but_cannot_close(client, login):
    from tests.conftest import csrf_token_from

    login("auditor")
    page = client.get("/ledger/periods")
    assert page.status_code == 200 and "abschließen" not in page.get_data(as_text=True)
    token = csrf_token_from(client.get("/admin/").data)
    assert client.post("/ledger/periods", data={"csrf_token": token, "year": "2026"}
                       ).status_code == 403
