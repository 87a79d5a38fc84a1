"""Open items a bank transaction can settle, from a registry of providers.

Each provider lists its open items and settles one with a payment. Built in: customer
invoices (services.invoicing), payroll liabilities (services.payroll) and supplier
invoices (services.payables' public payment functions).
"""
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Callable, Iterable

from services.core.errors import BusinessRuleError


@dataclass
class OpenItem:
    """Something that waits for money: + received from a customer, - paid out."""

    key: str                        # "<kind>:<id>[:<part>]", unique over all providers
    kind: str
    direction: int                  # +1 incoming payment expected, -1 outgoing
    open_amount: Decimal            # positive
    party: str = ""                 # e.g. "customer:<id>"; learned IBANs point here
    party_name: str = ""
    references: tuple = ()          # document numbers, end-to-end ids the payer may quote
    due: date | None = None
    skonto_amount: Decimal | None = None   # discount allowed when paid by skonto_until
    skonto_until: date | None = None
    ibans: tuple = ()               # IBANs the party is known to pay from / be paid to
    label: str = ""


@dataclass
class Provider:
    kind: str
    open_items: Callable[[], Iterable[OpenItem]]
    # settle(item_key, amount, day, user, key, bank_account, reference, discount) -> entry id
    settle: Callable[..., object]
    label: str = ""


_PROVIDERS: dict[str, Provider] = {}


def register_provider(kind: str, open_items, settle, label: str = "") -> None:
    """Register (or replace) the provider of one kind of open item."""
    _PROVIDERS[kind] = Provider(kind, open_items, settle, label)


def providers() -> dict[str, Provider]:
    _builtin()
    return dict(_PROVIDERS)


def all_open_items() -> list[OpenItem]:
    """Every provider's open items (read once per reconciliation run, then indexed)."""
    return [item for p in providers().values() for item in p.open_items()]


def settle(item_key: str, **kwargs):
    """Settle an open item through its provider; returns the journal entry's id."""
    kind = item_key.split(":", 1)[0]
    provider = providers().get(kind)
    if provider is None:
        raise BusinessRuleError(f"Unbekannte Art offener Posten: {kind}")
    return provider.settle(item_key, **kwargs)


# ---------------------------------------------------------------- customer invoices

def _invoice_items() -> Iterable[OpenItem]:
    from models.invoice import Invoice

    fields = ("number", "customer", "gross_total", "paid_total", "due_date", "recipient",
              "issue_date")
    for inv in Invoice.objects(status="issued", kind="invoice").only(*fields).no_dereference():
        open_amount = inv.gross_total - (inv.paid_total or Decimal("0.00"))
        if open_amount <= 0:
            continue
        discount, until = _skonto_terms(inv, open_amount)
        yield OpenItem(key=f"invoice:{inv.pk}", kind="invoice", direction=1,
                       open_amount=open_amount, party=f"customer:{_ref_id(inv.customer)}",
                       party_name=(inv.recipient or {}).get("name", ""),
                       references=(inv.number,), due=inv.due_date, skonto_amount=discount,
                       skonto_until=until, label=f"Rechnung {inv.number}")


def _ref_id(value):
    """The id behind a not dereferenced reference (DBRef, ObjectId or document)."""
    return getattr(value, "id", None) or getattr(value, "pk", None) or value


def _skonto_terms(inv, open_amount: Decimal):
    """Skonto terms, if the invoice model has them (percent and days or a last date)."""
    percent = getattr(inv, "skonto_percent", None)
    if not percent or inv.paid_total:
        return None, None
    until = getattr(inv, "skonto_until", None)
    days = getattr(inv, "skonto_days", None)
    if until is None and days is not None and inv.issue_date:
        until = inv.issue_date + timedelta(days=int(days))
    if until is None:
        return None, None
    return (inv.gross_total * Decimal(percent) / 100).quantize(Decimal("0.01")), until


