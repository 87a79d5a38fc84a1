"""Erasure (Art. 17 DSGVO) of customers, suppliers and users, respecting § 147 AO / § 257 HGB.

What a booked document needs is already inside it: an issued invoice holds the recipient
as invoiced (`Invoice.recipient`), a supplier invoice the supplier as invoiced
(`supplier_data`, `iban`), a journal entry the e-mail of whoever created and posted it.
Those are never rewritten (the hash chains stay verifiable). The master record itself
is what the books point at (the personal account, the user who posted): it is kept,
restricted (Art. 18), until the retention of the last booked document ends, then the job
`privacy_erasure` anonymises it the day after. Contact channels the books do not need go
at once. A record without any booked document is anonymised at once.

While invoices are still open (drafts, unpaid) the claim is still being pursued
(Art. 17 (3) e): erasure is refused until they are settled, cancelled or deleted.
"""
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Callable

from models.customer import Customer
from models.invoice import Invoice
from models.ledger import Account, JournalEntry
from models.privacy_log import ErasureLogEntry
from models.supplier import Supplier
from models.supplier_invoice import SupplierInvoice
from models.user import User
from services.archive.retention_rules import keep_until_for
from services.core.messages import N_, RuleError

BOOKED_INVOICE = ("issued", "paid", "cancelled")
BOOKED_SUPPLIER_INVOICE = ("posted", "cancelled")


@dataclass(frozen=True)
class Party:
    kind: str
    model: type
    number: str                       # the pseudonym field (customer_no ...)
    erase_now: tuple[str, ...]        # not needed by any booked document
    anonymise_later: tuple[str, ...]  # kept, restricted, until retention ends
    last_booked: Callable             # record -> date of its last booked document or None
    open_items: Callable              # record -> number of documents still open


def _last(query, field):
    doc = query.order_by(f"-{field}").only(field).first()
    return getattr(doc, field) if doc else None


def _account_last(party):
    """The last journal entry on the party's personal account (a payment may come later)."""
    if not party.account_no:
        return None
    return _last(JournalEntry.objects(lines__account=party.account_no), "date")


def _latest(*days):
    return max((d for d in days if d), default=None)


def _customer_last(c):
    return _latest(_last(Invoice.objects(customer=c.pk, status__in=BOOKED_INVOICE),
                         "issue_date"), _account_last(c))


def _customer_open(c):
    return Invoice.objects(customer=c.pk, status__in=("draft", "issuing", "issued")).count()


def _supplier_last(s):
    return _latest(_last(SupplierInvoice.objects(supplier=s.pk,
                                                 status__in=BOOKED_SUPPLIER_INVOICE),
                         "issue_date"), _account_last(s))


def _supplier_open(s):
    drafts = SupplierInvoice.objects(supplier=s.pk, status__nin=BOOKED_SUPPLIER_INVOICE
                                     + ("rejected",)).count()
    unpaid = sum(1 for i in SupplierInvoice.objects(supplier=s.pk, status="posted").only(
        "amount_due", "gross_total", "paid_total")
        if (i.paid_total or 0) < (i.amount_due if i.amount_due is not None else i.gross_total or 0))
    return drafts + unpaid


def _user_last(u):
    dates = [_last(JournalEntry.objects(**{field: u.email}), "date")
             for field in ("created_by", "posted_by")]
    dates.append(_last(Invoice.objects(issued_by=u.email, status__in=BOOKED_INVOICE),
                       "issue_date"))
    return _latest(*dates)


PARTIES = {
    "customer": Party("customer", Customer, "customer_no", ("email", "electronic_address"),
                      ("street", "postal_code", "city", "vat_id", "leitweg_id"),
                      _customer_last, _customer_open),
    "supplier": Party("supplier", Supplier, "supplier_no",
                      ("email", "phone", "contact_name", "iban"),
                      ("street", "postal_code", "city", "vat_id", "tax_number"),
                      _supplier_last, _supplier_open),
    "user": Party("user", User, "id", ("name", "locale", "employee"), (),
                  _user_last, lambda u: 0),
}
# the retention category of what the record is kept for: the personal account and the
# journal are books (10 years); without a personal account, the invoices (8 years)
LEGAL_BASIS = {"books": "§ 147 Abs. 1 Nr. 1, Abs. 3 AO; § 257 Abs. 4 HGB (Bücher)",
               "invoice": "§ 147 Abs. 3 AO; § 14b UStG (Rechnungen)",
               "invoice_in": "§ 147 Abs. 3 AO; § 14b UStG (Eingangsrechnungen)"}


def pseudonym(party: Party, record) -> str:
    """The number the record keeps after erasure (never a name or an e-mail)."""
    return str(record.pk) if party.kind == "user" else getattr(record, party.number)


def _category(party: Party, record) -> str:
    if party.kind == "user" or record.account_no:
        return "books"
    return "invoice" if party.kind == "customer" else "invoice_in"


def keep_until(party: Party, record) -> tuple[date | None, str]:
    """Last day the record must be kept, and the category it is kept for."""
    category = _category(party, record)
    last = party.last_booked(record)
    if last is None:
        return None, category
    until = keep_until_for(category, last)
    if until is None:
        raise RuleError(N_("Für die Kategorie %(cat)s fehlt eine Aufbewahrungsregel."),
                        cat=category)
    return until, category


