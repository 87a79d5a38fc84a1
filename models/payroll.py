"""Payroll: the dated social-insurance parameter table, payroll runs and their payslips."""
from decimal import Decimal

import mongoengine as me
from bson import ObjectId

from models.archive import ArchivedFile
from models.base import TimestampedDocument
from models.employee import STATES, Employee
from models.fields import FixedDecimalField, MoneyField
from models.frozen import FrozenDocument, FrozenQuerySet
from models.messages import N_, invalid

RUN_STATUSES = ("draft", "calculating", "calculated", "approved", "posting", "posted", "reversing",
                "reversed", "discarded")
# Runs in these states no longer block a new run for their month.
CLOSED_STATUSES = ("reversed", "discarded")
# From approval on a run (and its payslips) is released: frozen for every bulk write.
FROZEN_STATUSES = ("approved", "posting", "posted", "reversing", "reversed")
OPEN_STATUSES = tuple(s for s in RUN_STATUSES if s not in FROZEN_STATUSES)


def _rate(**kw):
    """A percentage with up to three places (e.g. 18.600 %)."""
    return FixedDecimalField(places=3, required=True, min_value=0, max_value=100, **kw)


class PayrollParameters(TimestampedDocument):
    """Social-insurance rates, ceilings and church-tax rates valid for a span of months."""

    valid_from = me.DateField(required=True, unique=True)
    valid_to = me.DateField()
    pension_rate = _rate()                      # RV, half employer / half employee
    unemployment_rate = _rate()                 # AV, half / half
    health_general_rate = _rate()               # KV general rate, half / half
    health_average_addon = _rate()              # official average add-on (information)
    care_rate = _rate()                         # PV, half / half outside Saxony
    care_employer_rate_saxony = _rate()         # PV employer share in Saxony
    care_childless_surcharge = _rate()          # PV, employee alone
    care_childless_min_age = me.IntField(required=True, min_value=0, max_value=99)
    care_child_reduction = _rate()              # PV employee reduction per child 2..max
    care_child_reduction_max_children = me.IntField(required=True, min_value=1, max_value=20)
    insolvency_rate = _rate()                   # U3, employer alone
    ceiling_pension = MoneyField(required=True, min_value=0)          # RV/AV per month
    ceiling_health = MoneyField(required=True, min_value=0)           # KV/PV per month
    minijob_limit = MoneyField(required=True, min_value=0)
    minijob_pension_rate = _rate()              # employer flat rate RV
    minijob_health_rate = _rate()               # employer flat rate KV
    minijob_flat_tax_rate = _rate()             # employer flat wage tax (Pauschsteuer)
    church_tax_rate = _rate()
    church_tax_rate_reduced = _rate()
    church_tax_reduced_states = me.ListField(me.StringField(choices=sorted(STATES)))
    # Übergangsbereich (§ 20 (2a) SGB IV): upper limit and the two base formulas
    # BE = total_factor × AE − total_offset, BE_AN = employee_factor × AE − employee_offset
    midijob_upper_limit = MoneyField(min_value=0)
    midijob_factor_f = FixedDecimalField(places=4, min_value=0, max_value=1)
    midijob_total_factor = FixedDecimalField(places=9, min_value=0)
    midijob_total_offset = FixedDecimalField(places=7, min_value=0)
    midijob_employee_factor = FixedDecimalField(places=9, min_value=0)
    midijob_employee_offset = FixedDecimalField(places=7, min_value=0)
    minijob_pension_min_base = MoneyField(min_value=0)   # § 163 (8) SGB VI
    minijob_u1_rate = FixedDecimalField(places=3, min_value=0, max_value=100)
    minijob_u2_rate = FixedDecimalField(places=3, min_value=0, max_value=100)
    health_insurance_threshold = MoneyField(min_value=0)  # JAEG per month (§ 6 SGB V)
    note = me.StringField(max_length=300)

    meta = {"collection": "payroll_parameters", "ordering": ["-valid_from"]}

    def __str__(self):
        end = f"{self.valid_to:%d.%m.%Y}" if self.valid_to else "open"
        return f"Payroll parameters {self.valid_from:%d.%m.%Y} – {end}"

    def clean(self):
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            raise invalid("valid_to", N_("„Gültig bis“ liegt vor „Gültig ab“; bitte die Daten "
                                         "prüfen."))
        if self.care_employer_rate_saxony is not None and self.care_rate is not None \
                and self.care_employer_rate_saxony > self.care_rate:
            raise invalid("care_employer_rate_saxony", N_(
                "Der Arbeitgeberanteil Pflegeversicherung in Sachsen darf den Beitragssatz der "
                "Pflegeversicherung nicht übersteigen."))


