"""Absence requests: ask, decide (manager or substitute), cancel, record the eAU retrieval.

No transactions: a decision is a compare-and-set on the status `requested`, so of two
managers deciding at once exactly one wins; the count of days is stored with the request.
"""
from datetime import date, datetime, timezone
from decimal import Decimal

from bson import ObjectId

from models.absence import EAU_RESULTS, Absence, AbsenceType, LeavePolicy
from models.employee import Employee
from services.core.errors import BusinessRuleError
from services.core.messages import N_, RuleError
from services.hr import entitlement as rules
from services.hr.workdays import days_per_week, working_days

LIVE = ("requested", "approved")


def workplace_state(employee: Employee) -> str:
    return employee.workplace_state or employee.state or "NW"


def count_days(employee: Employee, start: date, end: date, half_day_start=False,
               half_day_end=False, within=None) -> Decimal:
    """Working days of a span for this employee (week model, holidays of the workplace)."""
    return working_days(start, end, employee.work_days or "12345", workplace_state(employee),
                        half_day_start, half_day_end, within)


def expiry_date(year: int, policy: LeavePolicy) -> date:
    """The last day on which days carried into `year` may still be taken."""
    import calendar

    month = policy.carry_over_until_month
    return date(year, month, min(policy.carry_over_until_day,
                                 calendar.monthrange(year, month)[1]))


def _counted(employee: Employee, statuses) -> list[Absence]:
    types = [t.pk for t in AbsenceType.objects(counts_against_entitlement=True).only("id")]
    return list(Absence.objects(employee=employee, status__in=list(statuses),
                                absence_type__in=types))


def year_accounts(employee: Employee, year: int, as_of: date | None = None):
    """The leave accounts of every year from the hire year to `year`."""
    as_of = as_of or date.today()
    policy = LeavePolicy.current()
    first = employee.hire_date.year
    if year < first:
        return []
    absences = _counted(employee, LIVE)
    taken, until, planned = {}, {}, {}
    for y in range(first, year + 1):
        span, early = (date(y, 1, 1), date(y, 12, 31)), (date(y, 1, 1), expiry_date(y, policy))
        for a in absences:
            n = count_days(employee, a.start, a.end, a.half_day_start, a.half_day_end, span)
            target = taken if a.status == "approved" else planned
            target[y] = target.get(y, Decimal(0)) + n
            if a.status == "approved":
                until[y] = until.get(y, Decimal(0)) + count_days(
                    employee, a.start, a.end, a.half_day_start, a.half_day_end, early)
    ents = {y: rules.entitlement(y, employee.hire_date, employee.exit_date,
                                 employee.vacation_days, employee.work_days or "12345",
                                 bool(employee.severely_disabled))
            for y in range(first, year + 1)}
    expiries = {y: expiry_date(y, policy) for y in range(first, year + 1)}
    accounts = rules.year_accounts(first, year, ents, taken, until, expiries, as_of,
                                   policy.carry_over)
    for account in accounts:
        account.planned = planned.get(account.year, Decimal(0))
    return accounts


def balance(employee: Employee, year: int, as_of: date | None = None):
    """The employee's leave account for one year (None before the hire year)."""
    accounts = year_accounts(employee, year, as_of)
    return accounts[-1] if accounts else None


def _absence_type(value) -> AbsenceType:
    if isinstance(value, AbsenceType):
        return value
    found = AbsenceType.objects(code=value, active=True).first() if isinstance(value, str) \
        else None
    if found is None:
        raise RuleError(N_("Diese Abwesenheitsart gibt es nicht."))
    return found


