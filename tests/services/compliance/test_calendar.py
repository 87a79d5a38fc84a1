"""Statutory due dates around weekends, holidays and month ends, worked out by hand."""
from datetime import date

import pytest

from models.compliance import ComplianceSettings
from services.compliance.calendar import statutory_items
from services.compliance.days import next_working_day, nth_last_banking_day

D = date


def _due(settings, key, start=D(2025, 12, 1), end=D(2028, 12, 31)):
    found = {i.key: i.due for i in statutory_items(start, end, settings)}
    return found[key]


MONTHLY = ComplianceSettings(vat_return_interval="monthly", wage_tax_interval="monthly",
                             ec_sales_list_interval="monthly")


@pytest.mark.parametrize("key, due", [
    ("ustva:02/2026", D(2026, 3, 10)),     # a Tuesday
    ("ustva:03/2026", D(2026, 4, 10)),     # Friday after Easter week: no shift
    ("ustva:04/2026", D(2026, 5, 11)),     # 10 May 2026 is a Sunday (§ 108 (3) AO)
    ("ustva:12/2026", D(2027, 1, 11)),     # 10 Jan 2027 is a Sunday
    ("lsta:11/2026", D(2026, 12, 10)),
    ("lsta:12/2026", D(2027, 1, 11)),
    ("zm:04/2026", D(2026, 5, 26)),        # 25 May 2026 is Whit Monday
    ("zm:11/2026", D(2026, 12, 28)),       # 25 Dec (Fri) holiday, 26/27 weekend
    ("zm:12/2026", D(2027, 1, 25)),
    ("wage_tax_certificates:2025", D(2026, 3, 2)),   # 28 Feb 2026 is a Saturday
    ("wage_tax_certificates:2026", D(2027, 3, 1)),   # 28 Feb 2027 is a Sunday
    ("tax_returns:2026", D(2027, 8, 2)),   # 31 Jul 2027 is a Saturday
    ("annual_accounts:2026", D(2027, 6, 30)),        # HGB period: not shifted
    ("disclosure:2025", D(2026, 12, 31)),
])
def test_monthly_filer(key, due):
    assert _due(MONTHLY, key) == due


def test_permanent_extension_adds_one_month_then_shifts():
    extended = ComplianceSettings(vat_return_interval="monthly", permanent_extension=True)
    assert _due(extended, "ustva:03/2026") == D(2026, 5, 11)   # 10 May 2026: Sunday
    assert _due(extended, "ustva:01/2026") == D(2026, 3, 10)
    # the extension is for VAT only: the wage tax return stays on the 10th
    assert _due(extended, "lsta:03/2026") == D(2026, 4, 10)


def test_quarterly_filer():
    quarterly = ComplianceSettings(vat_return_interval="quarterly", wage_tax_interval="yearly")
    assert _due(quarterly, "ustva:Q4/2026") == D(2027, 1, 11)
    assert _due(quarterly, "ustva:Q1/2026") == D(2026, 4, 10)
    keys = {i.key for i in statutory_items(D(2026, 1, 1), D(2026, 12, 31), quarterly)}
    assert not any(k.startswith("ustva:0") for k in keys)  # no monthly periods
    assert "lsta:2025" in keys and "lsta:12/2025" not in keys
    extended = ComplianceSettings(vat_return_interval="quarterly", permanent_extension=True)
    assert _due(extended, "ustva:Q4/2026") == D(2027, 2, 10)


def test_no_ec_sales_list_when_there_are_no_eu_supplies():
    keys = {i.key for i in statutory_items(D(2026, 1, 1), D(2026, 12, 31),
                                           ComplianceSettings(ec_sales_list_interval="none"))}
    assert not any(k.startswith("zm:") for k in keys)


# The social-security due days and contribution-statement days of 2026 as published by the
# health insurance funds: third-last and fifth-last banking day, 24 and 31 Dec not counting.
SV_DUE_2026 = (28, 25, 27, 28, 27, 26, 29, 27, 28, 28, 26, 28)
SV_REPORT_2026 = (26, 23, 25, 24, 22, 24, 27, 25, 24, 26, 24, 22)


@pytest.mark.parametrize("month", range(1, 13))
def test_social_security_days_of_2026(month):
    assert _due(MONTHLY, f"sv_due:{month:02d}/2026") == D(2026, month, SV_DUE_2026[month - 1])
    assert _due(MONTHLY, f"sv_report:{month:02d}/2026") == \
        D(2026, month, SV_REPORT_2026[month - 1])


def test_social_security_around_easter_2027():
    # Good Friday 26 Mar, Easter Monday 29 Mar 2027: 31 (1), 30 (2), 25 (3), 24 (4), 23 (5)
    assert nth_last_banking_day(2027, 3, 3) == D(2027, 3, 25)
    assert nth_last_banking_day(2027, 3, 5) == D(2027, 3, 23)


def test_next_working_day_with_a_land_s_holidays():
    assert next_working_day(D(2026, 1, 6)) == D(2026, 1, 6)          # not a nationwide holiday
    assert next_working_day(D(2026, 1, 6), "BY") == D(2026, 1, 7)    # Epiphany in Bavaria
    assert next_working_day(D(2025, 10, 31), "SN") == D(2025, 11, 3)  # Reformation Day, weekend
    assert next_working_day(D(2025, 10, 31), "BY") == D(2025, 10, 31)
    assert next_working_day(D(2026, 12, 24)) == D(2026, 12, 24)      # a working day under § 108


def test_a_period_due_in_range_is_listed_once_and_only_in_range():
    items = statutory_items(D(2026, 5, 1), D(2026, 5, 31), MONTHLY)
    keys = [i.key for i in items]
    assert len(keys) == len(set(keys))
    assert all(D(2026, 5, 1) <= i.due <= D(2026, 5, 31) for i in items)
    assert {"ustva:04/2026", "lsta:04/2026", "zm:04/2026", "sv_due:05/2026",
            "sv_report:05/2026"} <= set(keys)
