"""The dated parameter table: seeded for 2026, looked up by month, edited by admin only."""
from datetime import date
from decimal import Decimal as D

import pytest

from models.payroll import PayrollParameters
from services.core.errors import BusinessRuleError
from services.payroll.rates import rates_for_month


def test_seeded_2026_parameters_are_found_for_every_month(app):
    for month in range(1, 13):
        rates = rates_for_month(2026, month)
        assert rates.ceiling_pension == D("8450.00") and rates.ceiling_health == D("5812.50")
    assert rates.minijob_limit == D("603.00") and rates.minijob_flat_tax_rate == D("2")
    assert rates.church_tax_reduced_states == ("BW", "BY")


def test_month_without_parameters_tells_what_to_do(app):
    with pytest.raises(BusinessRuleError, match="no payroll parameters cover 01/2027"):
        rates_for_month(2027, 1)


def test_a_new_period_takes_over_from_its_start(app):
    old = PayrollParameters.objects.get(valid_from=date(2026, 1, 1))
    old.valid_to = date(2026, 6, 30)
    old.save()
    new = PayrollParameters(**{k: old[k] for k in old._fields
                               if k not in ("id", "valid_from", "valid_to")})
    new.valid_from, new.ceiling_health = date(2026, 7, 1), D("6000.00")
    new.save()
    assert rates_for_month(2026, 6).ceiling_health == D("5812.50")
    assert rates_for_month(2026, 7).ceiling_health == D("6000.00")


def test_only_admin_edits_parameters(app, client, login):
    doc = PayrollParameters.objects.first()
    login("hr")
    assert client.get("/admin/payroll_parameters/").status_code == 200
    assert client.get(f"/admin/payroll_parameters/edit/?id={doc.pk}").status_code == 403
    login("admin")
    page = client.get(f"/admin/payroll_parameters/edit/?id={doc.pk}")
    assert page.status_code == 200 and "8.450,00" in page.get_data(as_text=True)  # 8450.00, German form
