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
              "minijob_payable": "1743", "profit_carried": "0860", "loss_carried": "0868",
              "opening_clearing": "9000", "vat_prepayments": "1780"},
    "SKR04": {"bank": "1800", "receivables": "1200", "salaries": "6020",
              "minijob_wages": "6030", "employer_si": "6110", "flat_tax": "6040",
              "net_payable": "3720", "tax_payable": "3730", "si_payable": "3740",
              "minijob_payable": "3741", "profit_carried": "2970", "loss_carried": "2978",
              "opening_clearing": "9000", "vat_prepayments": "3820"},
}


def chart_in_use() -> str | None:
    """The chart the seeded accounts belong to, or None before any is seeded."""
    return Account.chart_in_use()


def posting_accounts() -> dict[str, str]:
    """The accounts of the automatic postings (bank, receivables, payroll) by role."""
    return POSTING_ACCOUNTS[chart_in_use() or DEFAULT_CHART]


def posting_account(role: str) -> str:
    return posting_accounts()[role]
