"""SEPA direct-debit collections: customer invoices collected by mandate (pain.008).

A clerk proposes a collection for a due date from a chosen bank account (its IBAN, BIC
and creditor id); another person releases it. The due date must be a TARGET2 day at
least one TARGET2 day after the release (D-1), and each invoice must have reached its
customer the mandate's pre-notification days before. Sequence type: FRST for a recurring
mandate's first collection, RCUR afterwards, OOFF for a one-off mandate; a mandate not
used for 36 months has lapsed. The clerk may mark a follow-up collection as the
mandate's last (FNAL): its release claims the mandate's end (compare-and-set), closes the
mandate, and refuses any later collection on it. The released file is validated against the pain.008 XSD
and archived; the end-to-end id is the invoice number, so the bank's credit matches the
invoice by its number, and a return (Rücklastschrift) finds the collection again.
"""
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from bson import ObjectId

from models.bank_account import BankAccount
from models.counter import next_number
from models.direct_debit import DebitItem, DirectDebitRun
from models.invoice import Invoice
from models.payment_run import PaymentClaim
from models.sepa_mandate import SepaMandate
from services.archive import store as archive_store
from services.banking import run_states
from services.banking.sepa import claim_items
from services.banking.sepa_calendar import earliest_collection, is_target_day
from services.banking.sepa_xml import DEBIT_SCHEMA, build_pain008, check_pain, dk_id
from services.core.messages import N_, RuleError

LAPSE_MONTHS = 36


@dataclass
class DebitProposal:
    item: DebitItem | None
    invoice_number: str
    problem: RuleError | None = None   # why it cannot be collected (translatable)


def sequence_type(mandate: SepaMandate) -> str:
    """FRST, RCUR or OOFF for the mandate's next collection."""
    if mandate.mandate_type == "one_off":
        return "OOFF"
    return "RCUR" if mandate.first_collected_on else "FRST"


def lapsed(mandate: SepaMandate, on: date) -> bool:
    """Tell whether the mandate lapsed (36 months without a collection) by `on`."""
    since = mandate.last_collected_on or mandate.signed_on
    months = (on.year - since.year) * 12 + on.month - since.month - (on.day < since.day)
    return months >= LAPSE_MONTHS


def proposals(collection_date: date) -> list[DebitProposal]:
    """Open invoices of customers with a mandate, each collectable or with its problem."""
    mandates = {m._data["customer"].id: m for m in
                SepaMandate.objects(status__in=("closed", "active")).order_by("-status")
                .no_dereference()}   # an active mandate wins over a closed one
    claimed = set(PaymentClaim.objects(id__startswith="direct-debit:").scalar("id"))
    found = []
    for inv in Invoice.objects(status="issued", kind="invoice").no_dereference():
        mandate = mandates.get(inv._data["customer"].id)
        key = f"direct-debit:{inv.pk}"
        if mandate is None or key in claimed:
            continue
        open_amount = inv.gross_total - (inv.paid_total or Decimal("0.00"))
        if open_amount <= 0:
            continue
        found.append(DebitProposal(*_check(inv, mandate, key, open_amount, collection_date)))
    return found


