"""Payslip notification: one mail per employee once a run's payslips are issued.

The mail carries a link to the self-service page (/me/), never the PDF: a payslip holds
salary, tax and health data that plain e-mail should not carry (decision in issue 20).
It goes only to the address in the employee's record; the key `payslip:<run>:<employee>`
makes a repeated call (a second click, a retry after a crash) queue nothing twice.
Employees without an address get nothing; `notification_status` tells HR who they are.
"""
from dataclasses import dataclass, field

from models.employee import Employee
from models.mail import OutgoingMail
from models.payroll import PayrollRun, Payslip
from models.user import User
from services.core.mail import queue_mail
from services.core.messages import N_, RuleError
from services.payroll.documents import ISSUABLE
from services.payroll.render import MONTHS
from services.payroll.runs import get_run

MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")
TEXTS = {
    "de": ("Ihre Entgeltabrechnung {month} {year} steht bereit",
           "Guten Tag {name},\n\nIhre Entgeltabrechnung für {month} {year} steht im "
           "Self-Service bereit:\n{url}\n\nAus Datenschutzgründen senden wir die Abrechnung "
           "nicht per E-Mail; bitte melden Sie sich mit Ihrem Zugang an. Haben Sie noch "
           "keinen Zugang, wenden Sie sich an die Personalabteilung.\n\nIhre "
           "Personalabteilung\n"),
    "en": ("Your payslip for {month} {year} is ready",
           "Hello {name},\n\nyour payslip for {month} {year} is ready in self-service:\n"
           "{url}\n\nTo protect your personal data we do not send the payslip by e-mail; "
           "please log in with your account. If you have no account yet, please contact "
           "HR.\n\nYour HR department\n"),
}


@dataclass
class NotifyResult:
    queued: int = 0                      # new messages in the queue
    earlier: int = 0                     # queued by an earlier call (nothing new)
    without_email: list[str] = field(default_factory=list)   # "T00001 Müller, Jürgen"


def mail_key(run: PayrollRun, employee_id) -> str:
    return f"payslip:{run.pk}:{employee_id}"


def queue_payslip_mails(run_id, base_url: str, user: str) -> NotifyResult:
    """Queue the notification for every issued payslip of an approved run (once each)."""
    run = get_run(run_id)
    if run.status not in ISSUABLE:
        raise RuleError(N_("Benachrichtigungen gibt es erst für freigegebene Lohnläufe."))
    slips = list(Payslip.objects(run=run, pdf__ne=None).only(
        "id", "employee", "employee_data.personnel_no").order_by(
        "employee_data.personnel_no").no_dereference().as_pymongo())
    ids = [s["employee"] for s in slips]
    people = {e.pk: e for e in Employee.objects(pk__in=ids).only(
        "id", "email", "first_name", "last_name", "personnel_no")}
    languages = {u["employee"]: u.get("locale") for u in User.objects(
        employee__in=ids).only("employee", "locale").as_pymongo()}
    known = set(OutgoingMail.objects(idempotency_key__in=[mail_key(run, i) for i in ids])
                .scalar("idempotency_key"))
    result = NotifyResult()
    url = f"{base_url.rstrip('/')}/me/"
    for slip in slips:
        person = people.get(slip["employee"])
        if person is None:
            continue
        if not (person.email or "").strip():
            result.without_email.append(_label(person))
            continue
        key = mail_key(run, person.pk)
        if key in known:
            result.earlier += 1
            continue
        language = languages.get(person.pk) or "de"
        subject, body = _texts(run, person, language, url)
        queue_mail(key=key, kind="payslip", to=[person.email], subject=subject, body=body,
                   user=user, language=language,
                   document=("payslip", slip["_id"],
                             f"Entgeltabrechnung {run.period} {person.personnel_no}"))
        result.queued += 1
    return result


def notification_status(run: PayrollRun) -> dict:
    """For the run screen: messages by state, and who has no address to notify."""
    slips = list(Payslip.objects(run=run, pdf__ne=None).only("id", "employee")
                 .no_dereference().as_pymongo())
    counts = {"queued": 0, "sent": 0, "failed": 0, "cancelled": 0}
    if not slips:
        return {"counts": counts, "without_email": [], "issued": 0}
    keys = [mail_key(run, s["employee"]) for s in slips]
    for state in OutgoingMail.objects(idempotency_key__in=keys).scalar("state"):
        counts[state] = counts.get(state, 0) + 1
    missing = [_label(e) for e in Employee.objects(
        pk__in=[s["employee"] for s in slips]).only(
        "id", "email", "first_name", "last_name", "personnel_no") if not (e.email or "").strip()]
    return {"counts": counts, "without_email": sorted(missing), "issued": len(slips)}


def _label(person: Employee) -> str:
    return f"{person.personnel_no} {person.last_name}, {person.first_name}"


def _texts(run: PayrollRun, person: Employee, language: str, url: str) -> tuple[str, str]:
    subject, body = TEXTS[language]
    month = (MONTHS if language == "de" else MONTHS_EN)[run.month - 1]
    values = dict(month=month, year=run.year, url=url,
                  name=f"{person.first_name} {person.last_name}")
    return subject.format(**values), body.format(**values)
