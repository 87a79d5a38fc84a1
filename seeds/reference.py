"""Reference data every installation needs: chart of accounts, document categories."""
import csv
from pathlib import Path

from models.archive import DocumentCategory, RetentionRule
from models.invoice import VatRate
from models.ledger import Account
from seeds.payroll import seed_health_funds, seed_payroll_parameters
from services.core.messages import N_  # the names are shown translated (hr screens)
from services.ledger.charts import CHARTS, DEFAULT_CHART, chart_in_use

DATA = Path(__file__).resolve().parent / "data"

DOCUMENT_CATEGORIES = (
    ("books", "Books, journals, annual statements", ("admin", "finance", "auditor")),
    ("invoice", "Invoices (issued and received)", ("admin", "finance", "auditor")),
    ("voucher", "Booking vouchers", ("admin", "finance", "auditor")),
    ("payslip", "Payslips", ("admin", "hr")),
    ("payroll_account", "Payroll accounts (Lohnkonto)", ("admin", "hr")),
    ("application", "Applicant documents", ("admin", "hr")),
    ("talent_pool", "Talent pool (applicant's consent)", ("admin", "hr")),
    ("personnel_file", "Personnel files", ("admin", "hr")),
    ("letter", "Business letters", ("admin", "finance", "hr", "warehouse", "support",
                                    "auditor")),
    ("delivery_note", "Delivery notes", ("admin", "finance", "warehouse", "auditor")),
    ("it", "IT documentation", ("admin", "support")),
    ("invoice_in", "Supplier invoices (originals as received)", ("admin", "finance", "auditor")),
)

# (category, period, unit, start rule, legal basis) — see shared domain facts.
RETENTION_RULES = (
    ("books", 10, "years", "year_end", "AO §147 (1) Nr. 1, (3); HGB §257 (4)"),
    ("invoice", 8, "years", "year_end", "AO §147 (3); UStG §14b (BEG IV, from 2025)"),
    ("invoice_in", 8, "years", "year_end", "AO §147 (3); UStG §14b (received e-invoice XML)"),
    ("voucher", 8, "years", "year_end", "AO §147 (3); HGB §257 (4) (BEG IV, from 2025)"),
    ("payslip", 8, "years", "year_end", "AO §147 (3): payslips used as booking vouchers"),
    # Document date = the last wage payment: kept to the end of the 6th following year.
    ("payroll_account", 6, "years", "year_end", "EStG §41 (1)"),
    ("letter", 6, "years", "year_end", "AO §147 (1) Nr. 2, 3, (3)"),
    ("delivery_note", 6, "years", "year_end", "AO §147 (1) Nr. 5 (other tax documents)"),
    # Document date = the rejection: the AGG §15 (4) claim period plus filing time.
    ("application", 6, "months", "document_date", "AGG §15 (4), ArbGG §61b; GDPR Art. 17"),
    # Document date = the rejection (or set so that the period ends on the consent's end).
    ("talent_pool", 12, "months", "document_date", "GDPR Art. 6 (1) a, Art. 7: consent"),
)


class ChartMismatchError(ValueError):
    """A second chart of accounts was asked for where the books use another."""


def chosen_chart(chart: str | None) -> str:
    """The chart to seed: the one in use, or the one asked for on a fresh installation."""
    in_use = chart_in_use()
    if chart is not None and chart.upper() not in CHARTS:
        raise ChartMismatchError(f"unknown chart of accounts {chart!r}; use SKR03 or SKR04")
    if in_use and chart and chart.upper() != in_use:
        raise ChartMismatchError(
            f"the books already use {in_use}; {chart.upper()} cannot be added (the same "
            "numbers mean different accounts in the two charts)")
    return in_use or (chart or DEFAULT_CHART).upper()


