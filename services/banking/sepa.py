"""SEPA payment runs: propose, edit, release by a second person, pain.001 files.

The run is paid from the bank account the clerk chose (models.bank_account.BankAccount:
its IBAN and BIC); a run without one falls back to the company's master-data IBAN.
Files are built with sepaxml, the category purpose (SALA for salaries)
added per payment block, and every file is validated against the official XSD shipped
with sepaxml (vendored in services/banking/xsd) before it is stored or offered.
"""
from datetime import date
from decimal import Decimal

import mongoengine as me
from bson import ObjectId
from schwifty import IBAN

from models.bank_account import BankAccount
from models.company import Company
from models.counter import next_number
from models.payment_run import PaymentClaim, PaymentItem, PaymentRun
from services.archive import store as archive_store
from services.banking import run_states, sepa_sources
from services.banking.sepa_xml import SCHEMAS, build_pain001, check_pain
from services.core.formatting import format_decimal_de
from services.core.messages import N_, RuleError


def debtor_account(bank_account_id=None) -> dict:
    """The account the run is paid from: name, IBAN, BIC (the chosen bank account)."""
    company = Company.current()
    if bank_account_id is not None:
        account = BankAccount.objects(pk=bank_account_id, active=True).first() \
            if ObjectId.is_valid(str(bank_account_id)) else None
        if account is None:
            raise RuleError(N_("Das gewählte Bankkonto gibt es nicht oder es ist nicht aktiv"))
        name = company.name if company is not None and company.name else account.name
        return {"name": name, "iban": account.iban, "bic": account.bic or "",
                "ledger_account": account.ledger_account}
    if company is None or not company.iban:
        raise RuleError(N_("Für Zahlungsläufe fehlt die Bankverbindung der Firma "
                           "(Stammdaten Firma: IBAN)"))
    return {"name": company.name, "iban": company.iban, "bic": company.bic or ""}


def open_proposals(up_to: date) -> tuple[list, list]:
    """Payable proposals due by `up_to` not in payment yet, and the problems found."""
    claimed = set(PaymentClaim.objects.scalar("id"))
    found = [p for p in sepa_sources.proposals(up_to) if p.key not in claimed]
    return [p for p in found if not p.problem], [p for p in found if p.problem]


def create_run(up_to: date, execution_date: date, user: str,
               bank_account_id=None) -> PaymentRun:
    """Create a draft run with everything payable by `up_to`, paid from the chosen account."""
    account = None
    if bank_account_id is not None:
        debtor_account(bank_account_id)  # refuse an unknown or inactive account now
        account = BankAccount.objects.get(pk=bank_account_id)
    items, _ = open_proposals(up_to)
    number = next_number(f"payment-run:{execution_date.year}")
    run = PaymentRun(number=f"ZL-{execution_date.year}-{number:05d}", up_to=up_to,
                     execution_date=execution_date, created_by=user, edited_by=[user],
                     bank_account=account,
                     items=[_item(p, execution_date) for p in items])
    run.total = sum((i.amount for i in run.items), Decimal("0.00"))
    return run.save()


def remove_item(run_id, key: str, user: str, version: int) -> PaymentRun:
    """Take an item out of a draft run (the version read by the clerk must still hold)."""
    run = _draft(run_id)
    items = [i for i in run.items if i.key != key]
    return _replace_items(run, items, user, version)


def add_item(run_id, key: str, user: str, version: int) -> PaymentRun:
    """Put a proposed item (due by the run's date, not in payment) into a draft run."""
    run = _draft(run_id)
    if any(i.key == key for i in run.items):
        return run
    items, _ = open_proposals(date.max)
    found = next((p for p in items if p.key == key), None)
    if found is None:
        raise RuleError(N_("Der Posten %(key)s ist nicht (mehr) zahlbar"), key=key)
    return _replace_items(run, [*run.items, _item(found, run.execution_date)], user, version)


