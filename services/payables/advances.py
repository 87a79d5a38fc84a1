"""Clearing an advance payment (Anzahlung, BT-113 prepaid amount) on the final invoice.

Convention: an advance paid to a supplier before its final invoice is booked by hand (or
by a bank rule) to "Geleistete Anzahlungen" of its VAT rate with the input VAT of the
advance invoice (SKR03 1518 19 % / 1511 7 % / 1510 without VAT; SKR04 1186 / 1181 / 1180).
The final invoice states the whole supply with its whole VAT and deducts the advance
(§ 14 (5) UStG), so on posting the payable is credited with the amount still due only,
and the advance is cleared: its net part credited to the advance account, its VAT taken
back from input VAT (it was deducted when the advance was paid). The invoice does not
say how the advance was split over several rates; it is split like the invoice, by the
gross amount of each rate (services.payables.skonto.split_over_rows).
"""
from decimal import ROUND_HALF_UP, Decimal

from services.core.messages import N_, RuleError
from services.ledger.charts import DEFAULT_CHART, chart_in_use, input_vat_accounts
from services.payables.skonto import NO_VAT, SELF_ASSESSED, split_over_rows

CENT = Decimal("0.01")
ADVANCE_ACCOUNTS = {"SKR03": {"19.00": "1518", "7.00": "1511", "": "1510"},
                    "SKR04": {"19.00": "1186", "7.00": "1181", "": "1180"}}


def clearing_lines(breakdown, prepaid: Decimal, text: str) -> list[dict]:
    """Credit lines that clear `prepaid` (gross) from the advance and input VAT accounts."""
    accounts = ADVANCE_ACCOUNTS[chart_in_use() or DEFAULT_CHART]
    lines = []
    for row, share in split_over_rows(breakdown, prepaid):
        if row.category in NO_VAT or row.category in SELF_ASSESSED or not row.amount:
            lines.append({"account": accounts[""], "credit": share,
                          "text": f"Anzahlung {text}"[:120]})
            continue
        rate = Decimal(row.rate)
        vat_accounts = input_vat_accounts("S", rate)
        account = accounts.get(f"{rate:.2f}")
        if vat_accounts is None or account is None:
            raise RuleError(N_("Für eine Anzahlung zum Steuersatz %(rate)s %% ist kein Konto "
                               "hinterlegt; bitte die Anzahlung von Hand verrechnen"),
                            rate=f"{rate:.2f}")
        tax = (share * rate / (100 + rate)).quantize(CENT, ROUND_HALF_UP)
        lines += [{"account": account, "credit": share - tax,
                   "text": f"Anzahlung {text}"[:120]},
                  {"account": vat_accounts[0], "credit": tax,
                   "text": "Vorsteuer der Anzahlung"}]
    return [ln for ln in lines if ln.get("credit")]
