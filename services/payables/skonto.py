"""Skonto taken on a supplier invoice: its split per VAT rate and the input VAT correction.

The discount reduces the price and so the input VAT deducted (§ 17 (1) UStG): it is split
over the invoice's VAT rows in proportion to what was paid for each (gross for ordinary
input VAT, the base where the buyer owes the VAT), each part but the last rounded to the
cent and the last taking the rest. An ordinary part is split again into net (to
"Erhaltene Skonti" of its rate) and input VAT (credited back). Where the buyer owes the
VAT (§ 13b, intra-EU acquisition) the base shrinks, so both self-assessed taxes shrink by
the same amount: output VAT debited, input VAT credited.
"""
from decimal import ROUND_HALF_UP, Decimal

from services.core.messages import N_, RuleError
from services.ledger.charts import DEFAULT_CHART, chart_in_use, input_vat_accounts

CENT = Decimal("0.01")
SELF_ASSESSED = ("AE", "K")
NO_VAT = ("E", "Z", "O", "G")

# Erhaltene Skonti per input VAT rate; "" for parts without input VAT.
RECEIVED_DISCOUNT = {"SKR03": {"19.00": "3736", "7.00": "3731", "": "3730"},
                     "SKR04": {"19.00": "5736", "7.00": "5731", "": "5730"}}


def _q(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def discount_lines(breakdown, discount: Decimal, self_assessed_rate: Decimal, text: str
                   ) -> list[dict]:
    """Journal lines (credits, and debits of output VAT) for a discount on these VAT rows."""
    accounts = RECEIVED_DISCOUNT[chart_in_use() or DEFAULT_CHART]
    lines = []
    for row, share in split_over_rows(breakdown, discount):
        lines.extend(_row_lines(row, share, accounts, self_assessed_rate, text))
    return [ln for ln in lines if ln.get("debit") or ln.get("credit")]


def split_over_rows(breakdown, amount: Decimal) -> list[tuple]:
    """(VAT row, its share) of an amount split by what was paid per row; shares add up."""
    rows = [r for r in breakdown if _paid(r)]
    if not rows:
        raise RuleError(N_("Ohne Steueraufschlüsselung lässt sich der Betrag nicht auf die "
                           "Steuersätze aufteilen"))
    total = sum((_paid(r) for r in rows), Decimal(0))
    result, left = [], amount
    for i, row in enumerate(rows):
        share = left if i == len(rows) - 1 else _q(amount * _paid(row) / total)
        left -= share
        result.append((row, share))
    return result


def _paid(row) -> Decimal:
    """What the supplier was paid for this row: base plus VAT unless the buyer owes it."""
    if row.category in SELF_ASSESSED or row.category in NO_VAT:
        return row.base
    return row.base + row.amount


def _row_lines(row, share: Decimal, accounts: dict, self_assessed_rate: Decimal, text: str):
    if row.category in NO_VAT:
        return [{"account": accounts[""], "credit": share, "text": f"Skonto {text}"[:120]}]
    if row.category in SELF_ASSESSED:
        vat_accounts = input_vat_accounts(row.category, self_assessed_rate)
        if vat_accounts is None:
            raise RuleError(N_("Für %(cat)s zu %(rate)s %% ist kein Steuerkonto hinterlegt"),
                            cat=row.category, rate=str(self_assessed_rate))
        tax = _q(share * self_assessed_rate / 100)
        return [{"account": accounts[""], "credit": share, "text": f"Skonto {text}"[:120]},
                {"account": vat_accounts[1], "debit": tax, "text": "USt-Korrektur Skonto"},
                {"account": vat_accounts[0], "credit": tax, "text": "VSt-Korrektur Skonto"}]
    rate = Decimal(row.rate)
    vat_accounts = input_vat_accounts("S", rate)
    discount_account = accounts.get(f"{rate:.2f}")
    if vat_accounts is None or discount_account is None:
        raise RuleError(N_("Für Skonto zum Steuersatz %(rate)s %% ist kein Konto hinterlegt; "
                           "bitte die Zahlung ohne Skonto erfassen und das Skonto von Hand "
                           "buchen"), rate=f"{rate:.2f}")
    tax = _q(share * rate / (100 + rate)) if row.amount else Decimal("0.00")
    return [{"account": discount_account, "credit": share - tax,
             "text": f"Skonto {text}"[:120]},
            {"account": vat_accounts[0], "credit": tax, "text": "VSt-Korrektur Skonto"}]
