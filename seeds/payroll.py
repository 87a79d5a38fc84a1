"""Payroll parameters by validity period (domain-facts.md, "Payroll parameters 2026")."""
import csv
from datetime import date
from pathlib import Path
from decimal import Decimal as D

from models.health_fund import HealthFund
from models.payroll import PayrollParameters

HEALTH_FUNDS = Path(__file__).resolve().parent / "data" / "health_funds.csv"

PARAMETERS = (
    dict(valid_from=date(2026, 1, 1), valid_to=date(2026, 12, 31),
         pension_rate=D("18.6"), unemployment_rate=D("2.6"),
         health_general_rate=D("14.6"), health_average_addon=D("2.9"),
         care_rate=D("3.6"), care_employer_rate_saxony=D("1.3"),
         care_childless_surcharge=D("0.6"), care_childless_min_age=23,
         care_child_reduction=D("0.25"), care_child_reduction_max_children=5,
         insolvency_rate=D("0.15"),
         ceiling_pension=D("8450.00"), ceiling_health=D("5812.50"),
         minijob_limit=D("603.00"), minijob_pension_rate=D("15"),
         minijob_health_rate=D("13"), minijob_flat_tax_rate=D("2"),
         church_tax_rate=D("9"), church_tax_rate_reduced=D("8"),
         church_tax_reduced_states=["BW", "BY"],
         midijob_upper_limit=D("2000.00"), midijob_factor_f=D("0.6619"),
         midijob_total_factor=D("1.145937223"), midijob_total_offset=D("291.8744452"),
         midijob_employee_factor=D("1.431639227"), midijob_employee_offset=D("863.2784538"),
         minijob_pension_min_base=D("175.00"), minijob_u1_rate=D("0.8"),
         minijob_u2_rate=D("0.22"), health_insurance_threshold=D("6450.00"),
         note="2026: SGB IV/V/VI/XI rates, Sozialversicherungsrechengrößen-VO 2026; "
              "mini-job flat rates §§ 168 SGB VI, 249b SGB V, § 40a EStG; "
              "Übergangsbereich § 20 (2a) SGB IV, F = 0.6619"),
)


def seed_payroll_parameters() -> int:
    """Insert the parameter periods that are missing; return how many were added.

    A period stored before a parameter existed gets the missing values (only those: a
    value an administrator changed stays as it is).
    """
    added = 0
    for values in PARAMETERS:
        existing = PayrollParameters.objects(valid_from=values["valid_from"]).first()
        if not existing:
            PayrollParameters(**values).save()
            added += 1
            continue
        for name, value in values.items():
            if getattr(existing, name) is None:
                PayrollParameters.objects(pk=existing.pk, **{f"{name}__exists": False}).update(
                    **{f"set__{name}": value})
    return added


def seed_health_funds() -> int:
    """Insert the health funds of seeds/data/health_funds.csv that are missing."""
    with open(HEALTH_FUNDS, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    existing = set(HealthFund.objects.scalar("betriebsnummer"))
    added = 0
    for row in rows:
        if row["betriebsnummer"] in existing:
            continue
        HealthFund(name=row["name"], betriebsnummer=row["betriebsnummer"],
                   addon_rate=D(row["addon_rate"]), u1_rate=D(row["u1_rate"]),
                   u2_rate=D(row["u2_rate"]), note=row["note"]).save()
        added += 1
    return added
