"""Payroll runs: create, calculate, approve, discard.

No multi-document transactions: a unique `month_key` allows one live run per month;
steps that must not overlap or repeat first claim a lock document with a unique _id
(services/payroll/locks.py), because a conditional update was not atomic on plain
FerretDB 1.24 (measured: several of four simultaneous find_one_and_update calls won);
the status change itself is a find_one_and_update on the expected status. Calculating is
resumable: it replaces all payslips of the run and can be repeated after a crash.
"""
from dataclasses import fields as dc_fields
from decimal import Decimal

from bson import ObjectId
from mongoengine import NotUniqueError
from pymongo import ReturnDocument

from models.base import utcnow
from models.cost_center import CostCenter
from models.employee import Employee
from models.payroll import (EmployeeSnapshot, MissingData, PayrollRun,
                            Payslip, RunTotals)
from services.core.errors import BusinessRuleError
from services.core.messages import N_, RuleError
from services.payroll.calculation import EmployeePay, PayResult, calculate_pay, month_bounds
from services.hr import payroll_effects
from services.payroll import locks, vacation_pay
from services.payroll.run_totals import check_cost_centers, payslip_totals
from services.payroll.rates import rates_for_month

BATCH = 1000
STATUS_LABELS = {
    "draft": "Entwurf", "calculating": "wird berechnet", "calculated": "berechnet",
    "approved": "freigegeben", "posting": "wird gebucht", "posted": "gebucht",
    "reversing": "wird storniert", "reversed": "storniert", "discarded": "verworfen",
}
REQUIRED_DATA = (("birth_date", "Geburtsdatum"), ("iban", "IBAN"), ("state", "Bundesland"),
                 ("tax_class", "Steuerklasse"), ("monthly_gross", "Bruttogehalt"),
                 ("health_fund_no", "Krankenkasse"))
SNAPSHOT_FIELDS = tuple(EmployeeSnapshot._fields_ordered)
# the snapshot keeps the cost centre's code; the employee refers to the cost centre
EMPLOYEE_FIELDS = tuple(name for name in SNAPSHOT_FIELDS
                        if name in Employee._fields and name != "cost_center")
PAY_FIELDS = tuple(f.name for f in dc_fields(EmployeePay))
RESULT_FIELDS = ("days", "days_in_month", "minijob", "gross", "taxable_gross", "wage_tax",
                 "solidarity", "church_tax", "church_tax_rate", "employee_pension",
                 "employee_unemployment", "employee_health", "employee_care",
                 "employee_si", "net", "employer_pension", "employer_unemployment",
                 "employer_health", "employer_care", "employer_insolvency",
                 "employer_u1", "employer_u2", "employer_flat_tax", "employer_si",
                 "employer_cost", "health_subsidy", "care_subsidy", "midijob",
                 "private_health", "sv_gross_pension", "sv_gross_health", "midijob_base",
                 "midijob_base_employee", "contribution_group", "person_group",
                 "unpaid_days", "sv_free_days", "sv_days", "variable_gross",
                 "overtime_pay", "vacation_days", "vacation_pay", "short_time_days",
                 "short_time_hours", "short_time_loss", "short_time_target_gross", "short_time_allowance",
                 "employer_short_time_si")
TOTAL_FIELDS = tuple(name for name in RunTotals._fields_ordered if name not in ("id", "count"))


def month_key(year: int, month: int) -> str:
    return f"{year}-{month:02d}"


def create_run(year: int, month: int, user: str) -> PayrollRun:
    """Open the run for a month; refused while another live run holds that month."""
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise RuleError(N_("Bitte einen Monat von 1 bis 12 und ein Jahr wie 2026 angeben."))
    rates_for_month(year, month)  # refuse early when the month has no parameters
    run = PayrollRun(year=year, month=month, month_key=month_key(year, month),
                     created_by=user, totals=RunTotals())
    try:
        return run.save(force_insert=True)
    except NotUniqueError:
        other = PayrollRun.objects(month_key=month_key(year, month)).first()
        status = STATUS_LABELS.get(other.status, other.status) if other else "?"
        raise RuleError(N_("Für %(month)s gibt es schon eine Abrechnung (Status: %(status)s); "
                           "bitte diese öffnen oder sie stornieren, bevor eine neue beginnt."),
                        month=f"{month:02d}/{year}", status=status) from None


def get_run(run_id) -> PayrollRun:
    """Load a run by id or raise a BusinessRuleError."""
    run = PayrollRun.objects(pk=run_id).first() if ObjectId.is_valid(str(run_id)) else None
    if run is None:
        raise RuleError(N_("Diese Lohnabrechnung gibt es nicht."))
    return run


def transition(run_id, expected: tuple[str, ...], changes: dict, action: str) -> PayrollRun:
    """Change a run if its status is one of `expected`, else explain why not.

    One conditional update: atomic on MongoDB, not under concurrency on plain FerretDB, so
    steps that must not overlap hold a claim (services/payroll/locks.py) around it.
    """
    doc = PayrollRun._get_collection().find_one_and_update(
        {"_id": ObjectId(str(run_id)), "status": {"$in": list(expected)}},
        {"$set": {**changes, "updated_at": utcnow()}}, return_document=ReturnDocument.AFTER)
    if doc is None:
        raise refusal(get_run(run_id), action)
    return PayrollRun._from_son(doc)


