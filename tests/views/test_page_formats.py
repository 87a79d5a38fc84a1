"""Amounts and dates on the screens follow the page's language (issue 20): 1.234,56 € and
31.12.2026 on German pages, €1,234.56 (Babel's English currency format) and 2026-12-31 on
English ones. CSV exports and invoice PDFs stay German whatever the page's language."""
import re
from datetime import date
from decimal import Decimal

from models.invoice import InvoiceLine
from tests.factories import make_invoice, make_stock_item

EN = {"Accept-Language": "en-US,en;q=0.9"}


def _value(page, element_id):
    return re.search(rf'id="{element_id}">([^<]*)<', page).group(1)


def test_stock_list_amounts_in_each_language(client, login):
    make_stock_item(sku="FMT-1", quantity=Decimal("1234.5"), unit_cost=Decimal("1"))
    login("warehouse")
    german = client.get("/admin/stock/").get_data(as_text=True)
    english = client.get("/admin/stock/", headers=EN).get_data(as_text=True)
    assert "1.234,50 €" in german and "€1,234.50" not in german
    assert "€1,234.50" in english and "1.234,50 €" not in english


def test_start_page_stock_value_in_each_language(client, login):
    make_stock_item(quantity=Decimal("1000"), unit_cost=Decimal("2.5"))
    make_stock_item(quantity=Decimal("3"), unit_cost=Decimal("0.12"))
    login("warehouse")
    german = client.get("/admin/").get_data(as_text=True)
    english = client.get("/admin/", headers=EN).get_data(as_text=True)
    assert _value(german, "stock-value") == "2.500,36 €"
    assert _value(english, "stock-value") == "€2,500.36"


def test_invoice_list_dates_and_amounts_in_each_language(client, login):
    make_invoice(issue_date=date(2026, 12, 31), lines=[InvoiceLine(
        description="Regal", quantity=Decimal("1"), unit="Stk", unit_price=Decimal("1037.45"),
        vat_rate="19")])
    login("finance")
    german = client.get("/admin/invoice/").get_data(as_text=True)
    english = client.get("/admin/invoice/", headers=EN).get_data(as_text=True)
    # 1037.45 + 19 % (197.1155 → 197.12) = 1234.57
    assert "31.12.2026" in german and "1.234,57 €" in german
    assert "2026-12-31" not in german and "€1,234.57" not in german
    assert "2026-12-31" in english and "€1,234.57" in english
    assert "31.12.2026" not in english and "1.234,57 €" not in english


def test_csv_export_stays_german_on_an_english_page(client, login):
    make_stock_item(sku="FMT-CSV", quantity=Decimal("1234.5"), unit_cost=Decimal("2"))
    login("warehouse")
    german = client.get("/admin/stock/export/csv/").get_data(as_text=True)
    english = client.get("/admin/stock/export/csv/", headers=EN).get_data(as_text=True)
    line = next(row for row in english.splitlines() if "FMT-CSV" in row)
    assert line == "FMT-CSV,Kabelbinder 200 mm,XPK,\"1.234,500\",\"0,000\",\"2,00 €\",,,\"2.469,00 €\""
    assert english.splitlines()[1:] == german.splitlines()[1:]  # the header is translated


def test_invoice_pdf_numbers_stay_german_under_an_english_request(app):
    from services.invoicing import issuing
    from services.invoicing.pdf import invoice_html

    inv = make_invoice(issue_date=date(2026, 12, 31), lines=[InvoiceLine(
        description="Regal", quantity=Decimal("1"), unit="Stk",
        unit_price=Decimal("1037.45"), vat_rate="19")])
    rates = issuing.rate_table()
    with app.test_request_context("/", headers=EN):
        html = invoice_html(inv, issuing.totals_for(inv.lines, rates), rates)
    assert "1.234,57 €" in html and "31.12.2026" in html
    assert "1,234.57" not in html and "2026-12-31" not in html


def test_ticket_due_times_in_each_language(client, login):
    from datetime import datetime, timezone

    from tests.factories import make_ticket

    # 2030-12-31 13:05 UTC is 14:05 in Berlin (winter time); not yet overdue
    make_ticket(title="Drucker", due_at=datetime(2030, 12, 31, 13, 5, tzinfo=timezone.utc))
    login("support")
    german = client.get("/admin/tickets/").get_data(as_text=True)
    english = client.get("/admin/tickets/", headers=EN).get_data(as_text=True)
    assert "31.12.2030 14:05" in german and "2030-12-31 14:05" not in german
    assert "2030-12-31 14:05" in english and "31.12.2030 14:05" not in english


def test_list_figures_are_right_aligned_and_text_is_not(client, login):
    """The figures of a list (fields with numbers, amount and quantity columns) are
    right-aligned on one line; text columns keep the left alignment."""
    make_stock_item(sku="ALIGN-1")
    login("warehouse")
    page = client.get("/admin/stock/").get_data(as_text=True)
    style = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
    rule = style.split("{")[0]
    selected = set(re.findall(r"td\.col-(\w+)", rule))
    assert selected == {"quantity", "reorder_point", "unit_cost", "value"}
    assert "text-align: right" in style
    login("finance")
    page = client.get("/admin/invoice/").get_data(as_text=True)
    rule = re.search(r"<style>(.*?)</style>", page, re.S).group(1).split("{")[0]
    assert set(re.findall(r"td\.col-(\w+)", rule)) == {"gross_total", "paid_total"}
