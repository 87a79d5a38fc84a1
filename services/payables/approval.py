"""The way of a supplier invoice: check → approve (four eyes) → posted; reject, ask back, cancel.

Every step is one compare-and-set on the invoice's status (the precondition is in the
update filter), records a history step and an audit-log entry. Posting follows the
approval at once; a crash between the two is completed by calling `post_invoice` again
(the journal entry's idempotency key makes it post once).
"""
from datetime import date, datetime, timezone
from decimal import Decimal

from models.supplier_invoice import ApprovalRule, SupplierInvoice
from services.core.messages import N_, RuleError
from services.payables import booking, fx
from services.payables.history import audit, step

CAPTURERS = ("admin", "finance")
DEFAULT_APPROVER_ROLES = ("finance",)


def _who(user) -> str:
    return getattr(user, "email", None) or str(user)


def _move(inv: SupplierInvoice, user, frm: tuple, to: str, action: str, note=None, **fields):
    """Compare-and-set the status; refuse with a message when someone else moved it first."""
    sets = {"status": to, "updated_at": datetime.now(timezone.utc), **fields}
    done = SupplierInvoice._get_collection().update_one(
        {"_id": inv.pk, "status": {"$in": list(frm)}, "frozen": False},
        {"$set": sets, "$push": {"history": step(_who(user), action, note)}})
    if done.modified_count != 1:
        current = SupplierInvoice.objects(pk=inv.pk).only("status").first()
        raise RuleError(N_("%(inv)s hat den Status „%(status)s“; dieser Schritt ist nur bei "
                           "„%(allowed)s“ möglich"), inv=str(inv),
                        status=current.status if current else "gelöscht", allowed=tuple(frm))
    audit(inv, _who(user), "update", {"status": (inv.status, to),
                                      **({"note": (None, note)} if note else {})})
    return SupplierInvoice.objects.get(pk=inv.pk)


def _require(user, *roles):
    if not user.has_role(*roles):
        raise RuleError(N_("Dieser Schritt ist der Rolle %(roles)s vorbehalten"), roles=roles)


def check_invoice(inv: SupplierInvoice, user) -> SupplierInvoice:
    """Finance confirms the Kontierung and the data: draft → checked."""
    _require(user, *CAPTURERS)
    booking.assign_accounts(inv)
    if inv.supplier is None:
        raise RuleError(N_("Bitte zuerst den Lieferanten zuordnen oder anlegen"))
    if inv.iban_mismatch and not inv.iban_confirmed_by:
        raise RuleError(N_("Die IBAN weicht von den Stammdaten ab: bitte erst nach telefonischer "
                           "Rückfrage beim Lieferanten bestätigen"))
    if not inv.number or not inv.issue_date or inv.gross_total is None:
        raise RuleError(N_("Rechnungsnummer, Rechnungsdatum und Beträge müssen erfasst sein"))
    if inv.manual_lines_required and not inv.lines:
        raise RuleError(N_("Bitte zuerst die Positionen nach dem Beleg erfassen"))
    mismatch = [f.message for f in inv.findings if f.code == "MANUAL-TOTAL"]
    if mismatch:
        raise RuleError(N_("Die erfassten Positionen passen nicht zum Beleg: %(detail)s"),
                        detail=mismatch[0])
    if booking.is_foreign(inv):  # § 16 Abs. 6 UStG: the rate is fixed now, stored with it
        rate = fx.require_rate(inv)
        inv.exchange_rate, inv.rate_kind, inv.rate_day = rate.rate, rate.kind, rate.day
    else:
        inv.exchange_rate = inv.rate_kind = inv.rate_day = None
    booking.journal_lines(inv)  # every line has a valid account, the VAT maps to accounts
    inv.save()  # the assigned accounts
    return _move(inv, user, ("draft",), "checked", "checked", checked_by=_who(user))


def confirm_iban(inv: SupplierInvoice, user, note: str) -> SupplierInvoice:
    """Finance confirms a changed IBAN after calling the supplier (the note says how)."""
    _require(user, *CAPTURERS)
    if not (note or "").strip():
        raise RuleError(N_("Bitte angeben, wie die neue IBAN bestätigt wurde"))
    return _move(inv, user, ("draft", "checked"), inv.status, "iban_confirmed", note,
                 iban_confirmed_by=_who(user))


def confirm_findings(inv: SupplierInvoice, user) -> SupplierInvoice:
    """Only finance may accept the shown validation errors (Schematron, arithmetic)."""
    if not user.has_role("finance"):
        raise RuleError(N_("Prüffehler der E-Rechnung kann nur die Buchhaltung (finance) "
                           "bestätigen"))
    shown = "; ".join(inv.errors)
    return _move(inv, user, ("draft", "checked"), inv.status, "findings_confirmed", shown[:1000],
                 findings_confirmed_by=_who(user))


