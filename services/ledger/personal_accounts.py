"""Personal accounts (Debitoren 10000-69999, Kreditoren 70000-99999): numbering and use.

Cut-over, not migration (issue 17 asks to choose): receivables and payables post to a
customer's or supplier's personal account for documents dated on or after the company's
`personal_accounts_from`; older documents, and their later payments, stay on the
collective account (1400/1600, SKR04 1200/3300). Why: a migration would have to move
every open item from the collective account to a personal one by new transfer entries,
which needs an open-item list per customer we do not keep for past years, and it would
make the collective account of already closed months differ from what was handed to the
tax advisor. A cut-over at a fiscal-year start is what DATEV itself does (the opening
balances of the personal accounts come with the Saldenvortrag); no entry is rewritten
and the hash chain is untouched. A payment always credits the account its invoice was
debited to (`receivable_account` takes the invoice's date), so open items never split.

In reports the collective account is the sum of itself and its personal accounts
(`fold_into_collectives`).
"""
from datetime import date

import mongoengine as me

from models.company import Company
from models.counter import next_number
from models.customer import Customer
from models.ledger import Account
from models.supplier import Supplier
from services.core.messages import N_, RuleError
from services.ledger.charts import DEFAULT_CHART, chart_in_use

DEFAULT_RANGES = {"customer": (10000, 69999), "supplier": (70000, 99999)}
COLLECTIVE = {"SKR03": {"customer": "1400", "supplier": "1600"},
              "SKR04": {"customer": "1200", "supplier": "3300"}}
ACCOUNT_TYPE = {"customer": "asset", "supplier": "liability"}


def kind_of(party) -> str:
    """'customer' or 'supplier'."""
    if isinstance(party, Customer):
        return "customer"
    if isinstance(party, Supplier):
        return "supplier"
    raise TypeError(f"no personal account for {type(party).__name__}")


def account_range(kind: str) -> tuple[int, int]:
    """The number range of a kind's personal accounts (company settings, else DATEV's)."""
    company = Company.current()
    if company is None:
        return DEFAULT_RANGES[kind]
    if kind == "customer":
        return company.debtor_from or 10000, company.debtor_to or 69999
    return company.creditor_from or 70000, company.creditor_to or 99999


def collective_account(kind: str) -> str:
    """The collective account (Sammelkonto) of a kind in the chart in use."""
    return COLLECTIVE[chart_in_use() or DEFAULT_CHART][kind]


def assign_personal_account(party) -> str:
    """Give a customer or supplier its personal account once (safe under concurrency).

    The number comes from a gap-free counter per range, claimed once per party (a
    repeated or parallel call gets the same number); the account is opened in the chart.
    """
    if party.account_no:
        return party.account_no
    kind = kind_of(party)
    start, end = account_range(kind)
    number = start + next_number(f"personal-account:{kind}:{start}", owner=str(party.pk)) - 1
    if number > end:
        raise RuleError(N_("Der Nummernkreis der Personenkonten %(start)s–%(end)s ist "
                           "ausgeschöpft; erweitern Sie ihn in den Firmendaten."),
                        start=str(start), end=str(end))
    _open_account(str(number), party.name, kind)
    type(party).objects(pk=party.pk, account_no=None).update_one(set__account_no=str(number))
    party.account_no = type(party).objects(pk=party.pk).scalar("account_no").first()
    return party.account_no


def _open_account(number: str, name: str, kind: str) -> None:
    if Account.objects(number=number).first() is not None:
        return
    try:
        Account(number=number, name=name[:120], type=ACCOUNT_TYPE[kind]).save()
    except me.NotUniqueError:
        pass  # opened by a parallel call


def uses_personal_accounts(day: date) -> bool:
    """Whether documents of this day post to personal accounts (on/after the cut-over)."""
    company = Company.current()
    cutover = company.personal_accounts_from if company else None
    return cutover is not None and day >= cutover


def receivable_account(customer, day: date) -> str:
    """The account an invoice of `day` to `customer` debits (and its payments credit)."""
    if not uses_personal_accounts(day):
        return collective_account("customer")
    return assign_personal_account(customer)


def payable_account(supplier, day: date) -> str:
    """The account a supplier invoice of `day` credits (and its payments debit)."""
    if not uses_personal_accounts(day):
        return collective_account("supplier")
    return assign_personal_account(supplier)


def collective_of(number: str) -> str | None:
    """The collective account a personal account belongs to, None for other accounts."""
    if not number.isdigit() or len(number) < 5:
        return None
    value = int(number)
    for kind in ("customer", "supplier"):
        start, end = account_range(kind)
        if start <= value <= end:
            return collective_account(kind)
    return None


def fold_into_collectives(amounts: dict) -> dict:
    """Add each personal account's amount to its collective account (balance sheet view)."""
    folded: dict = {}
    for number, amount in amounts.items():
        target = collective_of(number) or number
        folded[target] = folded[target] + amount if target in folded else amount
    return folded
