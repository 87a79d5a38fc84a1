"""What a month's approved absences mean for payroll: days without wage and without SV.

- `unpaid` days: no wage (1/30 of the monthly gross per calendar day, half days at the
  edges 0.5), SV days stay (§ 7 (3) SGB IV: up to a month unpaid leave keeps the
  employment);
- `short_time` (Kurzarbeit) spans: the hours lost on the employee's working days (week
  model, public holidays of the workplace state), either the absence's hours per day or
  the contractual daily hours (weekly hours / working days per week; a half day at the
  edges half of it); the pay lost follows from the hours (services/payroll/kurzarbeit.py),
  SV days stay;
- `benefit` days (parental leave, maternity protection, child sick pay): no wage, no SV days;
- `sick` days: the wage continues for six weeks (42 calendar days) per illness, counted
  over every absence of the same illness, and only once the employment has lasted four
  weeks (§ 3 (1), (3) EFZG); after that Krankengeld: no wage, no SV days.
The payroll run reads this (services/payroll/runs.py); nothing is entered twice.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from models.absence import Absence, AbsenceType
from services.hr.workdays import days_between

SICK_PAY_DAYS = 42
WAITING_DAYS = 28


@dataclass
class MonthEffect:
    unpaid_days: Decimal = Decimal(0)
    sv_free_days: int = 0
    short_time: list = field(default_factory=list)   # Kurzarbeit spans of the month
    sick_pay_end: list = field(default_factory=list)   # last days of sick pay in the month


@dataclass(frozen=True)
class Span:
    treatment: str
    start: date
    end: date
    half_day_start: bool = False
    half_day_end: bool = False
    illness: object = None   # key of the illness (the first absence's id)
    hours: Decimal | None = None   # Kurzarbeit: hours lost per day (None: whole days)


def day_weight(span: Span, day: date) -> Decimal:
    if (span.half_day_start and day == span.start) or (span.half_day_end and day == span.end):
        return Decimal("0.5")
    return Decimal(1)


def sick_days_without_pay(spans: list[Span], hire: date) -> set[date]:
    """The days of an illness (all its absences) after sick pay ended or before it began."""
    waiting_end = hire + timedelta(days=WAITING_DAYS)
    paid, unpaid = 0, set()
    for span in sorted(spans, key=lambda s: s.start):
        for day in days_between(span.start, span.end):
            if day < waiting_end or paid >= SICK_PAY_DAYS:
                unpaid.add(day)
            else:
                paid += 1
    return unpaid


def month_effect(spans: list[Span], illnesses: dict, hire: date, first: date,
                 last: date) -> MonthEffect:
    """One employee's effect in the month [first, last]; `illnesses` maps an illness key to
    every span of that illness (also outside the month)."""
    effect = MonthEffect()
    sv_free = set()
    for span in spans:
        if span.treatment == "sick":
            without = sick_days_without_pay(illnesses.get(span.illness, [span]), hire)
            days = [d for d in days_between(max(span.start, first), min(span.end, last))
                    if d in without]
            sv_free.update(days)
            effect.unpaid_days += len(days)
            paid_days = [d for d in days_between(span.start, span.end) if d not in without]
            if paid_days and paid_days[-1] < span.end and first <= paid_days[-1] <= last:
                effect.sick_pay_end.append(paid_days[-1])
            continue
        if span.treatment == "short_time":
            effect.short_time.append(span)
            continue
        if span.treatment not in ("unpaid", "benefit"):
            continue
        for day in days_between(max(span.start, first), min(span.end, last)):
            effect.unpaid_days += day_weight(span, day)
            if span.treatment == "benefit" and day_weight(span, day) == 1:
                sv_free.add(day)
    effect.sv_free_days = len(sv_free)
    return effect


def month_spans(first: date, last: date) -> tuple[dict, dict]:
    """Approved absences touching the month, per employee id, and every span of the
    illnesses among them."""
    treatments = {t["_id"]: t["payroll_treatment"] for t in
                  AbsenceType.objects.only("payroll_treatment").as_pymongo()}
    per_employee, roots = defaultdict(list), set()
    fields = ("employee", "absence_type", "start", "end", "half_day_start", "half_day_end",
              "illness_of", "hours_per_day", "status")
    for raw in approved_between(first, last, fields):
        treatment = treatments.get(raw["absence_type"], "paid")
        if treatment == "paid":
            continue
        illness = raw.get("illness_of") or raw["_id"]
        if treatment == "sick":
            roots.add(illness)
        per_employee[raw["employee"]].append(_span(raw, treatment, illness))
    illnesses = defaultdict(list)
    roots, seen = sorted(roots), set()
    for at in range(0, len(roots), IN_CHUNK):   # each answered through an index
        chunk = roots[at:at + IN_CHUNK]
        for key in ("_id", "illness_of"):
            for raw in Absence._get_collection().find(
                    {key: {"$in": chunk}}, {name: 1 for name in fields}):
                if raw.get("status") != "approved" or raw["_id"] in seen:
                    continue
                seen.add(raw["_id"])
                illness = raw.get("illness_of") or raw["_id"]
                illnesses[illness].append(_span(raw, "sick", illness))
    return per_employee, illnesses


IN_CHUNK = 1000   # the embedded database answers an `$in` of up to 1,000 values by index


def approved_between(first: date, last: date, fields: tuple):
    """Raw approved absences touching [first, last], read through the `end` index.

    The status is checked here, not in the query: with `status` in the filter the embedded
    database answered through the status index and read every approved absence of all
    years (measured: 48,000 absences of past years, 2.7 s for a month that had none; by
    the date range alone 0.01 s, see BENCHMARKS.md). Absences end after they start, so
    `end >= first` leaves the current and future ones only.
    """
    query = {"end": {"$gte": _dt(first)}, "start": {"$lte": _dt(last)}}
    for raw in Absence._get_collection().find(query, {name: 1 for name in fields}):
        if raw.get("status") == "approved":
            yield raw


def _dt(day: date):
    from datetime import datetime, timezone

    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)


def _span(raw: dict, treatment: str, illness) -> Span:
    hours = raw.get("hours_per_day")
    return Span(treatment, _day(raw["start"]), _day(raw["end"]),
                bool(raw.get("half_day_start")), bool(raw.get("half_day_end")), illness,
                Absence._fields["hours_per_day"].to_python(hours) if hours is not None
                else None)


@dataclass
class ShortTimeHours:
    """The Kurzarbeit of one employee's month in hours (or in days: see `unit`)."""

    days: Decimal = Decimal(0)        # working days with Kurzarbeit (half days 0.5)
    lost: Decimal = Decimal(0)        # hours lost
    contract: Decimal = Decimal(0)    # contractual hours of the employed days of the month
    in_hours: bool = True             # False: no weekly hours, lost/contract count days