def request_absence(employee: Employee, absence_type, start: date, end: date, by: str,
                    half_day_start=False, half_day_end=False, note: str = "",
                    illness_of: Absence | None = None, as_of: date | None = None,
                    hours_per_day: Decimal | None = None):
    """Record a request (or, for types without approval, the absence); return it and the
    overlap warnings of the team. `hours_per_day`: Kurzarbeit of some hours a day (empty:
    whole days)."""
    kind = _absence_type(absence_type)
    if end < start:
        raise RuleError(N_("Der letzte Tag liegt vor dem ersten; bitte die Daten tauschen."))
    check_hours_per_day(employee, kind, hours_per_day)
    if start < employee.hire_date or (employee.exit_date and end > employee.exit_date):
        raise RuleError(N_("Die Abwesenheit liegt außerhalb des Arbeitsverhältnisses "
                           "(Eintritt %(hire)s)."), hire=f"{employee.hire_date:%d.%m.%Y}")
    if start == end and half_day_start and half_day_end:
        half_day_end = False  # one half day, not two
    days = count_days(employee, start, end, half_day_start, half_day_end)
    if days == 0 and kind.counts_against_entitlement:
        raise RuleError(N_("Im gewählten Zeitraum liegt kein Arbeitstag (Wochenende oder "
                           "Feiertag)."))
    clash = Absence.objects(employee=employee, status__in=list(LIVE), start__lte=end,
                            end__gte=start).first()
    if clash is not None:
        raise RuleError(N_("Für diesen Zeitraum ist schon eine Abwesenheit eingetragen "
                           "(%(other)s)."), other=str(clash))
    if kind.counts_against_entitlement:
        _check_balance(employee, start, end, half_day_start, half_day_end, as_of)
    absence = Absence(employee=employee, absence_type=kind, start=start, end=end,
                      half_day_start=half_day_start, half_day_end=half_day_end, days=days,
                      hours_per_day=hours_per_day,
                      note=note or None, requested_by=by, department=employee.department,
                      illness_of=illness_of,
                      status="requested" if kind.needs_approval else "approved")
    if not kind.needs_approval:
        absence.decided_by, absence.decided_at = by, datetime.now(timezone.utc)
    absence.save()
    return absence, team_overlaps(absence)


def check_hours_per_day(employee: Employee, kind: AbsenceType, hours) -> None:
    """Hours per day only for Kurzarbeit: more than 0, at most the contractual daily hours."""
    if hours is None:
        return
    if kind.payroll_treatment != "short_time":
        raise RuleError(N_("Stunden je Tag gibt es nur bei Kurzarbeit; andere Abwesenheiten "
                           "zählen ganze oder halbe Tage."))
    if hours <= 0:
        raise RuleError(N_("0 Ausfallstunden sind keine Kurzarbeit; bitte die Stunden je Tag "
                           "angeben oder das Feld für ganze Tage leer lassen."))
    if not employee.weekly_hours:
        raise RuleError(N_("Kurzarbeit in Stunden: im Personalstamm fehlen die "
                           "Wochenstunden; ohne sie lässt sich der Anteil am Gehalt nicht "
                           "rechnen."))
    daily = Decimal(employee.weekly_hours) / days_per_week(employee.work_days)
    if hours > daily:
        raise RuleError(N_("Kurzarbeit: %(hours)s Ausfallstunden am Tag sind mehr als die "
                           "vertraglichen %(daily)s Stunden; bitte die Abwesenheit "
                           "korrigieren."), hours=str(hours), daily=str(round(daily, 2)))


def payroll_notice(absence: Absence) -> str | None:
    """What payroll will do that the requester must know: Kurzarbeit in a minijob brings
    no Kurzarbeitergeld (minijobs are free of unemployment insurance, § 27 (2) SGB III)."""
    from services.payroll.rates import rates_for_month

    if absence.absence_type.payroll_treatment != "short_time":
        return None
    try:
        limit = rates_for_month(absence.start.year, absence.start.month).minijob_limit
    except BusinessRuleError:
        return None
    if absence.employee.monthly_gross is not None and absence.employee.monthly_gross <= limit:
        return N_("Minijob: für Kurzarbeit gibt es kein Kurzarbeitergeld (Minijobs sind in "
                  "der Arbeitslosenversicherung versicherungsfrei, § 27 Abs. 2 SGB III); der "
                  "Arbeitsausfall wird nicht bezahlt.")
    return None


def _check_balance(employee, start, end, half_start, half_end, as_of) -> None:
    for year in range(start.year, end.year + 1):
        wanted = count_days(employee, start, end, half_start, half_end,
                            (date(year, 1, 1), date(year, 12, 31)))
        account = balance(employee, year, as_of)
        left = (account.remaining - account.planned) if account else Decimal(0)
        if wanted > left:
            raise RuleError(N_("Nicht genug Urlaub %(year)s: beantragt %(wanted)s Tage, "
                               "verfügbar %(left)s Tage."), year=year,
                            wanted=str(wanted), left=str(left.normalize()))


