"""Opening balances (EB-Werte) and the year-end carry-forward (Saldenvortrag).

Both post ordinary journal entries with source "opening" on 1 January; the period
balances keep them in month 0, so reports show them as the opening column.
"""
import hashlib
from datetime import date
from decimal import Decimal

from models.ledger import JournalEntry
from services.core.messages import N_, RuleError
from services.ledger.balances import account_balances
from services.ledger.charts import DEFAULT_CHART, chart_in_use, posting_account
from services.ledger.hgb_mapping import require_mapping
from services.ledger.posting import post_new_entry
from services.ledger.statements import net_income

ZERO = Decimal("0.00")


def import_opening_balances(year: int, balances: dict[str, Decimal], user: str,
                            text: str = "Eröffnungsbilanzwerte") -> JournalEntry | None:
    """Post opening balances (account -> signed balance, debit positive) on 1 January.

    A difference that does not add up to zero goes to the opening clearing account
    (9000 Saldenvorträge), where it stays visible. The same figures twice post once.
    """
    lines = _lines(balances)
    if not lines:
        return None
    rest = sum((Decimal(v) for v in balances.values()), ZERO)
    if rest:
        lines += _lines({posting_account("opening_clearing"): -rest})
    digest = hashlib.sha256(repr(sorted((a, str(v)) for a, v in balances.items()))
                            .encode()).hexdigest()[:16]
    return post_new_entry(date=date(year, 1, 1), text=text, lines=lines, source="opening",
                          user=user, voucher_ref=f"EB-{year}",
                          idempotency_key=f"opening:{year}:{digest}")


def carry_forward(year: int, user: str) -> JournalEntry | None:
    """Carry the balance-sheet accounts of YEAR into YEAR+1, the result to 0860/2970.

    What was carried already is subtracted, so a second run posts nothing (and a late
    correction of YEAR posts only its difference). Returns the entry, or None.
    """
    target = closing_balances(year)
    result = net_income(year)
    if result:
        role = "profit_carried" if result > 0 else "loss_carried"
        account = posting_account(role)
        target[account] = target.get(account, ZERO) - result
    carried = _carried(year)
    delta = {acc: target.get(acc, ZERO) - carried.get(acc, ZERO)
             for acc in set(target) | set(carried)}
    delta = {acc: amount for acc, amount in delta.items() if amount}
    if not delta:
        return None
    if sum(delta.values(), ZERO) != ZERO:
        raise RuleError(N_("Der Saldenvortrag %(year)s geht nicht auf; zuerst "
                           "`ledger verify` ausführen"), year=str(year))
    runs = JournalEntry.objects(voucher_ref=f"SV-{year}", status="posted").count()
    return post_new_entry(date=date(year + 1, 1, 1), text=f"Saldenvortrag aus {year}",
                          lines=_lines(delta), source="opening", user=user,
                          voucher_ref=f"SV-{year}",
                          idempotency_key=f"carry-forward:{year}:{runs + 1}")


def closing_balances(year: int) -> dict[str, Decimal]:
    """Signed closing balance (debit positive) of each balance-sheet account of a year."""
    chart = chart_in_use() or DEFAULT_CHART
    return {account: debit - credit
            for account, (debit, credit) in account_balances(year, 0, 12).items()
            if require_mapping(chart, account).statement == "B" and debit != credit}


def _carried(year: int) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = {}
    for entry in JournalEntry.objects(voucher_ref=f"SV-{year}", status="posted",
                                      fiscal_year=year + 1):
        for line in entry.lines:
            sums[line.account] = sums.get(line.account, ZERO) + line.debit - line.credit
    return sums


def _lines(balances: dict[str, Decimal]) -> list[dict]:
    lines = []
    for account, amount in sorted(balances.items()):
        amount = Decimal(amount)
        if amount > 0:
            lines.append({"account": account, "debit": amount})
        elif amount < 0:
            lines.append({"account": account, "credit": -amount})
    return lines


def read_opening_csv(data: bytes) -> dict[str, Decimal]:
    """Read `Konto;Saldo` rows (German or plain decimals, UTF-8 or Windows-1252)."""
    import csv
    import io

    from services.core.values import parse_decimal

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    balances: dict[str, Decimal] = {}
    for row in csv.reader(io.StringIO(text), delimiter=";" if ";" in text else ","):
        if len(row) < 2 or not row[0].strip().isdigit():
            continue  # the header or an empty line
        account = row[0].strip()
        try:
            amount = parse_decimal(row[1].strip())
        except ValueError:
            raise RuleError(N_("Konto %(account)s: Saldo '%(value)s' ist kein Betrag wie "
                               "-1.234,56"), account=account, value=row[1]) from None
        balances[account] = balances.get(account, ZERO) + amount
    if not balances:
        raise RuleError(N_("Die Datei enthält keine Zeilen 'Konto;Saldo'"))
    return balances