def short_time_hours(spans: list[Span], work_days: str, state: str, weekly_hours,
                     employed: tuple[date, date]) -> ShortTimeHours:
    """Hours lost to Kurzarbeit and the contractual hours of the employed part of the month.

    A working day is a day of the week model that is no public holiday of the workplace
    state; its contractual hours are weekly hours / working days per week. A span with
    hours per day loses those hours on each of its working days (a half edge day: half of
    them); a span without loses the contractual hours of the day. Without weekly hours in
    the contract whole days still work (lost and contract then count working days, which
    gives the same share of the salary); hours per day then raise RuleError, as does a
    day that would lose more than its contractual hours.
    """
    from services.core.messages import N_, RuleError
    from services.hr.workdays import days_per_week, is_working_day

    work_days = work_days or "12345"
    result = ShortTimeHours(in_hours=bool(weekly_hours))
    if not weekly_hours and any(span.hours is not None for span in spans):
        raise RuleError(N_("Kurzarbeit in Stunden: im Personalstamm fehlen die "
                           "Wochenstunden; ohne sie lässt sich der Anteil am Gehalt nicht "
                           "rechnen."))
    daily = (Decimal(weekly_hours) / days_per_week(work_days)) if weekly_hours else Decimal(1)
    first, last = employed
    result.contract = sum((daily for day in days_between(first, last)
                           if is_working_day(day, work_days, state)), Decimal(0))
    for span in spans:
        if span.hours is not None and span.hours > daily:
            raise RuleError(N_("Kurzarbeit: %(hours)s Ausfallstunden am Tag sind mehr als "
                               "die vertraglichen %(daily)s Stunden; bitte die Abwesenheit "
                               "korrigieren."), hours=str(span.hours),
                            daily=str(round(daily, 2)))
        for day in days_between(max(span.start, first), min(span.end, last)):
            if not is_working_day(day, work_days, state):
                continue
            weight = day_weight(span, day)
            result.days += weight
            result.lost += (span.hours if span.hours is not None else daily) * weight
    return result


def _day(value) -> date:
    return value.date() if hasattr(value, "date") else value


def sick_pay_endings(since: date) -> list[tuple]:
    """(absence, last day of sick pay) for illnesses whose sick pay ended on or after
    `since` while the employee stayed ill: Krankengeld from the next day, HR reports it."""
    sick_types = [t.pk for t in AbsenceType.objects(payroll_treatment="sick").only("id")]
    found = []
    for absence in Absence.objects(status="approved", absence_type__in=sick_types,
                                   end__gte=since):
        root = absence.illness_of.pk if absence.illness_of else absence.pk
        spans = [_span(raw, "sick", root) for raw in Absence.objects(status="approved").filter(
            __raw__={"$or": [{"_id": root}, {"illness_of": root}]}).as_pymongo()]
        without = sick_days_without_pay(spans, absence.employee.hire_date)
        waiting_end = absence.employee.hire_date + timedelta(days=WAITING_DAYS)
        ended = [d for d in days_between(absence.start, absence.end)
                 if d in without and d >= waiting_end]
        if ended and ended[0] - timedelta(days=1) >= since:
            found.append((absence, ended[0] - timedelta(days=1)))
    return found
