"""One calendar of deadlines: statutory ones from the rules, contracts, licence renewals,
mandatory instructions and trainings, ends of retention."""
from dataclasses import dataclass, field
from functools import lru_cache
from types import SimpleNamespace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from models.compliance import ComplianceDone, ComplianceSettings
from models.it_asset import Licence
from models.user import User
from services.compliance.days import next_working_day, nth_last_banking_day
from services.compliance.rules import RULES, Rule
from services.contracts.register import deadline_of, open_contracts
from services.core.messages import N_

PERIOD_MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12}
IT_ROLES = ("admin", "support")
HR_ROLES = ("admin", "hr")
RESPONSIBLE_ROLES = ("admin", "finance", "hr", "support")


def berlin_today() -> date:
    return datetime.now(ZoneInfo("Europe/Berlin")).date()


@dataclass(frozen=True)
class Item:
    key: str                       # "<rule>:<period>", stable (done marks, iCal UID)
    title: str                     # German message id
    due: date
    area: str
    law: str = ""
    roles: tuple = ()
    owner: str | None = None       # user id (contracts)
    url: str = ""
    params: dict = field(default_factory=dict)
    done: bool = False

    def overdue(self, today: date) -> bool:
        return not self.done and self.due < today


def _period_label(last_month: date, months: int) -> str:
    if months == 12:
        return f"{last_month.year}"
    if months == 3:
        return f"Q{(last_month.month - 1) // 3 + 1}/{last_month.year}"
    return f"{last_month.month:02d}/{last_month.year}"


def due_date(rule: Rule, period_last_month: date, settings) -> date:
    """The due day of one period of a rule (period given by its last month's first day)."""
    kind = rule.due[0]
    if kind == "day":
        _, day, months = rule.due
        if rule.extension and getattr(settings, rule.extension, False):
            months += 1
        due = period_last_month + relativedelta(months=months, day=day)
    elif kind == "banking_from_end":
        due = nth_last_banking_day(period_last_month.year, period_last_month.month, rule.due[1])
    else:
        _, month, day = rule.due
        due = date(period_last_month.year + 1, month, day)
    if rule.shift == "ao108":
        due = next_working_day(due, settings.holiday_subdivision)
    return due


def _interval(rule: Rule, settings) -> str:
    return getattr(settings, rule.interval, None) or rule.interval


SETTING_FIELDS = ("vat_return_interval", "permanent_extension", "wage_tax_interval",
                  "ec_sales_list_interval", "holiday_subdivision", "annual_statements")


def statutory_items(start: date, end: date, settings=None) -> list[Item]:
    """Every statutory deadline due from `start` to `end` (inclusive)."""
    settings = settings or ComplianceSettings.current()
    key = tuple(getattr(settings, name, None) for name in SETTING_FIELDS)
    return list(_statutory_items(start, end, key))


@lru_cache(maxsize=256)
def _statutory_items(start: date, end: date, key: tuple) -> tuple[Item, ...]:
    """The computation behind statutory_items, cached per range and settings (pure dates)."""
    settings = SimpleNamespace(**dict(zip(SETTING_FIELDS, key)))
    items = []
    for rule in RULES:
        months = PERIOD_MONTHS.get(_interval(rule, settings))
        if months is None or (rule.setting and not getattr(settings, rule.setting, True)):
            continue
        # a period falls due at most 13 months after its last month (the annual ones)
        month = date(start.year, start.month, 1) - relativedelta(months=13)
        while month <= end:
            if month.month % months == 0:
                due = due_date(rule, month, settings)
                if start <= due <= end:
                    period = _period_label(month, months)
                    items.append(Item(key=f"{rule.code}:{period}", title=rule.title, due=due,
                                      area="compliance", law=rule.law, roles=rule.roles,
                                      params={"period": period}))
            month += relativedelta(months=1)
    return tuple(items)


def contract_items(start: date, end: date) -> list[Item]:
    """The next cancellation deadline of each open contract, if it falls into the range."""
    items = []
    for contract in open_contracts():
        found = deadline_of(contract, start)
        if found and found.deadline <= end:
            items.append(Item(
                key=f"contract:{contract.number}:{found.deadline.isoformat()}",
                title=N_("Kündigungsfrist Vertrag %(number)s (%(subject)s)"),
                due=found.deadline, area="contracts", roles=("admin", "finance"),
                owner=str(contract.owner.pk) if contract.owner else None,
                url=f"/admin/contracts/details/?id={contract.pk}",
                params={"number": contract.number, "subject": contract.subject}))
    return items


def licence_items(start: date, end: date) -> list[Item]:
    """Licence renewals falling into the range."""
    return [Item(key=f"licence:{lic.pk}:{lic.renewal_date.isoformat()}",
                 title=N_("Lizenz %(product)s verlängern oder kündigen"), due=lic.renewal_date,
                 area="it", roles=IT_ROLES, url=f"/admin/licences/details/?id={lic.pk}",
                 params={"product": lic.product})
            for lic in Licence.objects(renewal_date__gte=start, renewal_date__lte=end)]