def release_run(run_id, user: str, version: int) -> PaymentRun:
    """Release a draft run (four eyes): build and check the files, claim the items."""
    run = _draft(run_id)
    run_states.check_release(run, user, version)
    debtor = debtor_account(_ref_id(run))
    for item in run.items:
        check_iban(item.iban, item.name)
    files = {}
    for schema in SCHEMAS:
        xml = build_pain001(run, debtor, schema)
        check_pain(xml, schema)
        stored = archive_store.store_generated(
            xml, f"{run.number}-{schema}.xml", "application/xml", run.execution_date, user,
            key=f"sepa:{run.pk}:{run.version}:{schema}", category="voucher")
        files[schema.replace(".", "_")] = str(stored.pk)
    _claim_items(run)
    return run_states.mark_released(PaymentRun, run, user, version,
                                    {"files": files, "debtor": debtor},
                                    undo=lambda: PaymentClaim.objects(run=run.pk).delete())


def cancel_run(run_id, user: str) -> PaymentRun:
    """Discard a draft run (a released run went to the bank and stays)."""
    return run_states.cancel_draft(PaymentRun, run_id, user)


def mark_paid(key: str) -> bool:
    """Close an item in payment once the bank statement shows the debit (for reconciliation)."""
    return bool(PaymentClaim.objects(id=key, status="in_payment").update_one(set__status="paid"))


def in_payment(key: str) -> bool:
    """Tell whether an item is in a released run and not yet seen on a statement."""
    return PaymentClaim.objects(id=key, status="in_payment").first() is not None


def check_iban(iban: str, name: str) -> None:
    """Refuse an invalid IBAN, naming whose it is."""
    try:
        IBAN(iban)
    except ValueError:
        raise RuleError(N_("Die IBAN von %(name)s ist ungültig: %(iban)s"),
                        name=name, iban=iban) from None


def claim_items(run, refusal) -> None:
    """Mark every item of a run "in payment" (one PaymentClaim per item key, the insert is
    the atomic check); an item already claimed by another run undoes this run's claims and
    raises `refusal(item)`. Repeat-safe: the run's own claims are found again."""
    for item in run.items:
        try:
            PaymentClaim(id=item.key, run=run.pk, amount=item.amount).save(force_insert=True)
        except me.NotUniqueError:
            other = PaymentClaim.objects(id=item.key).first()
            if other and other.run == run.pk:
                continue
            PaymentClaim.objects(run=run.pk).delete()
            raise refusal(item) from None


def _claim_items(run: PaymentRun) -> None:
    claim_items(run, lambda item: RuleError(
        N_("%(name)s (%(purpose)s) ist schon in einem freigegebenen Zahlungslauf; bitte aus "
           "diesem Lauf entfernen"), name=item.name, purpose=item.purpose))


def _replace_items(run: PaymentRun, items, user: str, version: int) -> PaymentRun:
    return run_states.replace_items(PaymentRun, run, items, user, version)


def _ref_id(run: PaymentRun):
    ref = run._data.get("bank_account")
    return getattr(ref, "id", None) or getattr(ref, "pk", None) or ref


def _draft(run_id) -> PaymentRun:
    run = PaymentRun.objects(pk=run_id).first()
    if run is None or run.status != "draft":
        raise RuleError(N_("Nur ein Entwurf eines Zahlungslaufs kann geändert oder "
                           "freigegeben werden"))
    return run


def _item(p, execution_date: date) -> PaymentItem:
    amount = p.amount_on(execution_date)
    purpose = p.purpose if amount == p.amount else \
        f"{p.purpose} abzgl. Skonto {format_decimal_de(p.amount - amount)}"[:140]
    return PaymentItem(key=p.key, source=p.source, name=p.name, iban=p.iban, bic=p.bic or None,
                       amount=amount, purpose=purpose, due=p.due,
                       category_purpose=p.category_purpose)