def seed_chart_of_accounts(chart: str | None = None) -> int:
    """Insert the accounts of a chart that are missing; return how many were added."""
    chart = chosen_chart(chart)
    with open(DATA / f"{chart.lower()}.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    existing = set(Account.objects.scalar("number"))
    missing = [Account(number=row["number"], name=row["name"], type=row["type"],
                       vat_key=row["vat_key"] or None, chart=chart)
               for row in rows if row["number"] not in existing]
    for account in missing:
        account.validate()
    if missing:
        # A concurrent seed may insert the same numbers; the unique index keeps one.
        Account.objects.insert(missing, load_bulk=False)
    return len(missing)


def seed_document_categories() -> int:
    """Insert the missing document categories; return how many were added."""
    added = 0
    for code, name, roles in DOCUMENT_CATEGORIES:
        if not DocumentCategory.objects(code=code).first():
            DocumentCategory(code=code, name=name, read_roles=list(roles)).save()
            added += 1
    return added


def seed_retention_rules() -> int:
    """Insert the missing retention rules (an admin's later edits are kept).

    Then bring every file's keep-until date in line with the rules (files archived
    before the rules existed get theirs here; unchanged files are not written).
    """
    from services.archive.retention_rules import refresh_category

    added = 0
    for code, period, unit, start, basis in RETENTION_RULES:
        if not RetentionRule.objects(pk=code).first():
            RetentionRule(category=code, period=period, unit=unit, start=start,
                          legal_basis=basis).save()
            added += 1
    for code in DocumentCategory.objects.scalar("code"):
        refresh_category(code)
    return added


def seed_vat_rates(chart: str | None = None) -> int:
    """Insert the VAT rates that are missing; give older ones the legal data they lack.

    Accounts of an existing rate are kept (the installation may have changed them); the
    category's legal data (VATEX code, UStVA line, wording, VAT ID and Kleinbetrag
    rules) is always set from the table.
    """
    chart = chosen_chart(chart)
    suffix = "" if chart == "SKR03" else f"_{chart.lower()}"
    with open(DATA / "vat_rates.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    existing = set(VatRate.objects.scalar("code"))
    added = 0
    for row in rows:
        legal = {"category": row["category"], "vatex": row["vatex"] or None,
                 "ustva_kz": row["ustva_kz"] or None, "invoice_text": row["invoice_text"] or None,
                 "needs_buyer_vat_id": row["needs_buyer_vat_id"] == "1",
                 "small_amount_allowed": row["small_amount_allowed"] == "1"}
        if row["code"] in existing:
            VatRate.objects(code=row["code"]).update(**{f"set__{k}": v for k, v in legal.items()})
            continue
        VatRate(code=row["code"], rate=row["rate"], label=row["label"],
                revenue_account=row[f"revenue_account{suffix}"],
                vat_account=row[f"vat_account{suffix}"] or None,
                tax_key=row["tax_key"] or None, **legal).save()
        added += 1
    return added


def migrate_units() -> int:
    """Rewrite stored units of stock items and draft invoices as Rec 20 codes; return how many.

    Issued invoices stay as they were issued (their XML already carries the code). A
    unit no alias matches is left for the clerk: saving the item then asks for one.
    """
    from models.invoice import Invoice
    from models.stock import StockItem
    from services.core.units import UnknownUnitError, unit_code, units

    known, changed = set(units()), 0
    for raw in StockItem._get_collection().find({"unit": {"$nin": list(known)}}, {"unit": 1}):
        try:
            code = unit_code(raw.get("unit"))
        except UnknownUnitError:
            continue
        changed += StockItem._get_collection().update_one(
            {"_id": raw["_id"], "unit": raw.get("unit")}, {"$set": {"unit": code}}).modified_count
    drafts = Invoice._get_collection().find(
        {"status": "draft", "lines.unit": {"$nin": list(known)}}, {"lines": 1})
    for raw in drafts:
        lines = [dict(line) for line in raw["lines"]]
        for line in lines:
            try:
                line["unit"] = unit_code(line.get("unit"))
            except UnknownUnitError:
                pass
        changed += Invoice._get_collection().update_one(
            {"_id": raw["_id"], "status": "draft", "lines": raw["lines"]},
            {"$set": {"lines": lines}}).modified_count
    return changed


def seed_sla_policies() -> int:
    """Insert the SLA targets of priorities that have none; return how many were added."""
    from models.sla import DEFAULT_SLA, SlaPolicy

    missing = [p for p in DEFAULT_SLA if not SlaPolicy.objects(priority=p[0]).first()]
    for priority, response, resolution in missing:
        SlaPolicy(priority=priority, response_minutes=response,
                  resolution_minutes=resolution).save()
    return len(missing)


# Absence types (issue 18): code, name, paid, counts against entitlement, needs approval,
# payroll treatment, certificate (AU/eAU) possible
ABSENCE_TYPES = (
    ("urlaub", N_("Urlaub"), True, True, True, "paid", False),
    ("krank", N_("Krankheit"), True, False, False, "sick", True),
    ("kind_krank", N_("Kinderkrankentage"), False, False, False, "benefit", True),
    ("sonderurlaub", N_("Sonderurlaub"), True, False, True, "paid", False),
    ("unbezahlt", N_("Unbezahlter Urlaub"), False, False, True, "unpaid", False),
    ("elternzeit", N_("Elternzeit"), False, False, True, "benefit", False),
    ("mutterschutz", N_("Mutterschutz"), False, False, False, "benefit", False),
    ("kurzarbeit", N_("Kurzarbeit"), False, False, False, "short_time", False),
    ("fortbildung", N_("Fortbildung"), True, False, True, "paid", False),
)


def seed_absence_types() -> int:
    """Insert the absence types and the leave policy that are missing; return how many."""
    from models.absence import AbsenceType, LeavePolicy

    added = 0
    for code, name, paid, counts, approval, treatment, certificate in ABSENCE_TYPES:
        if not AbsenceType.objects(code=code).first():
            AbsenceType(code=code, name=name, paid=paid, counts_against_entitlement=counts,
                        needs_approval=approval, payroll_treatment=treatment,
                        certificate_possible=certificate).save()
            added += 1
    if not LeavePolicy.objects(key="default").first():
        LeavePolicy(key="default").save()
    return added


# On- and offboarding checklists (issue 18): (title, responsible role, days from start/exit)
CHECKLISTS = (
    ("Eintritt", "onboarding", (
        ("Arbeitsvertrag unterschrieben", "hr", -14),
        ("Steuer-ID und SV-Nummer erfasst", "hr", -7),
        ("Krankenkasse gewählt", "hr", -7),
        ("IT-Konto und Ausstattung bereit", "support", -1),
        ("Schlüssel übergeben", "hr", 0),
        ("Erstunterweisung am ersten Tag", "hr", 0))),
    ("Austritt", "offboarding", (
        ("Ausstattung zurückgegeben", "support", 0),
        ("Zugänge gesperrt", "support", 0),
        ("Letzte Lohnabrechnung", "hr", 0),
        ("Arbeitszeugnis", "hr", 14),
        ("Arbeitsbescheinigung", "hr", 14))),
)


def seed_checklists() -> int:
    """Insert the default checklist templates that are missing; return how many."""
    from models.checklist import ChecklistItem, ChecklistTemplate

    added = 0
    for name, kind, items in CHECKLISTS:
        if not ChecklistTemplate.objects(name=name).first():
            ChecklistTemplate(name=name, kind=kind, items=[
                ChecklistItem(title=t, responsible_role=r, due_offset_days=d)
                for t, r, d in items]).save()
            added += 1
    return added


# Base rate of § 247 BGB as published by the Deutsche Bundesbank (valid from, percent).
# A rate stays in force until the next one; enter each new value on 1 January / 1 July.
BASE_RATES = (("2023-01-01", "1.62"), ("2023-07-01", "3.12"), ("2024-01-01", "3.62"),
              ("2024-07-01", "3.37"), ("2025-01-01", "2.27"), ("2025-07-01", "1.27"))
DUNNING_LEVELS = (
    (1, 7, "Zahlungserinnerung", "0.00", False,
     "sicher ist Ihnen entgangen, dass die unten aufgeführten Posten fällig sind. Bitte "
     "überweisen Sie die offene Summe in den nächsten Tagen."),
    (2, 21, "1. Mahnung", "5.00", True,
     "leider konnten wir bis heute keinen Zahlungseingang feststellen. Bitte überweisen Sie "
     "die offene Summe mit Mahngebühr und Verzugszinsen innerhalb von 7 Tagen."),
    (3, 35, "2. Mahnung", "10.00", True,
     "trotz unserer Mahnung ist die Summe noch offen. Bitte überweisen Sie sie innerhalb von "
     "7 Tagen; danach übergeben wir die Forderung ohne weitere Ankündigung."),
)


def seed_dunning() -> int:
    """Insert the missing base rates and, on a fresh installation, default dunning levels."""
    from datetime import date
    from decimal import Decimal

    from models.dunning import BaseRate, DunningLevel

    added = 0
    known = set(BaseRate.objects.scalar("valid_from"))
    for valid_from, rate in BASE_RATES:
        day = date.fromisoformat(valid_from)
        if day not in known:
            BaseRate(valid_from=day, rate=Decimal(rate)).save()
            added += 1
    if not DunningLevel.objects.count():
        for level, days, title, fee, interest, text in DUNNING_LEVELS:
            DunningLevel(level=level, days_after_due=days, title=title, fee=Decimal(fee),
                         charge_interest=interest, text=f"Sehr geehrte Damen und Herren,\n{text}"
                         ).save()
            added += 1
    return added


def seed_reference(chart: str | None = None) -> dict:
    """Load every kind of reference data; safe to run any number of times.

    `chart` (SKR03 or SKR04) only matters on a fresh installation; later runs keep the
    chart in use and refuse a different one.
    """
    chart = chosen_chart(chart)
    return {"accounts": seed_chart_of_accounts(chart),
            "document_categories": seed_document_categories(),
            "retention_rules": seed_retention_rules(),
            "sla_policies": seed_sla_policies(),
            "payroll_parameters": seed_payroll_parameters(),
            "health_funds": seed_health_funds(),
            "absence_types": seed_absence_types(), "checklists": seed_checklists(),
            "vat_rates": seed_vat_rates(chart), "units_migrated": migrate_units(),
            "processing_activities": _seed_privacy(), "dunning": seed_dunning()}


def _seed_privacy() -> int:
    from seeds.privacy import seed_processing_activities

    return seed_processing_activities()