class EmployeeSnapshot(me.EmbeddedDocument):
    """The employee's data as the payslip was calculated; later edits do not reach it."""

    personnel_no = me.StringField()
    first_name = me.StringField()
    last_name = me.StringField()
    street = me.StringField()
    postal_code = me.StringField()
    city = me.StringField()
    birth_date = me.DateField()
    hire_date = me.DateField()
    exit_date = me.DateField()
    monthly_gross = MoneyField()
    tax_class = me.IntField()
    child_allowances = FixedDecimalField(places=1)
    children_under_25 = me.IntField()
    church_tax = me.BooleanField()
    health_insurance_addon = FixedDecimalField(places=2)
    childless = me.BooleanField()
    state = me.StringField()
    iban = me.StringField()
    department = me.StringField()
    position = me.StringField()
    workplace_state = me.StringField()
    church_denomination = me.StringField()
    social_security_no = me.StringField()
    tax_id = me.StringField()
    health_fund_name = me.StringField()
    health_fund_no = me.StringField()
    private_health_premium = MoneyField()
    private_care_premium = MoneyField()
    cost_center = me.StringField()  # the code of the employee's cost centre at calculation
    minijob_pension_exempt = me.BooleanField()
    hourly_rate = MoneyField()
    weekly_hours = FixedDecimalField(places=2)
    work_days = me.StringField()
    u1_rate = FixedDecimalField(places=3)
    u2_rate = FixedDecimalField(places=3)
    u1_applies = me.BooleanField()


class MissingData(me.EmbeddedDocument):
    """An employee the run could not calculate, and what HR must fill in."""

    employee_id = me.ObjectIdField()
    personnel_no = me.StringField()
    name = me.StringField()
    missing = me.StringField()
    reason = me.StringField()   # a rule that refused the calculation (instead of `missing`)


class RunTotals(me.EmbeddedDocument):
    gross = MoneyField(default=Decimal("0.00"))
    wage_tax = MoneyField(default=Decimal("0.00"))
    solidarity = MoneyField(default=Decimal("0.00"))
    church_tax = MoneyField(default=Decimal("0.00"))
    employee_si = MoneyField(default=Decimal("0.00"))
    net = MoneyField(default=Decimal("0.00"))
    employer_si = MoneyField(default=Decimal("0.00"))
    employer_flat_tax = MoneyField(default=Decimal("0.00"))
    employer_cost = MoneyField(default=Decimal("0.00"))
    count = me.IntField(default=0)


class PayrollRunQuerySet(FrozenQuerySet):
    """Bulk writes reach unreleased runs only; the steps are written by services.payroll."""

    open_filter = {"status": OPEN_STATUSES}
    # Written by services.payroll only (through the raw collection).
    frozen_fields = ("status", "month_key", "totals", "approved_by", "approved_at",
                     "posted_by", "posted_at", "entry_ids", "reversed_by", "reversed_at",
                     "reversal_entry_ids", "payments")
    message = "{doc} ist freigegeben und kann nicht mehr geändert oder gelöscht werden; " \
              "bitte stornieren"


class PayrollRun(FrozenDocument, TimestampedDocument):
    """One month's payroll; `month_key` is unique while the run is live."""

    year = me.IntField(required=True, min_value=2000, max_value=2100)
    month = me.IntField(required=True, min_value=1, max_value=12)
    # "2026-03" while the run is live, "closed:<id>" once reversed or discarded, so the
    # unique index allows exactly one live run per month without transactions.
    month_key = me.StringField(required=True, unique=True)
    status = me.StringField(required=True, default="draft", choices=RUN_STATUSES)
    problems = me.ListField(me.EmbeddedDocumentField(MissingData))
    totals = me.EmbeddedDocumentField(RunTotals)
    created_by = me.StringField()
    calculated_at = me.DateTimeField()
    approved_by = me.StringField()
    approved_at = me.DateTimeField()
    posted_by = me.StringField()
    posted_at = me.DateTimeField()
    entry_ids = me.ListField(me.StringField())
    reversed_by = me.StringField()
    reversed_at = me.DateTimeField()
    reversal_entry_ids = me.ListField(me.StringField())
    # liability kind (net, tax, si, minijob) → id of the payment entry that cleared it
    payments = me.DictField()

    meta = {"collection": "payroll_runs", "ordering": ["-year", "-month"],
            "queryset_class": PayrollRunQuerySet}

    @property
    def period(self) -> str:
        return f"{self.month:02d}/{self.year}"

    def __str__(self):
        return f"Payroll {self.period} ({self.status})"


class PayslipQuerySet(FrozenQuerySet):
    """Bulk writes reach the payslips of unreleased runs only (frozen with their run)."""

    frozen_fields = ("run", "pdf")  # pdf: written by services.payroll.documents
    message = "{doc} gehört zu einem freigegebenen Lohnlauf und kann nicht mehr geändert " \
              "oder gelöscht werden"

    @staticmethod
    def _frozen_runs() -> list:
        return list(PayrollRun.objects(status__in=FROZEN_STATUSES).scalar("pk"))

    def _one_run(self):
        """The run id when this queryset selects exactly the payslips of one run, else None."""
        query = self._query
        return query["run"] if set(query) == {"run"} and isinstance(query["run"], ObjectId) \
            else None

    def _frozen(self):
        run = self._one_run()
        if run is not None:   # decided here: a {run} filter alone uses the (run, employee) index
            return self.clone() if run in self._frozen_runs() else self.clone().filter(pk__in=[])
        return self.clone().filter(run__in=self._frozen_runs())

    def _open(self):
        run = self._one_run()
        if run is not None:
            return self.clone().filter(pk__in=[]) if run in self._frozen_runs() else self.clone()
        return self.clone().filter(run__nin=self._frozen_runs())

    def insert(self, doc_or_docs, *args, **kwargs):
        docs = doc_or_docs if isinstance(doc_or_docs, (list, tuple)) else [doc_or_docs]
        frozen = set(self._frozen_runs())
        if any(getattr(doc.run, "pk", doc.run) in frozen for doc in docs):
            raise self.error("only the business service may insert such a document")
        return super().insert(doc_or_docs, *args, **kwargs)