def team_overlaps(absence: Absence) -> list[Absence]:
    """Other live absences of the same department that overlap this one."""
    if not absence.department:
        return []
    return list(Absence.objects(department=absence.department, status__in=list(LIVE),
                                start__lte=absence.end, end__gte=absence.start,
                                employee__ne=absence.employee.pk))


def may_decide(user, absence: Absence) -> bool:
    """The employee's manager or the manager's substitute decides; HR only when the
    employee has no manager. Nobody decides their own absence."""
    own = getattr(user, "employee", None)
    employee = absence.employee
    if own is not None and own.pk == employee.pk:
        return False
    if employee.manager is None:
        return user.has_role("hr", "admin")
    return own is not None and own.pk in {
        getattr(employee.manager, "pk", None), getattr(employee.manager_substitute, "pk", None)}


def get_absence(absence_id) -> Absence:
    found = Absence.objects(pk=absence_id).first() if ObjectId.is_valid(str(absence_id)) \
        else None
    if found is None:
        raise RuleError(N_("Diese Abwesenheit gibt es nicht."))
    return found


def decide(absence_id, user, approve: bool, note: str = "") -> Absence:
    """Approve or refuse a request; only the manager, a substitute (or HR without manager)."""
    absence = get_absence(absence_id)
    if not may_decide(user, absence):
        raise RuleError(N_("Nur die Führungskraft der Person oder ihre Vertretung entscheidet "
                           "über diesen Antrag."))
    status = "approved" if approve else "rejected"
    changes = {"set__status": status, "set__decided_by": user.email,
               "set__decided_at": datetime.now(timezone.utc)}
    if note:
        changes["set__note"] = note
    if not Absence.objects(pk=absence.pk, status="requested").update_one(**changes):
        raise RuleError(N_("Über diesen Antrag ist schon entschieden."))
    return absence.reload()


def cancel(absence_id, user) -> Absence:
    """Withdraw a request or an approved absence (the employee or HR)."""
    absence = get_absence(absence_id)
    own = getattr(user, "employee", None)
    if not (user.has_role("hr", "admin") or (own is not None and own.pk == absence.employee.pk)):
        raise RuleError(N_("Nur die Person selbst oder die Personalabteilung kann das "
                           "zurückziehen."))
    if not Absence.objects(pk=absence.pk, status__in=list(LIVE)).update_one(
            set__status="cancelled", set__decided_by=user.email,
            set__decided_at=datetime.now(timezone.utc)):
        raise RuleError(N_("Diese Abwesenheit ist schon abgelehnt oder zurückgezogen."))
    return absence.reload()


def record_eau(absence_id, user: str, result: str) -> Absence:
    """Record that the electronic certificate (eAU) was retrieved from the health fund."""
    absence = get_absence(absence_id)
    if not absence.absence_type.certificate_possible:
        raise RuleError(N_("Für diese Abwesenheitsart gibt es keine Arbeitsunfähigkeits"
                           "bescheinigung."))
    if result not in EAU_RESULTS:
        raise RuleError(N_("Unbekanntes Ergebnis des eAU-Abrufs."))
    absence.update(set__eau_retrieved_at=datetime.now(timezone.utc),
                   set__eau_retrieved_by=user, set__eau_result=result)
    return absence.reload()


def pending_for(user) -> list[Absence]:
    """Requests waiting for this user's decision (as manager or substitute, or HR)."""
    own = getattr(user, "employee", None)
    found = []
    if own is not None:
        team = [e.pk for e in Employee.objects(manager=own.pk).only("id")]
        team += [e.pk for e in Employee.objects(manager_substitute=own.pk).only("id")]
        if team:
            found += list(Absence.objects(employee__in=team, status="requested"))
    if user.has_role("hr", "admin"):
        # From the few open requests to their employees (by _id), not from every employee
        # without a manager: this runs for the menu's task count on every page.
        waiting = {doc["employee"] for doc in Absence._get_collection().find(
            {"status": "requested"}, {"employee": 1}) if doc.get("employee")}
        unmanaged = [doc["_id"] for doc in Employee._get_collection().find(
            {"_id": {"$in": sorted(waiting)}, "manager": None}, {"_id": 1})] if waiting else []
        if unmanaged:
            found += list(Absence.objects(employee__in=unmanaged, status="requested"))
    seen, result = set(), []
    for absence in found:
        if absence.pk not in seen and may_decide(user, absence):
            seen.add(absence.pk)
            result.append(absence)
    return sorted(result, key=lambda a: a.start)
