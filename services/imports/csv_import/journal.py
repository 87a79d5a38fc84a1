"""Journal entries: one booking per CSV row, rows of one voucher number make one entry.

A row names a debit account, a credit account or both, and a positive amount. Rows with
the same voucher number become one draft entry (source "import") that must balance.
"""
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

import mongoengine as me
from bson import ObjectId

from models.ledger import JournalEntry, JournalLine
from services.imports.csv_reader import HeaderMap, Row
from services.core.formatting import format_decimal_de

from services.core.csv_safe import unescape_formula
from .messages import field_messages
from .rows import RowProblem

ENTRY_FIELDS = ("date", "text", "voucher_ref", "lines")


def entry_id(voucher: str) -> ObjectId:
    """Return the id an imported voucher always gets, so a re-run cannot add it twice."""
    return ObjectId(hashlib.sha256(f"journal-import:{voucher}".encode()).digest()[:12])


@dataclass
class Voucher:
    """The rows of one voucher number collected from the file."""

    number: str
    rows: list = field(default_factory=list)   # (line, values, cells)
    problems: dict = field(default_factory=dict)  # line → [(label, text)]


class JournalBuilder:
    """Collect the rows of a file by voucher and build one entry per voucher."""

    def __init__(self, header_map: HeaderMap, accounts: set[str], user: str):
        self.header_map = header_map
        self.accounts = accounts
        self.user = user
        self.vouchers: dict[str, Voucher] = {}

    def label(self, column: str | None) -> str | None:
        """Return the header the file uses for a column."""
        return self.header_map.label(column) if column in self.header_map else column

    def add(self, row: Row) -> list[tuple[str | None, str]]:
        """Take a row; return its own problems (the voucher's come from build)."""
        problems = [(self.label(e.column), e.message) for e in row.errors]
        values = row.values
        if not problems:
            problems = self._row_problems(values)
        number = values.get("voucher_no")
        if number:
            voucher = self.vouchers.setdefault(number, Voucher(number))
            voucher.rows.append((row.line, values, row.cells))
            if problems:
                voucher.problems[row.line] = problems
        return problems

    def build(self, voucher: Voucher) -> dict:
        """Return the voucher's entry as MongoDB stores it, or raise RowProblem."""
        if voucher.problems:
            raise RowProblem([(None, f"Beleg „{voucher.number}“ hat fehlerhafte Zeilen "
                                     f"({', '.join(map(str, voucher.problems))}).")])
        first_line, first, _ = voucher.rows[0]
        for line, values, _ in voucher.rows[1:]:
            if values["date"] != first["date"]:
                raise RowProblem([(self.label("date"), f"Beleg „{voucher.number}“: das Datum "
                                   f"weicht von Zeile {first_line} ab.")])
        entry_text = unescape_formula(first["text"])
        lines = [line for _, values, _ in voucher.rows for line in self._lines(values, entry_text)]
        debit = sum((line.debit for line in lines), Decimal(0))
        credit = sum((line.credit for line in lines), Decimal(0))
        if debit != credit:
            raise RowProblem([(None, f"Beleg „{voucher.number}“ ist nicht ausgeglichen: Soll "
                                     f"{format_decimal_de(debit)} ≠ Haben {format_decimal_de(credit)}.")])
        entry = JournalEntry(id=entry_id(voucher.number), date=first["date"], text=entry_text,
                             voucher_ref=voucher.number, lines=lines, status="draft",
                             source="import", created_by=self.user, fiscal_year=first["date"].year)
        try:
            entry.validate(clean=False)
        except me.ValidationError as error:
            messages = field_messages(error, JournalEntry)
            raise RowProblem([(None, f"{name}: {text}" if name else text)
                              for name, text in messages.items()])
        return entry.to_mongo().to_dict()

    def _row_problems(self, values: dict) -> list[tuple[str | None, str]]:
        problems = []
        debit, credit = values.get("debit_account"), values.get("credit_account")
        if not debit and not credit:
            problems.append((None, "Soll- oder Habenkonto fehlt."))
        for column, account in (("debit_account", debit), ("credit_account", credit)):
            if account and account not in self.accounts:
                problems.append((self.label(column), f"Konto „{account}“ gibt es im Kontenrahmen nicht."))
        amount = values.get("amount")
        if amount is not None and amount <= 0:
            problems.append((self.label("amount"), "Betrag muss größer als 0 sein "
                             "(für eine Gegenbuchung Soll und Haben tauschen)."))
        elif amount is not None and amount != amount.quantize(Decimal("0.01")):
            problems.append((self.label("amount"), "höchstens 2 Nachkommastellen erlaubt."))
        return problems

    @staticmethod
    def _lines(values: dict, entry_text: str) -> list[JournalLine]:
        text = unescape_formula(values["text"])
        text = None if text == entry_text else text
        tax_key = values.get("tax_key")
        lines = []
        if values.get("debit_account"):
            lines.append(JournalLine(account=values["debit_account"], debit=values["amount"],
                                     credit=Decimal("0.00"), tax_key=tax_key, text=text))
        if values.get("credit_account"):
            lines.append(JournalLine(account=values["credit_account"], credit=values["amount"],
                                     debit=Decimal("0.00"), tax_key=tax_key, text=text))
        return lines