def refusal(run: PayrollRun, action: str) -> BusinessRuleError:
    """The error that says why a step is not possible in the run's current status."""
    label = STATUS_LABELS.get(run.status, run.status)
    return BusinessRuleError(f"cannot {action} payroll {run.period}: it is {label}")


def employee_values(raw: dict, funds: dict | None = None, u1_applies: bool = True,
                    centres: dict | None = None) -> dict:
    """Python values of a stored employee (field defaults where a value is absent).

    The run reads employees as raw documents: building 10,000 mongoengine objects and
    their payslips would cost more than the tax engine itself (see bench/). `funds` maps
    a health fund's id to the fund; the fund's add-on rate replaces the employee's.
    `centres` maps a cost centre's id to its code (kept on the payslip for the posting).
    """
    values = {"id": raw["_id"], "u1_applies": u1_applies,
              "cost_center": (centres or {}).get(raw.get("cost_center"))}
    fund = (funds or {}).get(raw.get("health_fund"))
    values.update(health_fund_name=fund.name if fund else None,
                  health_fund_no=fund.betriebsnummer if fund else None,
                  u1_rate=fund.u1_rate if fund else None,
                  u2_rate=fund.u2_rate if fund else None)
    for name in EMPLOYEE_FIELDS:
        field = Employee._fields[name]
        value = raw.get(name)
        if value is None:
            value = field.default() if callable(field.default) else field.default
        else:
            value = field.to_python(value)
        values[name] = value
    if fund is not None:
        values["health_insurance_addon"] = fund.addon_rate
    return values


def missing_data(values: dict) -> list[str]:
    """Labels of the data a payslip needs that the employee record lacks."""
    return [label for name, label in REQUIRED_DATA if values.get(name) in (None, "")]


def employees_in_month(year: int, month: int):
    """Employees employed on at least one day of the month (dates decide, not status)."""
    from models.company import Company
    from models.health_fund import HealthFund

    first, last = month_bounds(year, month)
    funds = {fund.pk: fund for fund in HealthFund.objects}
    centres = dict(CostCenter.objects.scalar("id", "code"))
    company = Company.current()
    u1_applies = company.u1_levy if company is not None else True
    query = Employee.objects(hire_date__lte=last).order_by("personnel_no").as_pymongo()
    for raw in query.no_cache():
        values = employee_values(raw, funds, u1_applies, centres)
        if values["exit_date"] is None or values["exit_date"] >= first:
            yield values


def snapshot_document(values: dict) -> dict:
    """The stored form of the payslip's copy of the employee data."""
    fields = EmployeeSnapshot._fields
    return {name: fields[name].to_mongo(values[name]) for name in SNAPSHOT_FIELDS
            if values.get(name) is not None}


def pay_input(data) -> EmployeePay:
    """The calculation's view of employee values (a dict) or a stored snapshot.

    The calculation's `state` is the workplace state (empty: the employee's state).
    """
    get = data.get if isinstance(data, dict) else lambda name: getattr(data, name, None)
    values = {name: get(name) for name in PAY_FIELDS if get(name) is not None}
    values["state"] = get("workplace_state") or get("state")
    return EmployeePay(**values)


def payslip_document(run: PayrollRun, values: dict, result: PayResult) -> dict:
    """The stored form of one payslip (what Payslip(...).to_mongo() gives, built directly)."""
    fields = Payslip._fields
    doc = {"run": run.pk, "employee": values["id"], "year": run.year, "month": run.month,
           "employee_data": snapshot_document(values), "pdf": None}
    for name in RESULT_FIELDS:
        doc[name] = fields[name].to_mongo(getattr(result, name))
    return doc


def calculate_run(run_id, user: str) -> PayrollRun:
    """(Re)calculate draft payslips for every employee employed in the run's month."""
    run = get_run(run_id)
    with locks.held_step(run.pk, "calculate", user,
                         f"payroll {run.period} is being calculated right now"):
        if locks.is_held(run.pk, "approve"):
            raise BusinessRuleError(f"payroll {run.period} is approved; it is not "
                                    "calculated again")
        run = transition(run.pk, ("draft", "calculated", "calculating"),
                         {"status": "calculating"}, "calculate")
        return _calculate(run)