def _settle_invoice(item_key, *, amount, day, user, key, bank_account, reference, discount=None):
    from models.invoice import Invoice
    from services.invoicing import issuing

    inv = Invoice.objects.get(pk=item_key.split(":")[1])
    if discount:
        record_skonto = getattr(issuing, "record_skonto", None)
        if record_skonto is None:
            raise BusinessRuleError("Skonto kann in dieser Version noch nicht gebucht werden; "
                                    "bitte den Rest als Teilzahlung offen lassen")
        record_skonto(inv, amount=discount, day=day, user=user, key=f"{key}:skonto")
    inv = issuing.record_payment(inv, amount=amount, day=day, user=user, key=key,
                                 reference=reference[:120], bank_account=bank_account)
    if inv.status == "paid":
        from services.banking.sepa import mark_paid

        mark_paid(f"direct-debit:{inv.pk}")  # a collection's item is closed by its credit
    return next(p.entry_id for p in inv.payments if p.key == key)


# ---------------------------------------------------------------- payroll liabilities

def _payroll_items() -> Iterable[OpenItem]:
    from models.payroll import PayrollRun
    from services.payroll.payments import LABELS, open_liabilities

    for run in PayrollRun.objects(status="posted"):
        for kind, amount in open_liabilities(run).items():
            yield OpenItem(key=f"payroll:{run.pk}:{kind}", kind="payroll", direction=-1,
                           open_amount=amount, party=f"payroll:{kind}",
                           party_name=LABELS[kind],
                           references=(f"LOHN-{run.year}-{run.month:02d}-{kind}",),
                           label=f"{LABELS[kind]} {run.period}")


def _settle_payroll(item_key, *, amount, day, user, key, bank_account, reference, discount=None):
    from models.payroll import PayrollRun
    from services.payroll.payments import open_liabilities, pay_liability

    _, run_id, kind = item_key.split(":")
    run = PayrollRun.objects.get(pk=run_id)
    owed = open_liabilities(run).get(kind)
    if owed is not None and owed != amount:
        raise BusinessRuleError(f"Die Lohnverbindlichkeit {run.period} beträgt {owed:.2f} €; "
                                "sie wird nur im Ganzen bezahlt")
    return pay_liability(run_id, kind, user, on=day, bank_account=bank_account).pk


# ---------------------------------------------------------------- supplier invoices

def _supplier_items() -> Iterable[OpenItem]:
    from services.payables.payments import open_supplier_invoices

    for inv in open_supplier_invoices():
        if (inv.get("currency") or "EUR") != "EUR":
            continue  # open in a foreign currency: paid by hand with its EUR amount
        incoming = inv["amount_open"] < 0          # a credit note: the supplier pays back
        refs = tuple(r for r in (inv["number"], inv.get("payment_reference"),
                                 inv.get("end_to_end_ref")) if r)
        skonto = inv.get("skonto_amount")
        yield OpenItem(key=f"supplier_invoice:{inv['id']}", kind="supplier_invoice",
                       direction=1 if incoming else -1, open_amount=abs(inv["amount_open"]),
                       party=f"supplier:{inv['supplier_id']}", party_name=inv["supplier"] or "",
                       references=tuple(dict.fromkeys(refs)), due=inv["due_date"],
                       skonto_amount=abs(skonto) if skonto else None,
                       skonto_until=inv.get("skonto_until"),
                       ibans=(inv["iban"],) if inv.get("iban") and inv.get("iban_confirmed") else (),
                       label=f"Eingangsrechnung {inv['number']}")


def _settle_supplier(item_key, *, amount, day, user, key, bank_account, reference, discount=None):
    from services.banking.sepa import mark_paid
    from services.payables.payments import record_supplier_payment

    # Skonto taken (discount) is booked by payables with its input VAT correction.
    inv = record_supplier_payment(item_key.split(":")[1], amount, day, user, key,
                                  bank_account=bank_account, discount=discount)
    if inv.open_amount <= 0:
        mark_paid(f"supplier-invoice:{inv.pk}")  # the payment run's item is closed too
    return next(p.entry_id for p in inv.payments if p.key == key)


# ---------------------------------------------------------------- returns

