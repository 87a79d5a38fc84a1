"""Number inputs of the admin forms follow the page's language (issue 20): shown as
1.234,56 on German pages and 1,234.56 on English ones, read back in that format, and
refused with a message in the page's language when they are ambiguous or malformed.
Expected texts are written out by hand."""
import html
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest

from models import Employee, StockItem
from models.dunning import BaseRate
from tests.admin.test_crud import post_form
from tests.conftest import csrf_token_from
from tests.factories import make_employee, make_stock_item

EN = {"Accept-Language": "en-US,en;q=0.9"}
HEADERS = {"de": {}, "en": EN}


class _Form(HTMLParser):
    """The values a browser would send for the page's main form, untouched."""

    def __init__(self):
        super().__init__()
        self.values, self._select, self._textarea = {}, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.values[name] = a.get("value", "y")
            else:
                self.values[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def form_values(page: str) -> dict:
    parser = _Form()
    parser.feed(page)
    return parser.values


def input_value(page: str, name: str) -> str:
    return html.unescape(re.search(rf'name="{name}"[^>]*value="([^"]*)"', page).group(1))


def submit(client, url, changes, locale):
    """Open the edit form in the language, change some inputs, send it as a browser does."""
    page = client.get(url, headers=HEADERS[locale]).get_data(as_text=True)
    values = {**form_values(page), **changes}
    values.pop("csrf_token", None)
    return client.post(url, data={**values, "csrf_token": csrf_token_from(page.encode())},
                       headers=HEADERS[locale])


# --- shown in the page's format ----------------------------------------------------------

def test_edit_form_shows_figures_in_the_page_language(client, login):
    emp = make_employee(monthly_gross=Decimal("1234.56"), health_insurance_addon=Decimal("2.9"))
    item = make_stock_item(reorder_point=Decimal("1234"), unit_cost=Decimal("1.234"))
    login("admin")
    url = f"/admin/employees/edit/?id={emp.pk}"
    german = client.get(url).get_data(as_text=True)
    english = client.get(url, headers=EN).get_data(as_text=True)
    assert input_value(german, "monthly_gross") == "1.234,56"
    assert input_value(english, "monthly_gross") == "1,234.56"
    assert input_value(german, "health_insurance_addon") == "2,90"
    assert input_value(english, "health_insurance_addon") == "2.90"
    url = f"/admin/stock/edit/?id={item.pk}"
    german = client.get(url).get_data(as_text=True)
    english = client.get(url, headers=EN).get_data(as_text=True)
    # all places shown: 1234 is never written "1.234" (one point two three four in English)
    assert input_value(german, "reorder_point") == "1.234,000"
    assert input_value(english, "reorder_point") == "1,234.000"
    assert input_value(german, "unit_cost") == "1,2340"
    assert input_value(english, "unit_cost") == "1.2340"


# --- read back -----------------------------------------------------------------------------

@pytest.mark.parametrize("locale, typed, expected", [
    ("de", "1.234,56", "1234.56"), ("de", "1234,56", "1234.56"), ("de", "4.100", None),
    ("de", "0", "0.00"), ("de", "1.000.000,00", "1000000.00"),
    ("en", "1,234.56", "1234.56"), ("en", "1234.56", "1234.56"), ("en", "4,100", None),
    ("en", "0", "0.00"), ("en", "1,000,000.00", "1000000.00"),
])
def test_monthly_gross_read_in_the_page_language(client, login, locale, typed, expected):
    emp = make_employee(monthly_gross=Decimal("3850.00"))
    login("hr")
    response = submit(client, f"/admin/employees/edit/?id={emp.pk}",
                      {"monthly_gross": typed}, locale)
    stored = Employee.objects.get(pk=emp.pk).monthly_gross
    if expected is None:  # ambiguous: refused, nothing saved
        assert response.status_code == 200
        assert stored == Decimal("3850.00")
    else:
        assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
        assert stored == Decimal(expected)


@pytest.mark.parametrize("locale, typed, message", [
    ("de", "4.100", "„4.100“ ist mehrdeutig. Bitte 4100 (ohne Tausenderpunkt) oder 4,100 "
                    "schreiben."),
    ("en", "4,100", "“4,100” is ambiguous. Please write 4100 (without the thousands comma) "
                    "or 4.100."),
    ("de", "4100.50", "„4100.50“ ist keine gültige Zahl. Bitte so schreiben: 1234,56 oder "
                      "1.234,56."),
    ("en", "4100,50", "“4100,50” is not a valid number. Please write it like 1234.56 or "
                      "1,234.56."),
    ("de", "41.00,50", "„41.00,50“ ist keine gültige Zahl. Bitte so schreiben: 1234,56 oder "
                       "1.234,56."),
    ("en", "41,00.50", "“41,00.50” is not a valid number. Please write it like 1234.56 or "
                       "1,234.56."),
    ("de", "4100,505", "Höchstens 2 Nachkommastellen, z. B. 4.100,51."),
    ("en", "4100.505", "At most 2 decimal places, e.g. 4,100.51."),
    ("de", "-1,00", "Mindestens 0."),
    ("en", "-1.00", "At least 0."),
    ("de", "1.000.000,01", "Höchstens 1.000.000."),
    ("en", "1,000,000.01", "At most 1,000,000."),
])
def test_refused_entry_says_what_to_write_and_saves_nothing(client, login, locale, typed,
                                                           message):
    emp = make_employee(monthly_gross=Decimal("3850.00"))
    login("hr")
    response = submit(client, f"/admin/employees/edit/?id={emp.pk}",
                      {"monthly_gross": typed}, locale)
    assert response.status_code == 200
    assert message in html.unescape(response.get_data(as_text=True))
    assert Employee.objects.get(pk=emp.pk).monthly_gross == Decimal("3850.00")


@pytest.mark.parametrize("locale, typed, expected", [
    ("de", "-0,88", "-0.88"), ("en", "-0.88", "-0.88"),
    ("de", "-1.234,5", "-1234.50"), ("en", "-1,234.5", "-1234.50"), ("de", "0", "0.00"),
])
def test_negative_figures_where_allowed(client, login, locale, typed, expected):
    """The base rate may be negative (it was, 2013-2022)."""
    from datetime import date

    rate = BaseRate(valid_from=date(2026, 1, 1), rate=Decimal("1.27")).save()
    login("finance")
    response = submit(client, f"/admin/base_rates/edit/?id={rate.pk}", {"rate": typed}, locale)
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    assert BaseRate.objects.get(pk=rate.pk).rate == Decimal(expected)


# --- a form opened and saved unchanged keeps every value ------------------------------------

@pytest.mark.parametrize("locale", ("de", "en"))
def test_stock_item_saved_unchanged_keeps_its_figures(client, login, locale):
    item = make_stock_item(reorder_point=Decimal("1234"), reorder_qty=Decimal("1.234"),
                           unit_cost=Decimal("1234.5678"))
    login("warehouse")
    response = submit(client, f"/admin/stock/edit/?id={item.pk}", {}, locale)
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    saved = StockItem.objects.get(pk=item.pk)
    assert (saved.reorder_point, saved.reorder_qty, saved.unit_cost) == (
        Decimal("1234"), Decimal("1.234"), Decimal("1234.5678"))


@pytest.mark.parametrize("locale", ("de", "en"))
def test_employee_saved_unchanged_keeps_its_figures(client, login, locale):
    emp = make_employee(monthly_gross=Decimal("1234.00"), child_allowances=Decimal("1.5"),
                        health_insurance_addon=Decimal("2.5"), weekly_hours=Decimal("38.5"))
    login("hr")
    response = submit(client, f"/admin/employees/edit/?id={emp.pk}", {}, locale)
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    saved = Employee.objects.get(pk=emp.pk)
    assert (saved.monthly_gross, saved.child_allowances, saved.health_insurance_addon,
            saved.weekly_hours) == (Decimal("1234.00"), Decimal("1.5"), Decimal("2.5"),
                                    Decimal("38.5"))


@pytest.mark.parametrize("locale, price, quantity", [
    ("de", "1.234,5678", "1.234,5"), ("en", "1,234.5678", "1,234.5")])
def test_invoice_line_figures_in_the_page_language(client, login, locale, price, quantity):
    from models import Customer, Invoice
    from tests.factories import make_customer

    customer = make_customer()
    login("finance")
    page = client.get("/admin/invoice/new/", headers=HEADERS[locale]).get_data(as_text=True)
    response = client.post("/admin/invoice/new/", headers=HEADERS[locale], data={
        "csrf_token": csrf_token_from(page.encode()), "customer": str(customer.pk),
        "issue_date": "2026-04-02", "service_date": "2026-03-31",
        "payment_terms": "Zahlbar in 14 Tagen", "payment_days": "14",
        "lines-0-description": "Regal", "lines-0-quantity": quantity, "lines-0-unit": "Stk",
        "lines-0-unit_price": price, "lines-0-vat_rate": "19"})
    assert response.status_code == 302, html.unescape(response.get_data(as_text=True))[-3000:]
    line = Invoice.objects.get(customer=customer).lines[0]
    assert (line.unit_price, line.quantity) == (Decimal("1234.5678"), Decimal("1234.5"))
    assert Customer.objects.count() == 1
