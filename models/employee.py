"""Employees: master data and the attributes payroll needs."""
from decimal import Decimal

import mongoengine as me

from models.base import TimestampedDocument, clean_iban
from models.cost_center import CostCenter
from models.fields import FixedDecimalField, MoneyField
from models.health_fund import HealthFund
from models.validators import normalize_sv_number, normalize_tax_id
from models.messages import N_, invalid, reason

STATES = {
    "BW": "Baden-Württemberg", "BY": "Bayern", "BE": "Berlin", "BB": "Brandenburg",
    "HB": "Bremen", "HH": "Hamburg", "HE": "Hessen", "MV": "Mecklenburg-Vorpommern",
    "NI": "Niedersachsen", "NW": "Nordrhein-Westfalen", "RP": "Rheinland-Pfalz",
    "SL": "Saarland", "SN": "Sachsen", "ST": "Sachsen-Anhalt",
    "SH": "Schleswig-Holstein", "TH": "Thüringen",
}
EMPLOYEE_STATUSES = ("active", "inactive", "left")
# Church-tax denominations (ELStAM codes); keep in step with services.payroll.pay.
DENOMINATIONS = (("ev", "evangelisch"), ("rk", "römisch-katholisch"), ("ak", "alt-katholisch"),
                 ("lt", "evangelisch-lutherisch"), ("rf", "evangelisch-reformiert"),
                 ("fr", "französisch-reformiert"), ("is", "israelitisch"), ("jd", "jüdisch"),
                 ("fa", "freireligiös"))


class Employee(TimestampedDocument):
    personnel_no = me.StringField(required=True, unique=True, max_length=20)
    first_name = me.StringField(required=True, max_length=80)
    last_name = me.StringField(required=True, max_length=80)
    email = me.EmailField()
    phone = me.StringField(max_length=40)
    street = me.StringField(max_length=120)
    postal_code = me.StringField(regex=r"^\d{5}$", max_length=5)
    city = me.StringField(max_length=80)
    birth_date = me.DateField()
    department = me.StringField(max_length=80)
    position = me.StringField(max_length=80)
    hire_date = me.DateField(required=True)
    exit_date = me.DateField()
    monthly_gross = MoneyField(required=True, min_value=0, max_value=1_000_000)
    tax_class = me.IntField(required=True, default=1, min_value=1, max_value=6)
    child_allowances = FixedDecimalField(places=1, default=Decimal("0.0"),
                                         min_value=0, max_value=20)
    children_under_25 = me.IntField(default=0, min_value=0, max_value=20)
    church_tax = me.BooleanField(default=False)
    health_insurance_addon = FixedDecimalField(places=2, default=Decimal("2.90"),
                                               min_value=0, max_value=10)
    childless = me.BooleanField(default=False)
    state = me.StringField(required=True, default="NW", choices=sorted(STATES.items()))
    # the workplace (Betriebsstätte) decides church-tax rate and the Saxony care split;
    # empty means the employee works in `state`
    workplace_state = me.StringField(choices=sorted(STATES.items()))
    church_denomination = me.StringField(choices=DENOMINATIONS)
    social_security_no = me.StringField(max_length=12)   # Versicherungsnummer
    tax_id = me.StringField(max_length=11)               # Steuer-Identifikationsnummer
    health_fund = me.ReferenceField(HealthFund)
    # privately insured when a premium is entered (monthly basic premium, § 257 SGB V)
    private_health_premium = MoneyField(min_value=0)
    private_care_premium = MoneyField(min_value=0)
    minijob_pension_exempt = me.BooleanField(default=False)  # Befreiung von der RV-Pflicht
    # paid by the hour: the month's hours come from models.pay_input; monthly_gross is then
    # the regular monthly wage expected (it decides minijob / Midijob); weekly_hours gives
    # the contract's daily rate for vacation pay without earnings history (§ 11 BUrlG)
    hourly_rate = MoneyField(min_value=0, max_value=1000)
    weekly_hours = FixedDecimalField(places=2, min_value=0, max_value=60)
    iban = me.StringField(max_length=34)
    status = me.StringField(required=True, default="active", choices=EMPLOYEE_STATUSES)
    # erasure request (Art. 17/18 DSGVO, services.privacy.erasure): kept restricted until
    # the payroll account's retention ends, then anonymised by the job `privacy_erasure`
    restricted_until = me.DateField()
    erased_at = me.DateTimeField()
    # absences (issue 18): the week model as ISO weekdays ("12345" = Monday to Friday),
    # the contract's vacation days per year for a 5-day week (empty: the statutory minimum)
    work_days = me.StringField(default="12345", regex=r"^[1-7]{1,7}$", max_length=7)
    vacation_days = FixedDecimalField(places=1, min_value=0, max_value=60)
    severely_disabled = me.BooleanField(default=False)   # § 208 SGB IX: 5 extra days
    manager = me.ReferenceField("self")
    manager_substitute = me.ReferenceField("self")
    # the payroll posting puts this cost centre on the employee's wage-expense lines
    cost_center = me.ReferenceField(CostCenter)
    # the exit date the offboarding checklist was last made for (services/hr/offboarding.py);
    # differs from exit_date until the checklist follows a new, moved or removed exit date
    offboarding_for = me.DateField()

    meta = {"collection": "employees", "ordering": ["last_name", "first_name"],
            "indexes": ["last_name", "department", "status", "manager",
                        "manager_substitute", "restricted_until",
                        # the panel's search reads these indexes, not every document
                        "first_name", "email"]}

    def __str__(self):
        return f"{self.last_name}, {self.first_name} ({self.personnel_no})"

    def clean(self):
        clean_iban(self)
        if self.exit_date and self.hire_date and self.exit_date < self.hire_date:
            raise invalid("exit_date", N_("Das Austrittsdatum liegt vor dem Eintrittsdatum; bitte "
                                          "die Daten prüfen."))
        _clean_identifiers(self)
        if self.work_days:
            self.work_days = "".join(sorted(set(self.work_days)))
        if self.church_denomination:
            self.church_tax = True
        if self.child_allowances is not None and (self.child_allowances * 2) % 1:
            raise invalid("child_allowances", N_("Kinderfreibeträge bitte in Schritten von 0,5 "
                                                 "angeben (z. B. 0,5, 1 oder 1,5)."))


def _clean_identifiers(employee) -> None:
    """Normalise SV number and tax ID, or refuse them (a function: the CSV import calls
    Employee.clean on a stand-in object)."""
    for name, normalize in (("social_security_no", normalize_sv_number),
                            ("tax_id", normalize_tax_id)):
        value = getattr(employee, name, None)
        if value:
            try:
                setattr(employee, name, normalize(value))
            except ValueError as exc:
                raise invalid(name, reason(exc)) from None
