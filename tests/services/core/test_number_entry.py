"""Typed-in numbers read in the page's format only (issue 20): the values below are
written out by hand, each rule tried from both sides."""
from decimal import Decimal

import pytest

from services.core.values import NumberEntryError, parse_number_as_written

GERMAN, ENGLISH = ",", "."


@pytest.mark.parametrize("text, expected", [
    ("1.234,56", "1234.56"), ("1234,56", "1234.56"), ("1234", "1234"), ("0", "0"),
    ("0,5", "0.5"), (",5", "0.5"), ("-1.234,56", "-1234.56"), ("+12,5", "12.5"),
    ("1.234.567,8", "1234567.8"), ("1.234.567", "1234567"), ("1,234", "1.234"),
    ("  12,50 €", "12.50"), ("-0,00", "0.00"), ("\u22121,5", "-1.5"),
])
def test_german_page_reads_german_figures(text, expected):
    assert parse_number_as_written(text, GERMAN) == Decimal(expected)


@pytest.mark.parametrize("text, expected", [
    ("1,234.56", "1234.56"), ("1234.56", "1234.56"), ("1234", "1234"), ("0", "0"),
    ("0.5", "0.5"), ("-1,234.56", "-1234.56"), ("1,234,567.8", "1234567.8"),
    ("1,234,567", "1234567"), ("1.234", "1.234"), ("€1,234.56", "1234.56"),
])
def test_english_page_reads_english_figures(text, expected):
    assert parse_number_as_written(text, ENGLISH) == Decimal(expected)


@pytest.mark.parametrize("text, mark", [
    ("1.234", GERMAN), ("12.345", GERMAN), ("-999.000", GERMAN),
    ("1,234", ENGLISH), ("12,345", ENGLISH),
])
def test_one_group_of_three_in_the_other_mark_is_ambiguous(text, mark):
    with pytest.raises(NumberEntryError) as caught:
        parse_number_as_written(text, mark)
    assert caught.value.ambiguous


@pytest.mark.parametrize("text, mark", [
    ("1234.56", GERMAN),       # the English decimal point on a German page
    ("12.34,5", GERMAN),       # thousands separator in the wrong place
    ("1.2345,6", GERMAN), ("1.234.56", GERMAN), ("0.123", GERMAN), ("1,234.56", GERMAN),
    ("12,34,56", GERMAN), ("1.234,", GERMAN), ("-", GERMAN), (",", GERMAN), ("abc", GERMAN),
    ("1 234,5", GERMAN), ("1e3", GERMAN),
    ("1234,56", ENGLISH), ("12,34.5", ENGLISH), ("1.234,56", ENGLISH), ("1,23", ENGLISH),
])
def test_malformed_figures_are_refused(text, mark):
    with pytest.raises(NumberEntryError) as caught:
        parse_number_as_written(text, mark)
    assert not caught.value.ambiguous