RETURN_WINDOW_DAYS = 400   # unauthorised direct debits can come back for 13 months
REOPENABLE = ("invoice", "supplier_invoice")


def returnable_items(today: date | None = None) -> list[OpenItem]:
    """Booked payments to invoices a return or chargeback can take back, by their reference."""
    from models.bank_statement import BankTransaction

    since = (today or date.today()) - timedelta(days=RETURN_WINDOW_DAYS)
    found = []
    query = BankTransaction.objects(status="booked", booking_date__gte=since,
                                    allocations__kind__in=REOPENABLE)
    for tx in query.only("amount", "end_to_end_id", "allocations", "counterparty_name"):
        if not tx.end_to_end_id:
            continue
        for n, alloc in enumerate(tx.allocations):
            if alloc.kind in REOPENABLE and not alloc.returned_by:
                found.append(OpenItem(
                    key=f"return:{tx.pk}:{n}", kind="return",
                    direction=-1 if tx.amount > 0 else 1, open_amount=alloc.amount,
                    party_name=tx.counterparty_name or "", references=(tx.end_to_end_id,),
                    label=f"Rückbuchung {alloc.label or alloc.ref}"))
    return found


def _settle_return(item_key, *, amount, day, user, key, bank_account, reference, discount=None):
    """Reopen the invoice a returned payment had settled (its payment is taken back)."""
    from models.bank_statement import BankTransaction

    from bson import ObjectId

    _, tx_id, n = (item_key.split(":") + ["", ""])[:3]
    original = BankTransaction.objects(pk=tx_id).first() if ObjectId.is_valid(tx_id) else None
    n = int(n) if n.isdigit() else -1
    alloc = original.allocations[n] if original and 0 <= n < len(original.allocations) else None
    fee = discount or Decimal("0.00")   # withheld by the banks from a returned transfer
    if alloc is None or alloc.kind not in REOPENABLE or alloc.amount != amount + fee:
        raise BusinessRuleError("Die zurückgebuchte Zahlung passt nicht zum Bankumsatz; bitte "
                                "die Rückbuchung auf ein Konto buchen")
    if fee and alloc.kind != "supplier_invoice":
        raise BusinessRuleError("Ein einbehaltenes Entgelt gibt es nur bei einer "
                                "zurückgekommenen Überweisung an einen Lieferanten")
    payment_key, doc_id = f"bank:{original.pk}:{n}", alloc.ref.split(":")[1]
    if alloc.kind == "invoice":
        from services.banking.direct_debit import collection_returned
        from services.invoicing.issuing import return_payment

        inv = return_payment(doc_id, payment_key=payment_key, day=day, user=user, key=key,
                             reference=reference[:60], bank_account=bank_account)
        collection_returned(inv.pk)
        entry_id = next(p.return_entry_id for p in inv.payments if p.key == payment_key)
    else:
        from models.payment_run import PaymentClaim
        from services.payables.payments import return_supplier_payment

        inv = return_supplier_payment(doc_id, payment_key, day, user, key,
                                      bank_account=bank_account, fee=fee)
        PaymentClaim.objects(id=f"supplier-invoice:{doc_id}").delete()  # may be paid again
        entry_id = next(p.return_entry_id for p in inv.payments if p.key == payment_key)
    BankTransaction._get_collection().update_one(
        {"_id": original.pk}, {"$set": {f"allocations.{n}.returned_by": key}})
    return entry_id


def _builtin() -> None:
    _PROVIDERS.setdefault("invoice", Provider("invoice", _invoice_items, _settle_invoice,
                                              "Ausgangsrechnung"))
    _PROVIDERS.setdefault("payroll", Provider("payroll", _payroll_items, _settle_payroll,
                                              "Lohnverbindlichkeit"))
    _PROVIDERS.setdefault("supplier_invoice", Provider(
        "supplier_invoice", _supplier_items, _settle_supplier, "Eingangsrechnung"))
    _PROVIDERS.setdefault("return", Provider("return", lambda: (), _settle_return,
                                             "Rückbuchung"))
