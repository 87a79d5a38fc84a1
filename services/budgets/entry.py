"""Budget figures in: CSV import (German Excel or English CSV) and copy-forward of last year's actuals."""
import csv
import io
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from models.budget import MONTH_FIELDS, Budget
from models.ledger import Account
from services.budgets.plan import _actuals
from services.core.messages import N_, RuleError
from services.imports.csv_reader.detect import detect_delimiter, detect_encoding

HEADERS = {
    "year": ("jahr", "year"), "account": ("konto", "account", "kontengruppe"),
    "cost_center": ("kostenstelle", "cost_center", "cost centre", "cost center"),
    **{name: aliases for name, aliases in zip(MONTH_FIELDS, (
        ("jan", "januar", "january"), ("feb", "februar", "february"),
        ("mrz", "mär", "märz", "mar", "march"), ("apr", "april"), ("mai", "may"),
        ("jun", "juni", "june"), ("jul", "juli", "july"), ("aug", "august"),
        ("sep", "september"), ("okt", "oktober", "oct", "october"),
        ("nov", "november"), ("dez", "dezember", "dec", "december")))}}
CENT = Decimal("0.01")


def import_budgets_csv(data: bytes) -> int:
    """Store every row of a budget CSV (all rows or none); return how many were stored."""
    text = data.decode(detect_encoding(data))
    delimiter = detect_delimiter(text.split("\n", 1)[0]) or ";"
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not rows:
        raise RuleError(N_("Die Datei ist leer."))
    columns = _columns(rows[0])
    parsed, problems = [], []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        try:
            parsed.append(_row(row, columns))
        except ValueError as exc:
            problems.append(f"{number}: {exc}")
    if problems:
        raise RuleError(N_("Budget-Import abgelehnt, nichts gespeichert. Zeilen: %(rows)s"),
                        rows=tuple(problems[:5]))
    for values in parsed:
        _upsert(values)
    return len(parsed)


def copy_forward(year: int, percent: Decimal, cost_center: str = "") -> int:
    """Budget `year` from the actuals of the year before ± percent; existing lines stay.

    With a cost centre, its own actuals are copied (the lines that carried it).
    """
    factor = 1 + Decimal(percent) / 100
    created = 0
    profit_and_loss = set(Account.objects(type__in=("revenue", "expense")).scalar("number"))
    for account, months in sorted(_actuals(year - 1, cost_center or None).items()):
        if account not in profit_and_loss or not any(months):
            continue
        if Budget.objects(year=year, account=account, cost_center=cost_center).first():
            continue
        values = {"year": year, "account": account, "cost_center": cost_center}
        values.update({name: (amount * factor).quantize(CENT, ROUND_HALF_UP)
                       for name, amount in zip(MONTH_FIELDS, months)})
        _upsert(values, note=f"aus {year - 1} fortgeschrieben ({percent:+} %)")
        created += 1
    return created


def _upsert(values: dict, note: str | None = None) -> None:
    key = {k: values[k] for k in ("year", "account", "cost_center")}
    budget = Budget.objects(**key).first() or Budget(**key)
    for name in MONTH_FIELDS:
        setattr(budget, name, values[name])
    if note:
        budget.note = note
    budget.save()


def _columns(header: list[str]) -> dict[str, int]:
    lookup = {alias: name for name, aliases in HEADERS.items() for alias in aliases}
    found = {}
    for index, cell in enumerate(header):
        name = lookup.get(cell.strip().lstrip("\ufeff").lower())
        if name:
            found[name] = index
    missing = [n for n in ("year", "account", *MONTH_FIELDS) if n not in found]
    if missing:
        raise RuleError(N_("Spalten fehlen: %(columns)s. Erwartet: Jahr, Konto, Kostenstelle, "
                           "Jan … Dez."), columns=tuple(missing))
    return found


def _row(row: list[str], columns: dict[str, int]) -> dict:
    def cell(name):
        index = columns.get(name)
        return row[index].strip() if index is not None and index < len(row) else ""

    if not re.fullmatch(r"\d{4}", cell("year")):
        raise ValueError(f"Jahr '{cell('year')}'")
    if not re.fullmatch(r"\d{1,8}\*?", cell("account")):
        raise ValueError(f"Konto '{cell('account')}'")
    values = {"year": int(cell("year")), "account": cell("account"),
              "cost_center": cell("cost_center")}
    for name in MONTH_FIELDS:
        values[name] = _amount(cell(name))
    return values


def _amount(text: str) -> Decimal:
    """1.234,56 / 1234,56 / 1234.56 / 1,234.56 / empty (0)."""
    if not text:
        return Decimal("0.00")
    cleaned = text.replace("€", "").replace(" ", "")
    if "," in cleaned and ("." not in cleaned or cleaned.rfind(",") > cleaned.rfind(".")):
        cleaned = cleaned.replace(".", "").replace(",", ".")
    else:
        cleaned = cleaned.replace(",", "")
    try:
        return Decimal(cleaned).quantize(CENT, ROUND_HALF_UP)
    except InvalidOperation:
        raise ValueError(f"Betrag '{text}'") from None
