"""The accounts the automatic postings use, in the installation's chart of accounts.

One installation keeps its books in one chart, SKR03 or SKR04 (DATEV), chosen when the
reference data is first seeded (`flask --app app seed-reference --chart SKR04`). The
two charts give the same numbers different meanings (1200 is the bank in SKR03 and
trade receivables in SKR04), so they are never mixed. Revenue and VAT accounts per VAT
rate live on the VAT rates (seeds/data/vat_rates.csv); the rest is here.
"""
from models.ledger import Account

CHARTS = ("SKR03", "SKR04")
DEFAULT_CHART = "SKR03"

POSTING_ACCOUNTS = {
    "SKR03": {"bank": "1200", "receivables": "1400", "salaries": "4120",
              "minijob_wages": "4190", "employer_si": "4130", "flat_tax": "4199",
              "net_payable": "1740", "tax_payable": "1741", "si_payable": "1742",
              "minijob_payable": "1743", "payables": "1600", "purchase_expense": "4900",
              "goods_purchase": "3400", "profit_carried": "0860", "loss_carried": "0868",
              "opening_clearing": "9000", "vat_prepayments": "1780", "bank_fees": "4970",
              "fx_loss": "2150", "fx_gain": "2660",
              "short_time_receivable": "1500"},
    "SKR04": {"bank": "1800", "receivables": "1200", "salaries": "6020",
              "minijob_wages": "6030", "employer_si": "6110", "flat_tax": "6040",
              "net_payable": "3720", "tax_payable": "3730", "si_payable": "3740",
              "minijob_payable": "3741", "payables": "3300", "purchase_expense": "6300",
              "goods_purchase": "5400", "profit_carried": "2970", "loss_carried": "2978",
              "opening_clearing": "9000", "vat_prepayments": "3820", "bank_fees": "6855",
              "fx_loss": "6880", "fx_gain": "4840",
              "short_time_receivable": "1300"},
}


def chart_in_use() -> str | None:
    """The chart the seeded accounts belong to, or None before any is seeded."""
    return Account.chart_in_use()


def posting_accounts() -> dict[str, str]:
    """The accounts of the automatic postings (bank, receivables, payroll) by role."""
    return POSTING_ACCOUNTS[chart_in_use() or DEFAULT_CHART]


def posting_account(role: str) -> str:
    return posting_accounts()[role]


# Input VAT of supplier invoices by treatment and rate: (input VAT, output VAT or None).
# "S": ordinary input VAT (§ 15 UStG); "AE": § 13b reverse charge and "K": intra-EU
# acquisition (§ 1a UStG), where the buyer owes the VAT and deducts it again.
INPUT_VAT_ACCOUNTS = {
    "SKR03": {("S", "19"): ("1576", None), ("S", "7"): ("1571", None),
              ("AE", "19"): ("1577", "1787"), ("AE", "7"): ("1578", "1785"),
              ("K", "19"): ("1574", "1774"), ("K", "7"): ("1572", "1772")},
    "SKR04": {("S", "19"): ("1406", None), ("S", "7"): ("1401", None),
              ("AE", "19"): ("1407", "3837"), ("AE", "7"): ("1408", "3835"),
              ("K", "19"): ("1404", "3804"), ("K", "7"): ("1402", "3802")},
}


def input_vat_accounts(category: str, rate) -> tuple[str, str | None] | None:
    """(input VAT account, output VAT account or None) for a supplier invoice's VAT, or None."""
    key = (category, f"{rate:f}".rstrip("0").rstrip(".") if rate is not None else "")
    return INPUT_VAT_ACCOUNTS[chart_in_use() or DEFAULT_CHART].get(key)