def _check(inv, mandate, key, amount, collection_date):
    issued = inv.issue_date.date() if isinstance(inv.issue_date, datetime) else inv.issue_date
    notice = (collection_date - issued).days if issued else 0
    problem = None
    if mandate.status == "closed":
        problem = RuleError(N_("Mandat %(mandate)s ist mit der letzten Lastschrift vom %(day)s "
                               "beendet; für weitere Einzüge braucht es ein neues Mandat"),
                            mandate=mandate.reference, day=f"{mandate.closed_on:%d.%m.%Y}")
    elif mandate.signed_on > collection_date:
        problem = RuleError(N_("Mandat %(mandate)s ist erst ab %(day)s unterschrieben"),
                            mandate=mandate.reference, day=f"{mandate.signed_on:%d.%m.%Y}")
    elif lapsed(mandate, collection_date):
        problem = RuleError(N_("Mandat %(mandate)s ist verfallen (36 Monate ohne Einzug)"),
                            mandate=mandate.reference)
    elif mandate.mandate_type == "one_off" and mandate.first_collected_on:
        problem = RuleError(N_("Einmal-Mandat %(mandate)s wurde schon eingezogen"),
                            mandate=mandate.reference)
    elif notice < mandate.pre_notification_days:
        problem = RuleError(N_("Vorabankündigung: Rechnung vom %(day)s liegt nur %(notice)s "
                               "Tage vor dem Einzug, vereinbart sind %(agreed)s"),
                            day=f"{issued:%d.%m.%Y}", notice=notice,
                            agreed=mandate.pre_notification_days)
    item = DebitItem(key=key, invoice=inv.pk, number=inv.number, name=mandate.account_holder,
                     iban=mandate.iban, bic=mandate.bic or None, amount=amount,
                     mandate=mandate.reference, mandate_signed_on=mandate.signed_on,
                     scheme=mandate.scheme, sequence=sequence_type(mandate),
                     end_to_end_id=dk_id(inv.number))
    return (None if problem else item), inv.number, problem


def create_run(collection_date: date, bank_account_id, user: str,
               today: date | None = None) -> DirectDebitRun:
    """Propose a collection of every collectable invoice for the due date."""
    account = _creditor_account(bank_account_id)
    _check_date(collection_date, today or date.today())
    items = [p.item for p in proposals(collection_date) if p.item]
    if not items:
        raise RuleError(N_("Zum %(day)s ist keine Rechnung per Lastschrift einziehbar"),
                        day=f"{collection_date:%d.%m.%Y}")
    number = next_number(f"direct-debit-run:{collection_date.year}")
    run = DirectDebitRun(number=f"LS-{collection_date.year}-{number:05d}",
                         collection_date=collection_date, bank_account=account,
                         created_by=user, edited_by=[user], items=items)
    run.total = sum((i.amount for i in items), Decimal("0.00"))
    return run.save()


def remove_item(run_id, key: str, user: str, version: int) -> DirectDebitRun:
    """Take an invoice out of a draft collection (the version read must still hold)."""
    run = _draft(run_id)
    items = [i for i in run.items if i.key != key]
    return run_states.replace_items(DirectDebitRun, run, items, user, version)


def mark_final(run_id, key: str, user: str, version: int, final: bool = True) -> DirectDebitRun:
    """Mark a follow-up collection as its mandate's last (FNAL), or take the mark back.

    Every invoice of that mandate in the draft gets the same sequence type. Only a
    recurring mandate's follow-up (RCUR) can be the last: a first or one-off collection
    is one already.
    """
    run = _draft(run_id)
    item = next((i for i in run.items if i.key == key), None)
    if item is None:
        raise RuleError(N_("%(run)s wurde inzwischen geändert; bitte neu laden und prüfen"),
                        run=str(run))
    wanted, allowed = ("FNAL", ("RCUR", "FNAL")) if final else ("RCUR", ("FNAL", "RCUR"))
    if item.sequence not in allowed:
        raise RuleError(N_("Nur eine Folgelastschrift kann als letzte Lastschrift des Mandats "
                           "%(mandate)s gelten; Rechnung %(number)s ist eine %(sequence)s"),
                        mandate=item.mandate, number=item.number, sequence=item.sequence)
    for other in run.items:
        if other.mandate == item.mandate:
            other.sequence = wanted
    return run_states.replace_items(DirectDebitRun, run, run.items, user, version)