def approvers_for(inv: SupplierInvoice) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(roles, users) who may approve: the first active rule that matches, else finance."""
    amount = inv.gross_total or Decimal(0)
    for rule in ApprovalRule.objects(active=True).order_by("priority", "-min_amount"):
        if amount < (rule.min_amount or 0) or (rule.max_amount is not None and amount >= rule.max_amount):
            continue
        if rule.supplier is not None and (inv.supplier is None or rule.supplier.pk != inv.supplier.pk):
            continue
        return tuple(rule.approver_roles), tuple(u.lower() for u in rule.approver_users)
    return DEFAULT_APPROVER_ROLES, ()


def may_approve(inv: SupplierInvoice, user) -> bool:
    roles, users = approvers_for(inv)
    return _who(user).lower() != (inv.captured_by or "").lower() and (
        user.has_role("admin", *roles) or _who(user).lower() in users)


def approve_invoice(inv: SupplierInvoice, user, *, today: date | None = None) -> SupplierInvoice:
    """Approve (four eyes: not the capturer) and post at once: checked → approved → posted."""
    if _who(user).lower() == (inv.captured_by or "").lower():
        raise RuleError(N_("Vier-Augen-Prinzip: wer die Rechnung erfasst hat, darf sie nicht "
                           "freigeben"))
    if not may_approve(inv, user):
        raise RuleError(N_("Sie sind für diese Rechnung nicht als Freigebende(r) eingetragen"))
    if inv.errors and not inv.findings_confirmed_by:
        raise RuleError(N_("Die E-Rechnung hat Prüffehler; die Buchhaltung muss sie erst "
                           "bestätigen: %(errors)s"), errors="; ".join(inv.errors)[:800])
    inv = _move(inv, user, ("checked",), "approved", "approved", approved_by=_who(user),
                approved_at=datetime.now(timezone.utc))
    _announce_approval(inv)
    return post_invoice(inv, user, today=today)


def _announce_approval(inv: SupplierInvoice) -> None:
    """Tell the API's webhook subscribers (its scheduler collects the event again if lost)."""
    from services.api.events import supplier_invoice_approved

    supplier_invoice_approved(inv)


def post_invoice(inv: SupplierInvoice, user, *, today: date | None = None) -> SupplierInvoice:
    """Post an approved invoice to the journal (repeat-safe) and freeze it."""
    from services.ledger.posting import post_new_entry

    if inv.status == "posted":
        return inv
    if inv.status != "approved":
        raise RuleError(N_("Nur freigegebene Rechnungen werden gebucht"))
    today = today or date.today()
    lines = booking.entry_lines(inv)
    payable = booking.payable_account(inv)
    payable_eur = sum((ln.get("credit", Decimal(0)) + ln.get("debit", Decimal(0))
                       for ln in lines if ln["account"] == payable), Decimal(0))
    entry = post_new_entry(
        date=booking.posting_date(inv, today), source="payables", user=_who(user),
        text=f"ER {inv.number} {inv.supplier.name if inv.supplier else ''}"[:200],
        lines=lines, voucher_ref=f"ER:{inv.source_file}"[:60],
        idempotency_key=f"supplier-invoice:{inv.pk}")
    SupplierInvoice._get_collection().update_one(
        {"_id": inv.pk, "status": "approved"},
        {"$set": {"status": "posted", "frozen": True, "journal_entry": entry.pk,
                  "payable_account": payable, "payable_eur": int(payable_eur * 100),
                  "updated_at": datetime.now(timezone.utc)},
         "$push": {"history": step(_who(user), "posted", f"Buchung Nr. {entry.number}")}})
    audit(inv, _who(user), "update", {"status": ("approved", "posted"),
                                      "journal_entry": (None, entry.pk)})
    return SupplierInvoice.objects.get(pk=inv.pk)


def reject_invoice(inv: SupplierInvoice, user, reason: str) -> SupplierInvoice:
    """Reject with a reason (never posted; the archived original stays)."""
    if not (reason or "").strip():
        raise RuleError(N_("Bitte einen Grund für die Ablehnung angeben"))
    if inv.status == "checked" and not may_approve(inv, user) and not user.has_role(*CAPTURERS):
        raise RuleError(N_("Sie sind für diese Rechnung nicht als Freigebende(r) eingetragen"))
    return _move(inv, user, ("draft", "checked"), "rejected", "rejected", reason,
                 reject_reason=reason.strip())


def ask_back(inv: SupplierInvoice, user, question: str) -> SupplierInvoice:
    """The approver sends the invoice back to the capturer with a question: checked → draft."""
    if not (question or "").strip():
        raise RuleError(N_("Bitte die Rückfrage formulieren"))
    if not may_approve(inv, user):
        raise RuleError(N_("Sie sind für diese Rechnung nicht als Freigebende(r) eingetragen"))
    return _move(inv, user, ("checked",), "draft", "asked_back", question)


def cancel_invoice(inv: SupplierInvoice, user, reason: str, *, day: date | None = None
                   ) -> SupplierInvoice:
    """Cancel a posted, unpaid invoice by reversing its journal entry."""
    from models.ledger import JournalEntry
    from services.ledger.posting import reverse_entry

    _require(user, *CAPTURERS)
    if inv.status != "posted":
        raise RuleError(N_("Nur gebuchte Rechnungen werden storniert; einen Entwurf bitte "
                           "ablehnen"))
    if inv.payments:
        raise RuleError(N_("Die Rechnung ist (teilweise) bezahlt; bitte zuerst die Zahlung klären"))
    if not (reason or "").strip():
        raise RuleError(N_("Bitte einen Grund für die Stornierung angeben"))
    entry = JournalEntry.objects.get(pk=inv.journal_entry)
    reversal = reverse_entry(entry, _who(user), date=max(day or date.today(), entry.date))
    SupplierInvoice._get_collection().update_one(
        {"_id": inv.pk, "status": "posted"},
        {"$set": {"status": "cancelled", "reversal_entry": reversal.pk,
                  "updated_at": datetime.now(timezone.utc)},
         "$push": {"history": step(_who(user), "cancelled", reason)}})
    audit(inv, _who(user), "update", {"status": ("posted", "cancelled"),
                                      "reversal_entry": (None, reversal.pk)})
    return SupplierInvoice.objects.get(pk=inv.pk)