def erase_party(kind: str, record, *, user: str, reason: str, today: date) -> str:
    """Erase or restrict a customer, supplier or user now; return 'anonymised' or 'restricted'."""
    party = PARTIES[kind]
    _check(party, record, user)
    until, category = keep_until(party, record)
    if until is None or today > until:
        anonymise_party(party, record, user=user, reason=reason)
        return "anonymised"
    update = {"$set": {"restricted_until": datetime(until.year, until.month, until.day),
                       "active": False}}
    if party.erase_now:
        update["$unset"] = {f: "" for f in party.erase_now}
    if kind == "user":
        update["$set"].update(_locked_user())
        update["$inc"] = {"session_version": 1}
        _drop_feed(record)
    changed = party.model._get_collection().update_one(
        {"_id": record.pk, "erased_at": None}, update)
    if changed.modified_count:
        _log(party, record, "restricted", party.erase_now, user, reason, until,
             LEGAL_BASIS[category])
    return "restricted"


def anonymise_party(party: Party, record, *, user: str, reason: str) -> None:
    """Replace the remaining personal data by the pseudonym (the record's number)."""
    fields = party.erase_now + party.anonymise_later
    name = f"Gelöscht {pseudonym(party, record)}"
    update = {"$set": {"erased_at": datetime.now(timezone.utc), "active": False,
                       "name": name}}
    if party.kind == "user":
        _drop_feed(record)
        update["$set"].update(_locked_user())
        update["$set"]["email"] = f"geloescht-{record.pk}@invalid.invalid"
        update["$inc"] = {"session_version": 1}
    if unset := [f for f in fields if f not in update["$set"]]:
        update["$unset"] = {f: "" for f in unset}
    changed = party.model._get_collection().update_one(
        {"_id": record.pk, "erased_at": None}, update)
    if not changed.modified_count:
        return
    if getattr(record, "account_no", None):
        # the personal account's label in the chart carried the name
        Account.objects(number=record.account_no).update_one(set__name=name)
    _log(party, record, "anonymised", fields + ("name",), user, reason, None, None)


def purge_restricted_parties(today: date, user: str = "job:privacy_erasure") -> int:
    """Anonymise every restricted customer, supplier and user whose keep-until lies before today."""
    done = 0
    for party in PARTIES.values():
        for record in party.model.objects(restricted_until__lt=today, erased_at=None):
            anonymise_party(party, record, user=user, reason="Aufbewahrungsfrist abgelaufen")
            done += 1
    return done


def find_party(kind: str, key: str):
    """The record by its number, a user's e-mail, or its _id; None when there is none."""
    from bson import ObjectId

    party = PARTIES[kind]
    key = (key or "").strip()
    if ObjectId.is_valid(key):
        found = party.model.objects(pk=ObjectId(key)).first()
        if found is not None:
            return found
    field = "email" if kind == "user" else party.number
    return party.model.objects(**{field: key.lower() if kind == "user" else key}).first()


def _check(party: Party, record, user: str) -> None:
    label = pseudonym(party, record)
    if record.erased_at is not None:
        raise RuleError(N_("Die Daten von %(no)s sind bereits gelöscht."), no=label)
    if party.kind == "user":
        if record.email == user:
            raise RuleError(N_("Das eigene Benutzerkonto kann nicht gelöscht werden; "
                               "bitten Sie eine andere Administratorin darum."))
        admins = User.objects(roles="admin", active=True, erased_at=None, pk__ne=record.pk)
        if "admin" in (record.roles or ()) and admins.count() == 0:
            raise RuleError(N_("%(no)s ist der letzte aktive Administrator: legen Sie erst "
                               "einen anderen an."), no=label)
        return
    still_open = party.open_items(record)
    if still_open:
        raise RuleError(N_("%(no)s hat noch %(count)s offene Rechnungen (Entwürfe oder "
                           "unbezahlt): erst ausgleichen, stornieren oder löschen, dann "
                           "löschen (Art. 17 Abs. 3 e DSGVO)."), no=label, count=str(still_open))


def _drop_feed(user) -> None:
    from models.compliance import CalendarFeed

    CalendarFeed.objects(pk=user.pk).delete()   # the secret calendar URL stops at once


def _locked_user() -> dict:
    # an unusable hash (verify fails) and a new session version end every session
    return {"password_hash": "!gesperrt", "roles": ["employee"], "active": False}


def _log(party, record, step, fields, user, reason, until, basis) -> None:
    ErasureLogEntry(collection=party.model._get_collection_name(), document_id=str(record.pk),
                    pseudonym=pseudonym(party, record), step=step, fields=list(fields),
                    restricted_until=until, legal_basis=basis, reason=reason,
                    by=user).save()


KINDS = ("employee", "customer", "supplier", "user")


def erase_subject(kind: str, key: str, *, user: str, reason: str, today: date):
    """Erase a person of any kind by number (or a user's e-mail); return (step, record)."""
    from models.employee import Employee
    from services.privacy.erasure import erase_employee

    if kind not in KINDS:
        raise RuleError(N_("Unbekannte Art der Person: %(kind)s"), kind=kind)
    if not (reason or "").strip():
        raise RuleError(N_("Bitte den Anlass der Löschung angeben (z. B. Antrag vom …)."))
    if kind == "employee":
        record = Employee.objects(personnel_no=(key or "").strip()).first()
    else:
        record = find_party(kind, key)
    if record is None:
        raise RuleError(N_("Keine Person dieser Art mit „%(key)s“ gefunden."), key=key)
    if kind == "employee":
        step = erase_employee(record, user=user, reason=reason, today=today)
    else:
        step = erase_party(kind, record, user=user, reason=reason, today=today)
    record.reload()
    return step, record
