"""Gross-to-net calculator for HR: one month's pay from a few inputs, every component.

The same calculation as the payroll run (services/payroll/calculation.py), with the
month's dated parameters and, when given, a health fund's add-on and U1/U2 rates.
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from services.core.errors import BusinessRuleError
from services.payroll.calculation import calculate_pay
from services.payroll.pay import DENOMINATIONS, EmployeePay, PayResult
from services.payroll.rates import rates_for_month

# The fixed output of `payroll calc --json`, in this order.
KEYS = ("gross", "wage_tax", "solidarity", "church_tax", "health_employee", "care_employee",
        "pension_employee", "unemployment_employee", "health_employer", "care_employer",
        "pension_employer", "unemployment_employer", "minijob_flat_tax", "u1", "u2", "u3",
        "net", "employer_total")
LABELS = ("Bruttolohn", "Lohnsteuer", "Solidaritätszuschlag", "Kirchensteuer",
          "Krankenversicherung AN", "Pflegeversicherung AN", "Rentenversicherung AN",
          "Arbeitslosenversicherung AN", "Krankenversicherung AG / PKV-Zuschuss",
          "Pflegeversicherung AG / PKV-Zuschuss", "Rentenversicherung AG",
          "Arbeitslosenversicherung AG", "Pauschsteuer Minijob (2 %)", "Umlage U1",
          "Umlage U2", "Insolvenzgeldumlage U3", "Auszahlungsbetrag",
          "Gesamtkosten Arbeitgeber")


@dataclass(frozen=True)
class CalcInput:
    """What HR types in; text values are parsed by `decimal` below."""

    year: int
    month: int
    gross: Decimal
    tax_class: int
    child_allowances: Decimal = Decimal("0")
    church_denomination: str | None = None
    state: str = "NW"
    birth_date: date | None = None
    children_under_25: int = 0
    health_addon_rate: Decimal | None = None
    health_fund: str | None = None
    minijob: bool = False
    pension_exempt: bool = False
    private_health: Decimal | None = None
    private_care: Decimal = Decimal("0")
    childless: bool | None = None


def decimal(text, what: str) -> Decimal:
    """Parse '1234.56' or '1.234,56' into a Decimal, or say what is wrong."""
    if isinstance(text, Decimal):
        return text
    raw = str(text).strip()
    if "," in raw:
        raw = raw.replace(".", "").replace(",", ".")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise BusinessRuleError(f"{what}: '{text}' ist keine Zahl (z. B. 1234,56)") from None
    if not value.is_finite() or value < 0:
        raise BusinessRuleError(f"{what}: '{text}' muss eine Zahl ab 0 sein")
    return value


def find_fund(key: str):
    """A health fund by id or Betriebsnummer."""
    from bson import ObjectId

    from models.health_fund import HealthFund

    fund = HealthFund.objects(betriebsnummer=key).first()
    if fund is None and ObjectId.is_valid(key):
        fund = HealthFund.objects(pk=key).first()
    if fund is None:
        raise BusinessRuleError(f"Krankenkasse '{key}' ist nicht angelegt (Betriebsnummer "
                                "oder Id, siehe HR › Health funds)")
    return fund


def _u1_applies() -> bool:
    from models.company import Company

    company = Company.current()
    return company.u1_levy if company is not None else True


def employee_for(data: CalcInput, rates) -> EmployeePay:
    """The calculation's input for a full month of the chosen year."""
    if data.tax_class not in range(1, 7):
        raise BusinessRuleError("Steuerklasse muss 1 bis 6 sein")
    if data.church_denomination and data.church_denomination not in DENOMINATIONS:
        raise BusinessRuleError(
            f"Konfession '{data.church_denomination}' ist unbekannt; erlaubt: "
            f"{', '.join(sorted(DENOMINATIONS))}")
    if data.minijob and data.gross > rates.minijob_limit:
        raise BusinessRuleError(f"Minijob nur bis {rates.minijob_limit} € im Monat; "
                                f"{data.gross} € ist ein Midijob oder regulär")
    if data.pension_exempt and not (data.minijob or data.gross <= rates.minijob_limit):
        raise BusinessRuleError("Befreiung von der Rentenversicherung gibt es nur im Minijob")
    fund = find_fund(data.health_fund) if data.health_fund else None
    addon = data.health_addon_rate
    if addon is None:
        addon = fund.addon_rate if fund else rates.health_average_addon
    childless = data.childless if data.childless is not None else data.children_under_25 == 0
    return EmployeePay(
        monthly_gross=data.gross, tax_class=data.tax_class,
        hire_date=date(data.year, 1, 1), birth_date=data.birth_date,
        child_allowances=data.child_allowances, children_under_25=data.children_under_25,
        church_denomination=data.church_denomination or None, state=data.state,
        health_insurance_addon=addon, childless=childless,
        u1_rate=fund.u1_rate if fund else None, u2_rate=fund.u2_rate if fund else None,
        u1_applies=_u1_applies(), private_health_premium=data.private_health,
        private_care_premium=data.private_care, minijob_pension_exempt=data.pension_exempt)


def calculate(data: CalcInput) -> PayResult:
    """Calculate a full month's pay for the calculator's inputs."""
    if not (2000 <= data.year <= 2100 and 1 <= data.month <= 12):
        raise BusinessRuleError("Monat 1 bis 12 und ein Jahr wie 2026 angeben")
    rates = rates_for_month(data.year, data.month)
    return calculate_pay(employee_for(data, rates), data.year, data.month, rates)


def components(result: PayResult) -> dict[str, Decimal]:
    """The calculator's fixed keys (see KEYS) from a pay result."""
    r = result
    return dict(zip(KEYS, (
        r.gross, r.wage_tax, r.solidarity, r.church_tax, r.employee_health, r.employee_care,
        r.employee_pension, r.employee_unemployment, r.employer_health + r.health_subsidy,
        r.employer_care + r.care_subsidy, r.employer_pension, r.employer_unemployment,
        r.employer_flat_tax, r.employer_u1, r.employer_u2, r.employer_insolvency, r.net,
        r.employer_cost)))


def as_json(result: PayResult) -> dict[str, str]:
    """The components as strings with two decimals, e.g. '1234.50'."""
    return {key: f"{value:.2f}" for key, value in components(result).items()}


def parse_input(**kw) -> CalcInput:
    """Build the calculator's input from text values (CLI and screen alike)."""
    from models.employee import STATES

    state = (kw.get("state") or "NW").upper()
    if state not in STATES:
        raise BusinessRuleError(f"Bundesland '{kw.get('state')}' unbekannt; z. B. BY, NW, SN")
    private, addon = kw.get("private_health"), kw.get("health_addon_rate")
    return CalcInput(
        year=kw["year"], month=kw["month"], gross=decimal(kw["gross"], "Brutto"),
        tax_class=kw["tax_class"],
        child_allowances=decimal(kw.get("child_allowances") or "0", "Kinderfreibeträge"),
        church_denomination=(kw.get("church") or "").strip().lower() or None, state=state,
        birth_date=kw.get("birth_date"), children_under_25=kw.get("children_under_25") or 0,
        health_addon_rate=decimal(addon, "Zusatzbeitrag") if addon not in (None, "") else None,
        health_fund=kw.get("health_fund") or None, minijob=bool(kw.get("minijob")),
        pension_exempt=bool(kw.get("pension_exempt")),
        private_health=decimal(private, "PKV-Beitrag") if private not in (None, "") else None,
        private_care=decimal(kw.get("private_care") or "0", "PPV-Beitrag"),
        childless=kw.get("childless"))