def release_run(run_id, user: str, version: int, today: date | None = None) -> DirectDebitRun:
    """Release a draft (four eyes): check dates, build and check pain.008, claim, archive."""
    run = _draft(run_id)
    run_states.check_release(run, user, version)
    _check_date(run.collection_date, today or date.today())
    account = _creditor_account(run.bank_account.pk)
    creditor = {"name": _company_name(), "iban": account.iban, "bic": account.bic or "",
                "creditor_id": account.creditor_id}
    xml = build_pain008(run, creditor)
    check_pain(xml, DEBIT_SCHEMA)
    stored = archive_store.store_generated(
        xml, f"{run.number}-{DEBIT_SCHEMA}.xml", "application/xml", run.collection_date, user,
        key=f"direct-debit:{run.pk}:{run.version}", category="voucher")
    _claim_items(run)
    _claim_first_collections(run)
    _claim_final_collections(run)
    # Before the status: a crash here is finished by releasing again (marking is repeat-safe).
    _mark_mandates(run)
    return run_states.mark_released(DirectDebitRun, run, user, version,
                                    {"file": stored.pk, "creditor": creditor},
                                    undo=lambda: _undo_claims(run))


def cancel_run(run_id, user: str) -> DirectDebitRun:
    """Discard a draft collection."""
    return run_states.cancel_draft(DirectDebitRun, run_id, user)


def collection_returned(invoice_id) -> None:
    """After a return: the invoice may be collected again; a returned FRST stays FRST."""
    claim = PaymentClaim.objects(id=f"direct-debit:{invoice_id}").first()
    if claim is None:
        return
    run = DirectDebitRun.objects(pk=claim.run).first()
    item = next((i for i in run.items if i.invoice == ObjectId(str(invoice_id))), None) \
        if run else None
    if item is not None and item.sequence == "FRST":
        SepaMandate.objects(reference=item.mandate, last_collected_on=run.collection_date
                            ).update_one(unset__first_collected_on=True,
                                         unset__last_collected_on=True,
                                         unset__first_run=True)
    claim.delete()


def _check_date(collection_date: date, today: date) -> None:
    if not is_target_day(collection_date):
        raise RuleError(N_("Der %(day)s ist kein TARGET2-Geschäftstag; bitte einen anderen "
                           "Fälligkeitstag wählen"), day=f"{collection_date:%d.%m.%Y}")
    earliest = earliest_collection(today)
    if collection_date < earliest:
        raise RuleError(N_("Lastschriften müssen einen TARGET2-Geschäftstag vor Fälligkeit bei "
                           "der Bank sein: frühester Fälligkeitstag ist der %(day)s"),
                        day=f"{earliest:%d.%m.%Y}")


def _creditor_account(bank_account_id) -> BankAccount:
    account = BankAccount.objects(pk=bank_account_id, active=True).first()
    if account is None:
        raise RuleError(N_("Bitte ein aktives Bankkonto für den Einzug wählen"))
    if not account.creditor_id:
        raise RuleError(N_("Für Lastschriften fehlt die Gläubiger-ID am Bankkonto %(name)s"),
                        name=account.name)
    return account


def _company_name() -> str:
    from models.company import Company

    company = Company.current()
    if company is None or not company.name:
        raise RuleError(N_("Für Lastschriften fehlt der Firmenname (Stammdaten Firma)"))
    return company.name


def _claim_items(run: DirectDebitRun) -> None:
    claim_items(run, lambda item: RuleError(
        N_("Rechnung %(number)s ist schon in einem freigegebenen Lastschrifteinzug; bitte aus "
           "diesem Einzug entfernen"), number=item.number))


def _claim_first_collections(run: DirectDebitRun) -> None:
    """A mandate's FRST or OOFF collection goes out in one released run only.

    Two drafts proposed before either was released both carry the mandate as FRST; the
    claim (condition in the filter) lets the first release through and refuses the other.
    Releasing the same run again after a crash finds its own claim.
    """
    claimed = []
    for item in run.items:
        if item.sequence not in ("FRST", "OOFF"):
            continue
        done = SepaMandate._get_collection().update_one(
            {"reference": item.mandate,
             "$or": [{"first_collected_on": None, "first_run": None}, {"first_run": run.pk}]},
            {"$set": {"first_run": run.pk}})
        if not done.matched_count:
            for reference in claimed:
                SepaMandate._get_collection().update_one(
                    {"reference": reference, "first_run": run.pk,
                     "first_collected_on": None}, {"$unset": {"first_run": ""}})
            PaymentClaim.objects(run=run.pk).delete()
            raise RuleError(N_("Das Mandat %(mandate)s wurde inzwischen schon erstmals "
                               "eingezogen; bitte Rechnung %(number)s aus %(run)s entfernen "
                               "und in einem neuen Einzug als Folgelastschrift einziehen"),
                            mandate=item.mandate, number=item.number, run=str(run))
        claimed.append(item.mandate)


