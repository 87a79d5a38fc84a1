"""Kontierung and the journal entry of a supplier invoice; cancellation by reversal.

Invoice: expense per line and cost centre (debit) + input VAT (debit) to the payable
(credit): the supplier's personal creditor account (70000-99999) for invoices dated on or
after the company's cut-over to personal accounts, else the collective account 1600/3300.
§ 13b reverse charge (category AE) and intra-EU acquisition (K): the buyer owes the VAT
and deducts it again, so input VAT (debit) and output VAT (credit) at the German rate.
A credit note is the mirror image and reduces the payable. An advance already paid
(prepaid amount) is cleared in the same entry (services.payables.advances).
"""
from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from models.cost_center import CostCenter
from models.ledger import Account
from models.purchase_order import PurchaseOrder
from models.supplier_invoice import SupplierInvoice
from services.core.messages import N_, RuleError
from services.ledger.charts import input_vat_accounts, posting_account
from services.ledger.personal_accounts import payable_account as personal_payable_account
from services.payables.advances import clearing_lines

CENT = Decimal("0.01")
SELF_ASSESSED = ("AE", "K")  # the buyer owes the VAT
NO_VAT = ("E", "Z", "O", "G")
DEFAULT_SELF_ASSESSED_RATE = Decimal("19")


def assign_accounts(inv: SupplierInvoice, *, order=None, last_booking=None) -> None:
    """Fill missing line accounts: PO line, supplier default, last booking (else by hand).

    `order` (the matched PurchaseOrder) and `last_booking` (a function of the invoice giving
    the account of the supplier's last posted invoice) spare look-ups to a caller that
    read them already (the batch intake).
    """
    if order is None:
        order = PurchaseOrder.objects(pk=inv.purchase_order).first() if inv.purchase_order else None
    last = None
    for line in inv.lines:
        if line.account:
            continue
        if order is not None and line.order_line_ref:
            line.account, line.account_source = posting_account("goods_purchase"), "po_line"
        elif inv.supplier is not None and inv.supplier.default_account:
            line.account, line.account_source = inv.supplier.default_account, "supplier"
        else:
            if last is None:  # read once, and only when a line needs it
                last = (last_booking or _last_booking_account)(inv) or ""
            if last:
                line.account, line.account_source = last, "last_booking"


def _last_booking_account(inv: SupplierInvoice) -> str | None:
    if inv.supplier is None:
        return None
    previous = SupplierInvoice.objects(supplier=inv.supplier, status="posted",
                                       pk__ne=inv.pk).order_by("-created_at").only("lines").first()
    return next((ln.account for ln in previous.lines if ln.account), None) if previous else None