def training_items(start: date, end: date) -> list[Item]:
    """Mandatory instructions falling due and trainings booked in the range, for HR and the
    person (owner: the employee's user account)."""
    from models.training import Training
    from services.hr.training import due_dates

    users = {raw["employee"]: str(raw["_id"]) for raw in User.objects(
        employee__ne=None, active=True).only("employee").as_pymongo() if raw.get("employee")}
    items = [Item(key=f"instruction:{d.instruction.pk}:{d.employee.pk}:{d.due.isoformat()}",
                  title=N_("Unterweisung %(instruction)s: %(employee)s"), due=d.due,
                  area="hr", law=d.instruction.legal_basis or "", roles=HR_ROLES,
                  owner=users.get(d.employee.pk), url=f"/admin/instructions/details/?id={d.instruction.pk}",
                  params={"instruction": d.instruction.name, "employee": _person(d.employee)})
             for d in due_dates(start) if start <= d.due <= end]
    for training in Training.objects(date__gte=start, date__lte=end):
        items.append(Item(
            key=f"training:{training.pk}", title=N_("Schulung %(title)s: %(employee)s"),
            due=training.date, area="hr", roles=HR_ROLES,
            owner=users.get(training.employee.pk), url=f"/admin/trainings/details/?id={training.pk}",
            params={"title": training.title, "employee": _person(training.employee)}))
    return items


def _person(employee) -> str:
    return f"{employee.first_name} {employee.last_name}".strip()


def retention_items(start: date, end: date) -> list[Item]:
    """Ends of retention: archived files that may be destroyed the day after, per category
    and day, and records kept restricted (Art. 18) that the erasure job then anonymises."""
    from models.archive import ArchivedFile

    counts: dict[tuple[str, date], int] = {}
    for raw in ArchivedFile.objects(keep_until__gte=start, keep_until__lte=end).only(
            "category", "keep_until").as_pymongo():
        day = raw["keep_until"].date() if hasattr(raw["keep_until"], "date") else raw["keep_until"]
        key = (str(raw["category"]), day)
        counts[key] = counts.get(key, 0) + 1
    items = [Item(key=f"retention:{category}:{day.isoformat()}",
                  title=N_("Aufbewahrungsfrist endet: %(count)s archivierte Dateien"),
                  due=day, area="archive", roles=("admin",), law="§ 147 AO, § 257 HGB",
                  url="/admin/archive_files/", params={"count": str(n)})
             for (category, day), n in sorted(counts.items())]
    for collection, model, number, title in _restricted_models():
        for record in model.objects(restricted_until__gte=start, restricted_until__lte=end,
                                    erased_at=None).only(number, "restricted_until"):
            items.append(Item(
                key=f"restriction:{collection}:{record.pk}:{record.restricted_until.isoformat()}",
                title=title, due=record.restricted_until, area="privacy", roles=("admin",),
                law="Art. 17, 18 DSGVO", params={"number": str(getattr(record, number))}))
    return items


def _restricted_models():
    from models.customer import Customer
    from models.employee import Employee
    from models.supplier import Supplier

    return (("employees", Employee, "personnel_no",
             N_("Einschränkung endet, danach Anonymisierung: Personalnummer %(number)s")),
            ("customers", Customer, "customer_no",
             N_("Einschränkung endet, danach Anonymisierung: Kunde %(number)s")),
            ("suppliers", Supplier, "supplier_no",
             N_("Einschränkung endet, danach Anonymisierung: Lieferant %(number)s")),
            ("users", User, "id",
             N_("Einschränkung endet, danach Anonymisierung: Benutzerkonto %(number)s")))


def calendar(start: date, end: date, settings=None) -> list[Item]:
    """All deadlines from `start` to `end`, by due date, with their done marks."""
    items = statutory_items(start, end, settings) + contract_items(start, end) + \
        licence_items(start, end) + training_items(start, end) + retention_items(start, end)
    done = {d.pk for d in ComplianceDone.objects(pk__in=[i.key for i in items]).only("id")}
    items = [Item(**{**i.__dict__, "done": i.key in done}) for i in items]
    return sorted(items, key=lambda i: (i.due, i.key))


def visible_to(item: Item, user) -> bool:
    """Tell whether the user is responsible for (or owns) the item."""
    return user.has_role(*item.roles) or (item.owner is not None and item.owner == str(user.pk))


def calendar_for(user, start: date, end: date) -> list[Item]:
    """The deadlines the user is responsible for (an auditor, who reads only: all of them)."""
    items = calendar(start, end)
    if user.has_role("auditor") and not user.has_role(*RESPONSIBLE_ROLES):
        return items
    return [i for i in items if visible_to(i, user)]


def mark_done(key: str, user: str) -> None:
    """Mark a calendar item as done (repeating it changes nothing)."""
    ComplianceDone.objects(pk=key).update_one(
        upsert=True, set_on_insert__done_by=user, set_on_insert__done_at=datetime.now(
            ZoneInfo("UTC")))
