"""German display formats."""
from datetime import date
from decimal import Decimal

import pytest

from services.core.formatting import format_date_de, format_decimal_de, format_money_de


@pytest.mark.parametrize("value,places,text", [
    (Decimal("1234.5"), 2, "1.234,50"),
    (Decimal("0.005"), 2, "0,01"),  # commercial rounding, not banker's
    (Decimal("-1234567.891"), 2, "-1.234.567,89"),
    (Decimal("12.3456"), 4, "12,3456"),
    (Decimal("0"), 2, "0,00"),
])
def test_format_decimal_de(value, places, text):
    assert format_decimal_de(value, places) == text


def test_money_and_date():
    assert format_money_de(Decimal("1234.56")) == "1.234,56 €"
    assert format_date_de(date(2026, 12, 31)) == "31.12.2026"


def test_letterhead_uses_the_company_master_data(app):
    from services.core.pdf import DEFAULT_COMPANY, company_letterhead
    from tests.factories import make_company

    assert company_letterhead() == DEFAULT_COMPANY
    make_company(name="Müller & Söhne GmbH", postal_code="80331", city="München")
    head = company_letterhead()
    assert head["name"] == "Müller & Söhne GmbH" and head["city"] == "80331 München"
