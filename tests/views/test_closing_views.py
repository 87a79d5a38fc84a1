"""Closing screens: GuV, Bilanz, BWA and the UStVA as HTML, CSV, XML and PDF; the bookings."""
import io
from datetime import date
from decimal import Decimal as D
from xml.etree import ElementTree as ET

from pypdf import PdfReader

from services.ledger import posting
from services.ledger.balances import account_balances
from tests.conftest import csrf_token_from


def _books():
    for day, lines in [
            (date(2026, 1, 1), [("1200", "debit", "10000.00"), ("0800", "credit", "10000.00")]),
            (date(2026, 1, 10), [("1400", "debit", "1190.00"),
                                 ("8400", "credit", "1000.00", "USt19"),
                                 ("1776", "credit", "190.00", "USt19")]),
            (date(2026, 1, 20), [("4210", "debit", "300.00"), ("1200", "credit", "300.00")])]:
        posting.post_new_entry(date=day, text="Buchung", source="manual", user="u", lines=[
            {"account": acc, side: D(amount), "tax_key": (key or [None])[0]}
            for acc, side, amount, *key in lines])


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def test_statements_screen_csv_and_pdf(client, login):
    _books()
    login("auditor")
    page = client.get("/closing/statements?year=2026&report=guv").get_data(as_text=True)
    assert "Gewinn- und Verlustrechnung" in page and "1.000,00" in page and "700,00" in page
    bilanz = client.get("/closing/statements?year=2026&report=bilanz").get_data(as_text=True)
    assert "Aktiva und Passiva stimmen überein" in bilanz
    assert "Saldenvortrag ins Folgejahr buchen" not in bilanz  # auditors only read
    csv_text = client.get("/closing/statements?year=2026&report=bilanz&format=csv"
                          ).get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert csv_text[0] == "Posten;Bezeichnung;Betrag;Vorjahr"
    assert "A;Summe Aktiva;10890,00;0,00" in csv_text and "P.A.V;Jahresüberschuss/Jahresfehlbetrag;700,00;0,00" in csv_text
    bwa = client.get("/closing/statements?year=2026&report=bwa&month=1&format=csv"
                     ).get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert "Umsatzerlöse;1000,00;0,00;1000,00;0,00" in bwa
    assert "Vorläufiges Ergebnis;700,00;0,00;700,00;0,00" in bwa
    response = client.get("/closing/statements?year=2026&report=guv&format=pdf")
    assert response.mimetype == "application/pdf"
    assert "Umsatzerlöse 1.000,00" in pdf_text(response.data)
    assert client.get("/closing/statements?report=x").status_code == 400


def test_vat_screen_drill_down_csv_and_xml(client, login):
    _books()
    login("finance")
    page = client.get("/closing/vat?year=2026&period=1&kz=81").get_data(as_text=True)
    assert "Kz81" in page and "190,00" in page and "Buchungen zu Kz" in page
    assert "ELSTER/ERiC" in page and "10.02.2026" in page
    csv_text = client.get("/closing/vat?year=2026&period=1&format=csv").get_data(as_text=True)
    assert "Kz81;1000,00" in csv_text and "Kz83;190,00" in csv_text
    root = ET.fromstring(client.get("/closing/vat?year=2026&period=1&format=xml").data)
    assert root.find("Kz81").text == "1000" and root.find("Kz83").text == "190.00"
    assert client.get("/closing/vat?year=2026&period=13").status_code == 400


def test_booking_vat_and_carry_forward_from_the_screens(client, login):
    _books()
    login("finance")
    token = csrf_token_from(client.get("/closing/vat?year=2026&period=1").data)
    response = client.post("/closing/vat/book", data={"csrf_token": token, "year": "2026",
                                                      "period": "1"})
    assert response.status_code == 302
    assert account_balances(2026)["1780"] == (D("0.00"), D("190.00"))
    client.post("/closing/vat/book", data={"csrf_token": token, "year": "2026", "period": "1",
                                           "amount": "190,00", "date": "10.02.2026"})
    assert account_balances(2026)["1780"] == (D("190.00"), D("190.00"))
    client.post("/closing/carry-forward", data={"csrf_token": token, "year": "2026"})
    client.post("/closing/carry-forward", data={"csrf_token": token, "year": "2026"})
    opening = account_balances(2027, 0, 0)
    assert opening["0860"] == (D("0.00"), D("700.00"))
    assert opening["1200"] == (D("9510.00"), D("0.00"))  # 10,000 - 300 - 190


def test_auditor_may_not_book(client, login):
    login("auditor")
    token = csrf_token_from(client.get("/closing/vat").data)
    assert client.post("/closing/vat/book", data={"csrf_token": token, "year": "2026",
                                                  "period": "1"}).status_code == 403


def test_vat_screen_names_the_fields_and_opens_on_last_month(client, login):
    """Each Kennzahl with what it stands for, in the page's language; without a period the
    screen shows the month whose return is due next (it opened on January in December)."""
    from datetime import timedelta

    _books()
    login("finance")
    page = client.get("/closing/vat?year=2026&period=1").get_data(as_text=True)
    assert "Kz81</a> · Steuerpflichtige Umsätze zu 19 % (Bemessungsgrundlage)" in page
    assert "Kz83 · Verbleibende Umsatzsteuer-Vorauszahlung bzw. Überschuss" in page
    english = client.get("/closing/vat?year=2026&period=1",
                         headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Kz81</a> · Taxable sales at 19 % (net amount)" in english
    last = date.today().replace(day=1) - timedelta(days=1)
    page = client.get("/closing/vat").get_data(as_text=True)
    assert f'name="period" value="{last.month}"' in page
    assert f"{last.month:02d}/{last.year}" in page
