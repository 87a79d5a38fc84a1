"""Employee self-service: masked bank details, change requests with four eyes on the IBAN,
one-time invitations that create the employee's login.

An IBAN change is the classic payroll fraud, so it needs two confirmations by two people
of HR, neither of whom asked for it; an address change needs one. Confirmations are
compare-and-set on the request (status open, this person not yet among the confirmers).
"""
import hashlib
import secrets
from datetime import datetime, timedelta, timezone

from bson import ObjectId

from models.employee import Employee
from models.self_service import ChangeRequest, Invitation
from models.user import User
from services.core.messages import N_, RuleError

ADDRESS_FIELDS = ("street", "postal_code", "city")
BANK_FIELDS = ("iban",)
INVITATION_DAYS = 7


def mask_iban(iban: str | None) -> str:
    """DE89 **** **** **** **30 00: country, check digits and the last four stay."""
    if not iban:
        return ""
    return f"{iban[:4]} {'*' * (len(iban) - 8)} {iban[-4:]}"


def request_change(employee: Employee, changes: dict, by: str) -> ChangeRequest:
    """Ask for new address or bank details; nothing changes until HR confirms."""
    allowed = ADDRESS_FIELDS + BANK_FIELDS
    wanted = {k: (v or "").strip() for k, v in changes.items()
              if k in allowed and (v or "").strip() and (v or "").strip() != (
                  getattr(employee, k) or "")}
    if not wanted:
        raise RuleError(N_("Keine Änderung angegeben."))
    probe = Employee(**{**{k: getattr(employee, k) for k in Employee._fields if k != "id"},
                        **wanted})
    try:
        probe.clean()   # the IBAN's checksum, the postal code: refused now, not at confirm
        probe.validate(clean=False)
    except Exception as exc:   # mongoengine.ValidationError
        raise RuleError(N_("Die Angaben sind ungültig: %(problem)s"), problem=str(exc)) from None
    wanted = {k: getattr(probe, k) for k in wanted}
    if ChangeRequest.objects(employee=employee, status="open").first():
        raise RuleError(N_("Es gibt schon einen offenen Änderungsantrag; bitte warten, bis die "
                           "Personalabteilung ihn bearbeitet hat."))
    return ChangeRequest(employee=employee, changes=wanted, requested_by=by,
                         previous={k: getattr(employee, k) for k in wanted},
                         needed=2 if set(wanted) & set(BANK_FIELDS) else 1).save()


def _get(request_id) -> ChangeRequest:
    found = ChangeRequest.objects(pk=request_id).first() \
        if ObjectId.is_valid(str(request_id)) else None
    if found is None:
        raise RuleError(N_("Diesen Änderungsantrag gibt es nicht."))
    return found


def confirm_change(request_id, user) -> ChangeRequest:
    """Add this HR person's confirmation; apply the change once enough people confirmed."""
    change = _get(request_id)
    if not user.has_role("hr", "admin"):
        raise RuleError(N_("Nur die Personalabteilung bestätigt Änderungen."))
    if user.email == change.requested_by:
        raise RuleError(N_("Wer die Änderung beantragt hat, kann sie nicht selbst bestätigen."))
    own = getattr(user, "employee", None)
    if own is not None and own.pk == change.employee.pk:
        raise RuleError(N_("Die eigenen Daten bestätigt eine andere Person."))
    if user.email in change.confirmations:
        raise RuleError(N_("Sie haben schon bestätigt; eine zweite Person muss bestätigen "
                           "(Vier-Augen-Prinzip)."))
    done = ChangeRequest.objects(pk=change.pk, status="open", confirmations__ne=user.email,
                                 confirmations__size=len(change.confirmations)).update_one(
        push__confirmations=user.email)
    if not done:
        raise RuleError(N_("Der Antrag wurde inzwischen bearbeitet; bitte neu laden."))
    change.reload()
    if len(change.confirmations) >= change.needed:
        employee = change.employee
        for name, value in change.changes.items():
            setattr(employee, name, value)
        employee.save()
        ChangeRequest.objects(pk=change.pk, status="open").update_one(
            set__status="confirmed", set__decided_at=datetime.now(timezone.utc))
        change.reload()
    return change


def reject_change(request_id, user, note: str = "") -> ChangeRequest:
    change = _get(request_id)
    if not user.has_role("hr", "admin"):
        raise RuleError(N_("Nur die Personalabteilung bestätigt Änderungen."))
    if not ChangeRequest.objects(pk=change.pk, status="open").update_one(
            set__status="rejected", set__note=note or None,
            set__decided_at=datetime.now(timezone.utc)):
        raise RuleError(N_("Der Antrag wurde inzwischen bearbeitet; bitte neu laden."))
    return change.reload()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(employee: Employee, email: str, by: str) -> str:
    """Create a one-time invitation; return the token (shown once, only its hash is kept)."""
    if User.objects(employee=employee).first():
        raise RuleError(N_("Diese Person hat schon einen Zugang."))
    if not email:
        raise RuleError(N_("Für die Einladung wird eine E-Mail-Adresse gebraucht."))
    if User.objects(email=email.strip().lower()).first():
        raise RuleError(N_("Zu dieser E-Mail-Adresse gibt es schon einen Benutzer."))
    token = secrets.token_urlsafe(32)
    Invitation(employee=employee, email=email, token_hash=_hash(token), invited_by=by,
               expires_at=datetime.now(timezone.utc) + timedelta(days=INVITATION_DAYS)).save()
    return token


def open_invitation(token: str) -> Invitation | None:
    """The unused, unexpired invitation of this token, else None."""
    return Invitation.objects(token_hash=_hash(token or ""), used_at=None,
                              expires_at__gt=datetime.now(timezone.utc)).first()


def accept_invitation(token: str, password: str) -> User:
    """Set the password: create the employee's login and use the invitation up."""
    invitation = open_invitation(token)
    if invitation is None:
        raise RuleError(N_("Dieser Link ist abgelaufen oder wurde schon benutzt."))
    user = User(email=invitation.email, roles=["employee"], employee=invitation.employee,
                name=f"{invitation.employee.first_name} {invitation.employee.last_name}")
    try:
        user.set_password(password)
    except ValueError as exc:
        raise RuleError(N_("Das Passwort reicht nicht: %(problem)s"), problem=str(exc)) from None
    if not Invitation.objects(pk=invitation.pk, used_at=None).update_one(
            set__used_at=datetime.now(timezone.utc)):
        raise RuleError(N_("Dieser Link ist abgelaufen oder wurde schon benutzt."))
    return user.save()