def _claim_final_collections(run: DirectDebitRun) -> None:
    """A mandate ends with its last (FNAL) collection; nothing is collected on it after that.

    The FNAL release claims the mandate's end with the condition in the filter (no other
    run has claimed it); a release with any other collection on a mandate whose end another
    run has claimed is refused. Either refusal undoes this release's claims.
    """
    coll = SepaMandate._get_collection()
    for reference in dict.fromkeys(i.mandate for i in run.items):
        items = [i for i in run.items if i.mandate == reference]
        mine = {"reference": reference, "$or": [{"final_run": None}, {"final_run": run.pk}]}
        day = _dt(run.collection_date)
        if items[0].sequence == "FNAL":
            ok = coll.update_one({"$and": [mine, {"$or": [
                {"released_until": None}, {"released_until": {"$lte": day}}]}]},
                {"$set": {"final_run": run.pk}}).matched_count
            if not ok and coll.count_documents(mine):  # a later follow-up went out first
                _undo_claims(run)
                later = (coll.find_one({"reference": reference}) or {}).get("released_until")
                raise RuleError(N_("Für das Mandat %(mandate)s ist schon eine Folgelastschrift "
                                   "zum %(later)s freigegeben; die letzte Lastschrift muss die "
                                   "späteste sein: bitte Rechnung %(number)s in %(run)s nicht "
                                   "als letzte markieren oder später einziehen"),
                                mandate=reference, later=f"{later:%d.%m.%Y}",
                                number=items[0].number, run=str(run))
        else:
            # The condition and the write in one step: a final collection released at the
            # same moment either came first (this is refused) or sees this date.
            ok = coll.update_one(mine, {"$max": {"released_until": day}}).matched_count
        if not ok:
            _undo_claims(run)
            holder = (coll.find_one({"reference": reference}) or {}).get("final_run")
            raise RuleError(N_("Das Mandat %(mandate)s endet mit der letzten Lastschrift in "
                               "%(other)s; bitte Rechnung %(number)s aus %(run)s entfernen"),
                            mandate=reference, other=str(DirectDebitRun.objects(pk=holder).first()),
                            number=items[0].number, run=str(run))


def _undo_claims(run: DirectDebitRun) -> None:
    """Take back what a refused release of `run` claimed (invoices, first and last collections)."""
    PaymentClaim.objects(run=run.pk).delete()
    coll = SepaMandate._get_collection()
    coll.update_many({"first_run": run.pk, "first_collected_on": None}, {"$unset": {"first_run": ""}})
    coll.update_many({"final_run": run.pk}, {"$unset": {"final_run": "", "closed_on": ""},
                                             "$set": {"status": "active"}})


def _mark_mandates(run: DirectDebitRun) -> None:
    """The mandates were used: the next collection of a recurring one is RCUR; a mandate
    whose last collection (FNAL) this is is closed."""
    for item in run.items:
        mandate = SepaMandate.objects(reference=item.mandate)
        mandate.filter(first_collected_on=None).update_one(
            set__first_collected_on=run.collection_date)
        mandate.update_one(set__last_collected_on=run.collection_date)
        if item.sequence == "FNAL":
            SepaMandate._get_collection().update_one(
                {"reference": item.mandate, "final_run": run.pk},
                {"$set": {"status": "closed", "closed_on": _dt(run.collection_date)}})


def _dt(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)


def _draft(run_id) -> DirectDebitRun:
    run = DirectDebitRun.objects(pk=run_id).first()
    if run is None or run.status != "draft":
        raise RuleError(N_("Nur ein Entwurf eines Lastschrifteinzugs kann geändert oder "
                           "freigegeben werden"))
    return run