def _calculate(run: PayrollRun) -> PayrollRun:
    rates = rates_for_month(run.year, run.month)
    Payslip.objects(run=run).delete()
    problems, totals, batch = [], _empty_totals(), []
    first, last = month_bounds(run.year, run.month)
    spans, illnesses = payroll_effects.month_spans(first, last)
    variable = vacation_pay.MonthContext(run.year, run.month)
    for values in employees_in_month(run.year, run.month):
        missing = missing_data(values)
        if missing:
            problems.append(MissingData(employee_id=values["id"],
                                        personnel_no=values["personnel_no"],
                                        name=f"{values['last_name']}, {values['first_name']}",
                                        missing=", ".join(missing)))
            continue
        try:
            if values["id"] in spans:
                _absence_effect(values, spans[values["id"]], illnesses, first, last)
        except RuleError as exc:
            problems.append(_refused(values, exc))
            continue
        if variable.applies(values):
            if values.get("hourly_rate") is not None \
                    and values["id"] not in variable.inputs_of_month:
                problems.append(MissingData(
                    employee_id=values["id"], personnel_no=values["personnel_no"],
                    name=f"{values['last_name']}, {values['first_name']}",
                    missing="Stunden des Monats (Stundenlohn)"))
                continue
            values.update(vars(variable.month_pay(values)))
        try:
            result = calculate_pay(pay_input(values), run.year, run.month, rates)
        except RuleError as exc:
            problems.append(_refused(values, exc))
            continue
        _add_to_totals(totals, result)
        batch.append(payslip_document(run, values, result))
        if len(batch) >= BATCH:
            Payslip._get_collection().insert_many(batch, ordered=False)
            batch = []
    if batch:
        Payslip._get_collection().insert_many(batch, ordered=False)
    return transition(run.pk, ("calculating",), {
        "status": "calculated", "calculated_at": utcnow(),
        "problems": [p.to_mongo() for p in problems],
        "totals": RunTotals(**totals).to_mongo()}, "finish calculating")


def _absence_effect(values: dict, spans: list, illnesses: dict, first, last) -> None:
    """Put the month's absences (unpaid days, SV-free days, Kurzarbeit) into `values`."""
    effect = payroll_effects.month_effect(spans, illnesses, values["hire_date"], first, last)
    values.update(unpaid_days=effect.unpaid_days, sv_free_days=effect.sv_free_days)
    if effect.short_time:
        employed = (max(first, values["hire_date"]),
                    min(last, values["exit_date"]) if values.get("exit_date") else last)
        hours = payroll_effects.short_time_hours(
            effect.short_time, values.get("work_days") or "12345",
            values.get("workplace_state") or values.get("state") or "NW",
            values.get("weekly_hours"), employed)
        values.update(short_time_days=hours.days, short_time_lost=hours.lost,
                      short_time_contract=hours.contract, short_time_in_hours=hours.in_hours)


def _refused(values: dict, exc: RuleError) -> MissingData:
    """A problem entry for an employee whose month a rule refused to calculate."""
    return MissingData(employee_id=values["id"], personnel_no=values["personnel_no"],
                       name=f"{values['last_name']}, {values['first_name']}",
                       missing="", reason=str(exc))


def _empty_totals() -> dict:
    return {**{name: Decimal("0.00") for name in TOTAL_FIELDS}, "count": 0}


def _add_to_totals(totals: dict, result: PayResult) -> None:
    totals["count"] += 1
    totals["gross"] += result.gross
    totals["wage_tax"] += result.wage_tax
    totals["solidarity"] += result.solidarity
    totals["church_tax"] += result.church_tax
    totals["employee_si"] += result.employee_si
    totals["net"] += result.net
    totals["employer_si"] += result.employer_si
    totals["employer_flat_tax"] += result.employer_flat_tax
    totals["employer_cost"] += result.employer_cost


def approve_run(run_id, user: str) -> PayrollRun:
    """Approve a calculated run; of two simultaneous approvals exactly one succeeds."""
    run = get_run(run_id)
    if run.status == "calculated" and run.problems:
        raise BusinessRuleError(
            f"{len(run.problems)} employee(s) lack data for payroll {run.period}: "
            "complete their records and calculate again before approving")
    if run.status == "calculated" and not (run.totals and run.totals.count):
        raise BusinessRuleError(f"payroll {run.period} has no payslips to approve")
    if run.status != "calculated":
        raise refusal(run, "approve")
    check_cost_centers(payslip_totals(run))  # the posting's cost centres, while still fixable
    locks.acquire(run.pk, "approve", user, f"payroll {run.period} is already being approved")
    if locks.is_held(run.pk, "calculate") or get_run(run.pk).status != "calculated":
        locks.release(run.pk, "approve")
        raise BusinessRuleError(f"payroll {run.period} is being calculated; approve it "
                                "once the calculation has finished")
    return transition(run.pk, ("calculated",), {
        "status": "approved", "approved_by": user, "approved_at": utcnow()}, "approve")


def discard_run(run_id, user: str) -> PayrollRun:
    """Throw away an unapproved run so the month can be started again."""
    run = get_run(run_id)
    with locks.held_step(run.pk, "calculate", user,
                         f"payroll {run.period} is being calculated right now"):
        if locks.is_held(run.pk, "approve"):
            raise BusinessRuleError(f"payroll {run.period} is approved; reverse it instead")
        run = transition(run.pk, ("draft", "calculated", "discarded"),
                         {"status": "discarded"}, "discard")
    Payslip.objects(run=run).delete()
    return transition(run.pk, ("discarded",), {"month_key": f"closed:{run.pk}"}, "discard")