class Payslip(FrozenDocument, me.Document):
    """One employee's pay for the month of a run; amounts in euro, exact to the cent."""

    run = me.ReferenceField(PayrollRun, required=True)
    employee = me.ReferenceField(Employee, required=True)
    year = me.IntField(required=True)
    month = me.IntField(required=True)
    employee_data = me.EmbeddedDocumentField(EmployeeSnapshot, required=True)
    days = me.IntField()
    days_in_month = me.IntField()
    unpaid_days = FixedDecimalField(places=1)   # absences without wage (issue 18)
    sv_free_days = me.IntField()
    sv_days = me.IntField()
    # variable pay (models.pay_input) and vacation pay at the 13-week average (§ 11 BUrlG)
    variable_gross = MoneyField(default=Decimal("0.00"))
    overtime_pay = MoneyField(default=Decimal("0.00"))
    vacation_days = FixedDecimalField(places=1, default=Decimal("0.0"))
    vacation_pay = MoneyField(default=Decimal("0.00"))
    # Kurzarbeit (services/payroll/kurzarbeit.py): the Ist-Entgelt is `gross`
    short_time_days = FixedDecimalField(places=1, default=Decimal("0.0"))   # working days
    short_time_hours = FixedDecimalField(places=2, default=Decimal("0.00"))  # hours lost
    short_time_loss = MoneyField(default=Decimal("0.00"))   # pay lost (Soll − Ist)
    short_time_target_gross = MoneyField(default=Decimal("0.00"))   # Soll-Entgelt
    short_time_allowance = MoneyField(default=Decimal("0.00"))      # KUG, tax-free (§ 32b)
    employer_short_time_si = MoneyField(default=Decimal("0.00"))    # of employer_si
    minijob = me.BooleanField(default=False)
    gross = MoneyField()
    taxable_gross = MoneyField()
    wage_tax = MoneyField()
    solidarity = MoneyField()
    church_tax = MoneyField()
    church_tax_rate = FixedDecimalField(places=3)
    employee_pension = MoneyField()
    employee_unemployment = MoneyField()
    employee_health = MoneyField()
    employee_care = MoneyField()
    employee_si = MoneyField()
    net = MoneyField()
    employer_pension = MoneyField()
    employer_unemployment = MoneyField()
    employer_health = MoneyField()
    employer_care = MoneyField()
    employer_insolvency = MoneyField()
    employer_u1 = MoneyField(default=Decimal("0.00"))
    employer_u2 = MoneyField(default=Decimal("0.00"))
    employer_flat_tax = MoneyField()
    employer_si = MoneyField()
    employer_cost = MoneyField()
    health_subsidy = MoneyField(default=Decimal("0.00"))
    care_subsidy = MoneyField(default=Decimal("0.00"))
    midijob = me.BooleanField(default=False)
    private_health = me.BooleanField(default=False)
    sv_gross_pension = MoneyField()
    sv_gross_health = MoneyField()
    midijob_base = MoneyField()
    midijob_base_employee = MoneyField()
    contribution_group = me.StringField()
    person_group = me.StringField()
    pdf = me.ReferenceField(ArchivedFile)

    meta = {"collection": "payslips", "queryset_class": PayslipQuerySet,
            "indexes": [{"fields": ["run", "employee"], "unique": True}, "employee"]}

    def __str__(self):
        snap = self.employee_data
        return f"Payslip {self.month:02d}/{self.year} {snap.last_name}, {snap.first_name}"

    def _frozen_now(self) -> bool:
        """Frozen with its run: the stored run's status decides (a payslip has none)."""
        run = getattr(self.run, "pk", self.run)
        return PayrollRun.objects(pk=run, status__in=FROZEN_STATUSES).first() is not None

    def _open_condition(self) -> dict:
        # The run is approved by a compare-and-set on the run alone; a payslip saved in
        # the moment between this check and that approval is not caught here.
        return {"run__nin": PayslipQuerySet._frozen_runs()}


class PayrollLock(me.Document):
    """A claim on one step of one run; its unique _id makes exactly one claimant win.

    Conditional updates were not atomic on plain FerretDB 1.24 (it reads, then
    writes), but an insert with an existing _id is refused atomically everywhere.
    """

    id = me.StringField(primary_key=True)
    user = me.StringField()
    at = me.DateTimeField(required=True)

    meta = {"collection": "payroll_locks"}
