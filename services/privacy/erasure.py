"""Erasure (Art. 17 DSGVO) of a former employee, respecting what tax law must keep.

The payroll account (Lohnkonto) must be kept until the end of the 6th calendar year after
the last wage payment (EStG § 41 (1)); the data it needs stays, restricted (Art. 18), until
then (`restricted_until`), and the job `privacy_erasure` anonymises it the day after.
What the payroll account does not need (contact data, bank account) goes at once. Without
any payslip nothing needs keeping and the record is anonymised at once.

Posted journal entries, payslips and their archived PDFs are never rewritten: they are
vouchers with their own retention (archive rules) and the journal's hash chain stays
intact; they refer to the employee by reference and personnel number (a pseudonym) only.
"""
from datetime import date, datetime, timezone

from models.employee import Employee
from models.payroll import Payslip
from models.privacy_log import ErasureLogEntry
from services.core.messages import N_, RuleError

PAYROLL_ACCOUNT_YEARS = 6  # EStG § 41 (1) Satz 9
ERASE_NOW = ("email", "phone", "iban")
ANONYMISE_LATER = ("birth_date", "street", "postal_code", "city", "social_security_no",
                   "tax_id", "church_denomination", "private_health_premium",
                   "private_care_premium", "department", "position")
LEGAL_BASIS = "EStG § 41 (1): Lohnkonto bis Ende des 6. Kalenderjahres nach der letzten Lohnzahlung"


def keep_until(employee) -> date | None:
    """Last day the payroll account must be kept; None when no wage was ever paid."""
    last = Payslip.objects(employee=employee.pk).order_by("-year").only("year").first()
    return date(last.year + PAYROLL_ACCOUNT_YEARS, 12, 31) if last else None


def erase_employee(employee: Employee, *, user: str, reason: str, today: date) -> str:
    """Erase or restrict a former employee's data now; return 'anonymised' or 'restricted'."""
    if employee.erased_at is not None:
        raise RuleError(N_("Die Daten von %(no)s sind bereits gelöscht."),
                        no=employee.personnel_no)
    if employee.status != "left" or (employee.exit_date and employee.exit_date >= today):
        raise RuleError(N_("%(no)s ist noch beschäftigt: löschen erst nach dem Austritt "
                           "(Status „ausgeschieden“, Austrittsdatum vorbei)."),
                        no=employee.personnel_no)
    until = keep_until(employee)
    if until is None or today > until:
        anonymise(employee, user=user, reason=reason)
        return "anonymised"
    changed = Employee._get_collection().update_one(
        {"_id": employee.pk, "erased_at": None},
        {"$unset": {f: "" for f in ERASE_NOW}, "$set": {"restricted_until": datetime(until.year, until.month, until.day)}})
    if changed.modified_count:
        _log(employee, "restricted", ERASE_NOW, user, reason, until)
    return "restricted"


def anonymise(employee: Employee, *, user: str, reason: str) -> None:
    """Replace the remaining personal data by the pseudonym (the personnel number)."""
    fields = ERASE_NOW + ANONYMISE_LATER
    changed = Employee._get_collection().update_one(
        {"_id": employee.pk, "erased_at": None},
        {"$unset": {f: "" for f in fields},
         "$set": {"first_name": "Gelöscht", "last_name": f"Person {employee.personnel_no}",
                  "erased_at": datetime.now(timezone.utc), "status": "left"}})
    if changed.modified_count:
        _log(employee, "anonymised", fields + ("first_name", "last_name"), user, reason, None)


def purge_restricted(today: date, user: str = "job:privacy_erasure") -> int:
    """Anonymise every restricted record whose keep-until lies before today."""
    done = 0
    for employee in Employee.objects(restricted_until__lt=today, erased_at=None):
        anonymise(employee, user=user, reason="Aufbewahrungsfrist abgelaufen")
        done += 1
    return done


def _log(employee, step, fields, user, reason, until) -> None:
    ErasureLogEntry(collection="employees", document_id=str(employee.pk),
                    pseudonym=employee.personnel_no, step=step, fields=list(fields),
                    restricted_until=until, legal_basis=LEGAL_BASIS if until else None,
                    reason=reason, by=user).save()
