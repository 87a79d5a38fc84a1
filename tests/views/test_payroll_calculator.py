"""The HR calculator screen, paying a run's liabilities from the run screen, health funds."""
from decimal import Decimal as D

import mongoengine as me
import pytest

from models.health_fund import HealthFund
from models.ledger import JournalEntry
from models.payroll import PayrollRun
from tests.views.test_payroll_runs import post, staff, start_run, step


def test_calculator_shows_every_component(client, login):
    login("hr")
    assert client.get("/payroll/calculator").status_code == 200
    page = post(client, "/payroll/calculator", {
        "year": "2026", "month": "3", "gross": "1.000,00", "tax_class": "1",
        "children_under_25": "1", "state": "NW", "health_fund": "98094032",
        "health_addon_rate": "2,9"}).get_data(as_text=True)
    # Übergangsbereich at 1,000 € (see tests/services/payroll/test_midijob_minijob.py):
    # KV AN 49.73, RV AN 52.86, AV AN 7.39, PV AN 10.23; employer KV 99.73, RV 106.00
    for amount in ("49,73 €", "52,86 €", "7,39 €", "10,23 €", "99,73 €", "106,00 €"):
        assert amount in page, amount
    assert "Auszahlungsbetrag" in page and "Übergangsbereich" in page
    refused = post(client, "/payroll/calculator", {
        "year": "2026", "month": "3", "gross": "700", "tax_class": "1",
        "minijob": "1"}).get_data(as_text=True)
    assert "Minijob nur bis" in refused and 'id="result"' not in refused


def test_calculator_is_for_hr_only(client, login):
    login("warehouse")
    assert client.get("/payroll/calculator").status_code == 403


def test_paying_liabilities_from_the_run_screen(client, login):
    login("hr")
    staff()
    run = step(client, step(client, step(client, start_run(client), "calculate"),
                            "approve"), "post")
    page = client.get(f"/payroll/runs/{run.pk}").get_data(as_text=True)
    assert "Zahlung buchen" in page and "Minijob-Zentrale" in page
    response = post(client, f"/payroll/runs/{run.pk}/pay/net", {"date": "2026-04-01"})
    assert response.status_code == 302
    run = PayrollRun.objects.get(pk=run.pk)
    entry = JournalEntry.objects.get(pk=run.payments["net"])
    assert entry.date.isoformat() == "2026-04-01" and entry.total_debit == run.totals.net
    assert {ln.account for ln in entry.lines} == {"1740", "1200"}
    post(client, f"/payroll/runs/{run.pk}/pay/net", {"date": "2026-04-02"})
    assert JournalEntry.objects(source="payroll").count() == 2  # paid once


def test_health_funds_seeded_and_checked(app, client, login):
    assert HealthFund.objects(betriebsnummer="15027365").first().name == \
        "Techniker Krankenkasse"
    with pytest.raises(me.ValidationError, match="gültiger Prüfziffer"):
        HealthFund(name="Falsch", betriebsnummer="15027366", addon_rate=D("2.5"),
                   u1_rate=D("1"), u2_rate=D("0.3")).save()
    login("hr")
    assert "Techniker" in client.get("/admin/health_funds/").get_data(as_text=True)
