"""`flask payroll calc --json`: the fixed output contract, against hand-worked figures."""
import json
from decimal import Decimal as D

import pytest

from services.payroll.calculator import KEYS

BASE = ["payroll", "calc", "--year", "2026", "--month", "3", "--tax-class", "1"]


def calc(runner, *args):
    result = runner.invoke(args=[*BASE, *args, "--json"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1  # exactly one JSON object
    return json.loads(lines[0])


def test_json_has_exactly_the_contract_keys_as_two_decimal_strings(runner):
    out = calc(runner, "--gross", "4000")
    assert list(out) == list(KEYS) and len(KEYS) == 18
    assert all(isinstance(v, str) and v.split(".")[1].__len__() == 2 for v in out.values())
    # 4000 × 9.3 / 1.3 / (7.3 + 1.45) %; PV 1.8 % + 0.6 % childless needs a birth date
    assert (out["pension_employee"], out["unemployment_employee"], out["health_employee"],
            out["care_employee"]) == ("372.00", "52.00", "350.00", "72.00")
    assert out["u3"] == "6.00" and out["minijob_flat_tax"] == "0.00"
    employer = sum(D(out[k]) for k in ("health_employer", "care_employer", "pension_employer",
                                       "unemployment_employer", "minijob_flat_tax", "u1",
                                       "u2", "u3"))
    assert D(out["employer_total"]) == D("4000.00") + employer
    deductions = sum(D(out[k]) for k in ("wage_tax", "solidarity", "church_tax",
                                         "health_employee", "care_employee",
                                         "pension_employee", "unemployment_employee"))
    assert D(out["net"]) == D("4000.00") - deductions


def test_midijob_thousand_euro_with_one_child(runner):
    out = calc(runner, "--gross", "1000.00", "--children-under-25", "1",
               "--health-addon-rate", "2.9")
    # domain-facts' worked example: employee 120.21, employer 241.07
    employee = sum(D(out[k]) for k in ("health_employee", "care_employee", "pension_employee",
                                       "unemployment_employee"))
    employer = sum(D(out[k]) for k in ("health_employer", "care_employer", "pension_employer",
                                       "unemployment_employer"))
    assert (employee, employer) == (D("120.21"), D("241.07"))
    assert out["u3"] == "1.50"  # on the actual wage


def test_minijob_flags_and_health_fund_levies(runner):
    out = calc(runner, "--gross", "603", "--minijob", "--health-fund", "98000006")
    assert (out["pension_employee"], out["pension_employer"], out["health_employer"]) == (
        "21.71", "90.45", "78.39")
    assert (out["minijob_flat_tax"], out["u1"], out["u2"], out["u3"]) == (
        "12.06", "4.82", "1.33", "0.90")
    assert out["wage_tax"] == "0.00" and out["net"] == "581.29"
    exempt = calc(runner, "--gross", "603", "--minijob", "--pension-exempt")
    assert exempt["pension_employee"] == "0.00" and exempt["net"] == "603.00"
    pkv = calc(runner, "--gross", "450", "--minijob", "--private-health", "300")
    assert pkv["health_employer"] == "0.00"  # no 13 % for the privately insured


def test_fund_rates_church_tax_saxony_and_private(runner):
    tk = calc(runner, "--gross", "3000", "--health-fund", "15027365", "--state", "SN",
              "--church-tax", "ev", "--birth-date", "1990-05-05", "--children-under-25", "1")
    from models.health_fund import HealthFund

    fund = HealthFund.objects.get(betriebsnummer="15027365")
    half = (D("14.6") + fund.addon_rate) / 2
    assert D(tk["health_employee"]) == (D("3000") * half / 100).quantize(D("0.01"))
    assert D(tk["u1"]) == (D("3000") * fund.u1_rate / 100).quantize(D("0.01"))
    assert (tk["care_employee"], tk["care_employer"]) == ("69.00", "39.00")  # 2.3 / 1.3 %
    assert D(tk["church_tax"]) > 0
    private = calc(runner, "--gross", "7000", "--private-health", "600",
                   "--private-care", "80")
    assert (private["health_employee"], private["health_employer"],
            private["care_employer"]) == ("0.00", "300.00", "40.00")


@pytest.mark.parametrize("args,message", [
    (["--gross", "700", "--minijob"], "Minijob nur bis"),
    (["--gross", "3000", "--pension-exempt"], "nur im Minijob"),
    (["--gross", "3000", "--church-tax", "xx"], "Konfession"),
    (["--gross", "3000", "--health-fund", "12345678"], "nicht angelegt"),
    (["--gross", "5000", "--private-health", "500"], "Versicherungspflichtgrenze"),
    (["--gross", "abc"], "keine Zahl"),
])
def test_refusals_name_what_to_fix(runner, args, message):
    result = runner.invoke(args=[*BASE, *args, "--json"])
    assert result.exit_code != 0 and message in result.output
