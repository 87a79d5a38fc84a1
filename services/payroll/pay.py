"""The input and the result of one pay calculation, and the rounding every part uses."""
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal("0.00")

# Church-tax denominations as ELStAM names them (tax-liable ones only).
DENOMINATIONS = {
    "ev": "evangelisch", "rk": "römisch-katholisch", "ak": "alt-katholisch",
    "lt": "evangelisch-lutherisch", "rf": "evangelisch-reformiert",
    "fr": "französisch-reformiert", "is": "israelitisch", "jd": "jüdisch",
    "fa": "freireligiös",
}


@dataclass(frozen=True)
class EmployeePay:
    """The employee data that pay depends on (a snapshot, not the document).

    `state` is the state of the workplace (Betriebsstätte): it decides the church-tax rate
    and the Saxony care split. `private_health_premium` set means privately insured.
    """

    monthly_gross: Decimal
    tax_class: int
    hire_date: date
    exit_date: date | None = None
    birth_date: date | None = None
    child_allowances: Decimal = Decimal("0")
    children_under_25: int = 0
    church_tax: bool = False
    health_insurance_addon: Decimal = Decimal("2.90")
    childless: bool = False
    state: str = "NW"
    church_denomination: str | None = None
    u1_rate: Decimal | None = None          # of the employee's health fund
    u2_rate: Decimal | None = None
    u1_applies: bool = True                 # the company takes part in U1 (≤ 30 employees)
    private_health_premium: Decimal | None = None
    private_care_premium: Decimal = Decimal("0")
    minijob_pension_exempt: bool = False
    # absences of the month (services/hr/payroll_effects.py): calendar days without wage
    # (1/30 of the monthly gross each) and, of them, days without SV (Krankengeld, benefits)
    unpaid_days: Decimal = Decimal("0")
    sv_free_days: int = 0
    # variable pay (services/payroll/vacation_pay.py): paid by the hour when hourly_rate is
    # set (the month's gross is then variable_gross + vacation_pay, not monthly_gross);
    # variable_gross holds hours pay, variable components and overtime pay of the month
    hourly_rate: Decimal | None = None
    variable_gross: Decimal = Decimal("0")
    overtime_pay: Decimal = Decimal("0")
    vacation_days: Decimal = Decimal("0")
    vacation_pay: Decimal = Decimal("0")
    # Kurzarbeit of the month (services/hr/payroll_effects.short_time_hours): working days,
    # hours lost and the contractual hours of the employed days (both counted in days when
    # the contract has no weekly hours: short_time_in_hours False)
    short_time_days: Decimal = Decimal("0")
    short_time_lost: Decimal = Decimal("0")
    short_time_contract: Decimal = Decimal("0")
    short_time_in_hours: bool = True

    @property
    def church_liable(self) -> bool:
        return bool(self.church_denomination) or self.church_tax

    @property
    def privately_insured(self) -> bool:
        return self.private_health_premium is not None


@dataclass
class PayResult:
    """Every amount of one payslip, in euro."""

    days: int
    days_in_month: int
    minijob: bool
    gross: Decimal
    taxable_gross: Decimal
    midijob: bool = False
    private_health: bool = False
    wage_tax: Decimal = ZERO
    solidarity: Decimal = ZERO
    church_tax: Decimal = ZERO
    church_tax_rate: Decimal = ZERO
    employee_pension: Decimal = ZERO
    employee_unemployment: Decimal = ZERO
    employee_health: Decimal = ZERO
    employee_care: Decimal = ZERO
    employer_pension: Decimal = ZERO
    employer_unemployment: Decimal = ZERO
    employer_health: Decimal = ZERO
    employer_care: Decimal = ZERO
    employer_insolvency: Decimal = ZERO       # U3
    employer_u1: Decimal = ZERO
    employer_u2: Decimal = ZERO
    employer_flat_tax: Decimal = ZERO         # minijob 2 % flat tax (Minijob-Zentrale)
    health_subsidy: Decimal = ZERO            # § 257 SGB V, paid out with the net pay
    care_subsidy: Decimal = ZERO              # § 61 SGB XI
    sv_gross_pension: Decimal = ZERO          # contribution base RV/AV (after the ceiling)
    sv_gross_health: Decimal = ZERO           # contribution base KV/PV
    midijob_base: Decimal = ZERO              # Übergangsbereich: total base BE
    midijob_base_employee: Decimal = ZERO     # employee base BE_AN
    contribution_group: str = ""              # Beitragsgruppenschlüssel KV RV AV PV
    person_group: str = ""                    # Personengruppenschlüssel
    unpaid_days: Decimal = ZERO               # absences without wage (30-day rule)
    sv_free_days: int = 0                     # of them without SV (Krankengeld, benefits)
    sv_days: int = 30
    variable_gross: Decimal = ZERO            # hours pay, variable components, overtime
    overtime_pay: Decimal = ZERO              # of it: overtime (not in the vacation average)
    vacation_days: Decimal = ZERO
    vacation_pay: Decimal = ZERO              # § 11 BUrlG average (or fixed-pay supplement)
    short_time_days: Decimal = ZERO           # Kurzarbeit days of the month
    short_time_hours: Decimal = ZERO          # hours lost (0 when counted in days)
    short_time_loss: Decimal = ZERO           # pay lost: Soll − Ist
    short_time_target_gross: Decimal = ZERO   # Soll-Entgelt (the Ist-Entgelt is gross)
    short_time_allowance: Decimal = ZERO      # KUG: tax-free, Progressionsvorbehalt
    employer_short_time_si: Decimal = ZERO    # RV/KV/PV on 80 % of the lost pay, employer
    notes: list[str] = field(default_factory=list)

    @property
    def employee_si(self) -> Decimal:
        return (self.employee_pension + self.employee_unemployment + self.employee_health
                + self.employee_care)

    @property
    def employer_si(self) -> Decimal:
        """Employer contributions and levies (U1, U2, U3) paid to the funds."""
        return (self.employer_pension + self.employer_unemployment + self.employer_health
                + self.employer_care + self.employer_insolvency + self.employer_u1
                + self.employer_u2 + self.employer_short_time_si)

    @property
    def subsidies(self) -> Decimal:
        return self.health_subsidy + self.care_subsidy

    @property
    def net(self) -> Decimal:
        """Payout: gross less taxes and employee contributions, plus a PKV subsidy and
        Kurzarbeitergeld (advanced by the employer, refunded by the Agentur für Arbeit)."""
        return (self.gross - self.wage_tax - self.solidarity - self.church_tax
                - self.employee_si + self.subsidies + self.short_time_allowance)

    @property
    def employer_cost(self) -> Decimal:
        return self.gross + self.employer_si + self.employer_flat_tax + self.subsidies


def money(value: Decimal) -> Decimal:
    """Round to the cent, commercially (half up)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def share(base: Decimal, rate_percent: Decimal) -> Decimal:
    """One contribution share: base × rate %, rounded half up to the cent."""
    return money(base * rate_percent / HUNDRED)