def _q(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def journal_lines(inv: SupplierInvoice, self_assessed_rate: Decimal = DEFAULT_SELF_ASSESSED_RATE
                  ) -> list[dict]:
    """The balanced lines of the invoice's entry (before the credit-note mirror)."""
    missing = [ln.line_id or str(i) for i, ln in enumerate(inv.lines, 1) if not ln.account]
    if not inv.lines or missing:
        raise RuleError(N_("Bitte für jede Position ein Aufwandskonto angeben (fehlt bei "
                           "Position %(lines)s)"), lines=tuple(missing) or ("alle",))
    unknown = sorted({ln.account for ln in inv.lines} - set(
        Account.objects(number__in=[ln.account for ln in inv.lines], active=True).scalar("number")))
    if unknown:
        raise RuleError(N_("Konto %(accounts)s gibt es nicht (oder es ist gesperrt)"),
                        accounts=tuple(unknown))
    _check_cost_centers(inv)
    conv = _converter(inv)
    expense = defaultdict(Decimal)
    vat = defaultdict(Decimal)
    for row in _breakdown(inv):
        group = [ln for ln in inv.lines
                 if (ln.vat_category or "S") == row.category and ln.vat_rate == row.rate] or inv.lines
        lines_sum = sum((ln.net_amount for ln in group), Decimal(0))
        for ln in group:
            expense[(ln.account, ln.cost_center or None)] += ln.net_amount
        # Document-level allowances and charges of this rate go to its largest line's account.
        largest = max(group, key=lambda ln: ln.net_amount)
        expense[(largest.account, largest.cost_center or None)] += row.base - lines_sum
        _vat_lines(vat, row, self_assessed_rate, conv)
    _vat_in_eur_as_invoiced(inv, vat)
    result = [{"account": acc, "debit": conv(amount), "text": inv.number,
               **({"cost_center": cc} if cc else {})}
              for (acc, cc), amount in expense.items() if amount]
    for (account, side), amount in vat.items():
        if amount:
            result.append({"account": account, side: _q(amount), "text": inv.number})
    if inv.kind == "invoice" and (inv.prepaid or 0) > 0:
        result += clearing_lines(inv.vat_breakdown, inv.prepaid, inv.number or "")
    total_debit = sum((ln.get("debit", Decimal(0)) for ln in result), Decimal(0))
    total_credit = sum((ln.get("credit", Decimal(0)) for ln in result), Decimal(0))
    result.append({"account": payable_account(inv), "credit": total_debit - total_credit,
                   "text": f"{inv.number} {inv.supplier.name if inv.supplier else ''}"[:200]})
    return result


def payable_account(inv: SupplierInvoice) -> str:
    """The account the invoice credits (and its payments debit): personal or collective."""
    if inv.payable_account:
        return inv.payable_account  # fixed when it was posted
    if inv.supplier is None:
        return posting_account("payables")
    return personal_payable_account(inv.supplier, inv.issue_date or date.today())


def _check_cost_centers(inv: SupplierInvoice) -> None:
    codes = sorted({ln.cost_center for ln in inv.lines if ln.cost_center})
    unknown = sorted(set(codes) - set(CostCenter.objects(code__in=codes, active=True)
                                      .scalar("code"))) if codes else []
    if unknown:
        raise RuleError(N_("Kostenstelle %(codes)s gibt es nicht (oder sie ist inaktiv)"),
                        codes=tuple(unknown))
    bare = sorted({ln.account for ln in inv.lines if not ln.cost_center})
    strict = sorted(Account.objects(number__in=bare, cost_center_required=True)
                    .scalar("number")) if bare else []
    if strict:
        raise RuleError(N_("Konto %(accounts)s verlangt eine Kostenstelle; bitte bei den "
                           "Positionen eintragen"), accounts=tuple(strict))


def _breakdown(inv: SupplierInvoice):
    if inv.vat_breakdown:
        return inv.vat_breakdown
    raise RuleError(N_("Die Steueraufschlüsselung fehlt; bitte Steuersatz, Bemessungsgrundlage "
                       "und Steuerbetrag erfassen"))


def is_foreign(inv: SupplierInvoice) -> bool:
    return (inv.currency or "EUR").upper() != "EUR"


def _converter(inv: SupplierInvoice):
    """Amount in the invoice currency → EUR: identity for EUR, else at the invoice's rate."""
    if not is_foreign(inv):
        return _q
    if not inv.exchange_rate:
        raise RuleError(N_("Rechnung in %(currency)s: der Umrechnungskurs ist noch nicht "
                           "festgelegt; bitte die Rechnung (erneut) prüfen"), currency=inv.currency)
    if (inv.prepaid or 0) > 0:
        raise RuleError(N_("Anzahlungen auf Rechnungen in Fremdwährung werden nicht automatisch "
                           "verrechnet; bitte die Anzahlung als manuelle Buchung erfassen"))
    rate = inv.exchange_rate
    return lambda amount: _q(Decimal(amount) / rate)


def _vat_in_eur_as_invoiced(inv: SupplierInvoice, vat: dict) -> None:
    """BT-111 (VAT total in EUR, tax currency EUR) replaces the converted input VAT."""
    if not is_foreign(inv) or (inv.tax_currency or "").upper() != "EUR" \
            or inv.vat_total_tax_currency is None:
        return
    rows = [r for r in _breakdown(inv) if r.category not in NO_VAT + SELF_ASSESSED and r.amount]
    keys = [(acc, "debit") for acc in dict.fromkeys(input_vat_accounts("S", r.rate)[0]
                                                    for r in rows)]
    if not keys:
        return
    total_foreign = sum((r.amount for r in rows), Decimal(0))
    left = inv.vat_total_tax_currency
    for i, key in enumerate(keys):
        share = sum((r.amount for r in rows if input_vat_accounts("S", r.rate)[0] == key[0]),
                    Decimal(0))
        part = left if i == len(keys) - 1 else _q(inv.vat_total_tax_currency * share / total_foreign)
        vat[key] = part
        left -= part


def _vat_lines(vat: dict, row, self_assessed_rate: Decimal, conv=None) -> None:
    conv = conv or _q
    if row.category in NO_VAT:
        return
    if row.category in SELF_ASSESSED:
        accounts = input_vat_accounts(row.category, self_assessed_rate)
        amount = _q(conv(row.base) * self_assessed_rate / 100)
        if accounts is None:
            raise RuleError(N_("Für %(cat)s zu %(rate)s %% ist kein Steuerkonto hinterlegt"),
                            cat=row.category, rate=str(self_assessed_rate))
        vat[(accounts[0], "debit")] += amount
        vat[(accounts[1], "credit")] += amount
        return
    accounts = input_vat_accounts("S", row.rate)
    if accounts is None:
        raise RuleError(N_("Für den Steuersatz %(rate)s %% ist kein Vorsteuerkonto hinterlegt"),
                        rate=f"{row.rate:.2f}")
    vat[(accounts[0], "debit")] += conv(row.amount)


def entry_lines(inv: SupplierInvoice) -> list[dict]:
    """The lines as posted: the invoice's, or their mirror for a credit note."""
    lines = journal_lines(inv, inv.self_assessed_rate or DEFAULT_SELF_ASSESSED_RATE)
    if inv.kind != "credit_note":
        return lines
    return [{"account": ln["account"], "debit": ln.get("credit", Decimal(0)),
             "credit": ln.get("debit", Decimal(0)), "text": ln.get("text")} for ln in lines]


def posting_date(inv: SupplierInvoice, today: date) -> date:
    """The invoice date, or today when the invoice's month is already closed."""
    from services.ledger.posting import is_period_closed

    day = inv.issue_date or today
    return today if is_period_closed(day) else day
