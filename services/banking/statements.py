"""Import bank statements: detect the format, store statements and transactions once.

A transaction is identified by the bank's reference (with date and amount) or, without
one, by a fingerprint of account, booking date, amount, counterparty IBAN, purpose and
end-to-end reference plus its position among the look-alikes of its statement: two
genuine equal transfers on one day stay two, while the same transaction in an
overlapping statement is the same one again. The key has a unique index, so a re-import,
an overlapping statement or two imports at the same moment add nothing twice. A crash
leaves the statement marked incomplete; importing the file again completes it.
"""
import hashlib
import io
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from pymongo.errors import BulkWriteError, DuplicateKeyError

from models.bank_account import BankAccount
from models.bank_statement import BankStatement, BankTransaction
from services.banking.statements_camt import parse_camt
from services.banking.statements_csv import parse_csv
from services.banking.statements_mt940 import parse_mt940
from services.banking.statements_parsed import ParsedStatement, StatementFormatError
from services.core.formatting import format_money_de
from services.core.messages import N_

BATCH = 500
BATCH_SPLIT = N_("Sammelbuchung: in Einzelposten aufgeteilt")


@dataclass
class StatementResult:
    """What one imported statement brought: the --json object and the problems found."""

    account_iban: str
    statement_id: str
    opening_balance: Decimal | None = None
    closing_balance: Decimal | None = None
    transactions: int = 0
    credit_sum: Decimal = Decimal("0.00")
    debit_sum: Decimal = Decimal("0.00")
    new: int = 0
    duplicates: int = 0
    problems: list[str] = field(default_factory=list)
    rejected: str = ""
    statement_pk: object = None

    def as_json(self) -> dict:
        money = lambda v: None if v is None else f"{v:.2f}"
        return {"account_iban": self.account_iban, "statement_id": self.statement_id,
                "opening_balance": money(self.opening_balance),
                "closing_balance": money(self.closing_balance),
                "transactions": self.transactions, "credit_sum": money(self.credit_sum),
                "debit_sum": money(self.debit_sum), "new": self.new,
                "duplicates": self.duplicates}


def parse_file(data: bytes, filename: str = "", account_iban: str = "") -> list[ParsedStatement]:
    """Read every statement of a file: camt (also zipped), MT940 or a bank's CSV export.

    `account_iban` names the account of a CSV export that does not say it (camt and MT940
    always do).
    """
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return [st for name in sorted(archive.namelist()) if not name.endswith("/")
                    for st in parse_file(archive.read(name), name, account_iban)]
    head = data[:2000].lstrip(b"\xef\xbb\xbf \r\n\t")
    if head.startswith(b"<"):
        return parse_camt(data)
    if b":20:" in data[:4000] and b":25:" in data[:4000]:
        return parse_mt940(data)
    from models.bank_csv_mapping import BankCsvMapping
    from services.banking.statements_csv import profile_of

    return parse_csv(data, [profile_of(m) for m in BankCsvMapping.objects(active=True)],
                     account_iban=account_iban)


def import_file(data: bytes, filename: str, user: str, account_iban: str = "") -> list[StatementResult]:
    """Import every statement of a file; unknown accounts are rejected, the rest stored."""
    return [import_statement(st, filename, user)
            for st in parse_file(data, filename, account_iban)]


def import_statement(st: ParsedStatement, filename: str, user: str) -> StatementResult:
    """Store one parsed statement and its new transactions (repeat-safe)."""
    result = StatementResult(st.account_iban, st.statement_id, st.opening_balance,
                             st.closing_balance, len(st.transactions), st.credit_sum,
                             st.debit_sum, problems=list(st.problems))
    account = BankAccount.objects(iban=st.account_iban).first()
    if account is None:
        result.rejected = (f"Konto {st.account_iban} ist kein angelegtes Bankkonto; bitte unter "
                           "Finanzen › Bankkonten anlegen und die Datei erneut einlesen.")
        return result
    keys = transaction_keys(st)
    result.problems += balance_problems(st)
    statement = _store_statement(account, st, keys, filename, user, result.problems)
    result.statement_pk = statement["_id"]
    result.problems = statement.get("problems", [])
    docs = [_document(account, statement["_id"], tx, key, pos)
            for pos, (tx, key) in enumerate(zip(st.transactions, keys), start=1)]
    for start in range(0, len(docs), BATCH):
        result.new += _insert(docs[start:start + BATCH])
    result.duplicates = len(docs) - result.new
    _settle_batches(account, st)
    BankStatement._get_collection().update_one({"_id": statement["_id"]},
                                               {"$set": {"complete": True}})
    return result


def transaction_keys(st: ParsedStatement) -> list[str]:
    """The identity of each transaction of a statement (see the module's docstring)."""
    seen: Counter = Counter()
    keys = []
    for tx in st.transactions:
        cents = int(tx.amount * 100)
        if tx.bank_reference:
            keys.append(f"{st.account_iban}|ref|{tx.bank_reference}|{tx.booking_date}|{cents}")
            continue
        look = "|".join((st.account_iban, str(tx.booking_date), str(cents), tx.counterparty_iban,
                         " ".join(tx.purpose.split()).casefold(), tx.end_to_end_id))
        seen[look] += 1
        digest = hashlib.sha256(f"{look}|{seen[look]}".encode()).hexdigest()[:32]
        keys.append(f"{st.account_iban}|fp|{digest}")
    return keys


def balance_problems(st: ParsedStatement) -> list[str]:
    """Opening + transactions = closing, and the statement continues the previous one.

    Without balances (most CSV exports) neither can be checked and nothing is reported.
    """
    if st.opening_balance is None or st.closing_balance is None:
        return []
    problems = []
    moved = sum((t.amount for t in st.transactions), Decimal("0.00"))
    if st.opening_balance + moved != st.closing_balance:
        problems.append(
            f"Auszug {st.statement_id}: Anfangssaldo {_eur(st.opening_balance)} + Umsätze "
            f"{_eur(moved)} = {_eur(st.opening_balance + moved)}, der Endsaldo ist aber "
            f"{_eur(st.closing_balance)} (Differenz "
            f"{_eur(st.closing_balance - st.opening_balance - moved)})")
    if st.format != "camt.052":
        problems += _chain_problems(st)
    return problems


def _chain_problems(st: ParsedStatement) -> list[str]:
    """Does this statement continue the latest earlier one of its account?

    The previous statement is the one that ends last, no later than this one (of two
    ending the same day, the one imported last: a corrected delivery). Without
    overlap its closing balance must be this opening balance. Overlapping statements (two
    CSV exports sharing a boundary day, an export that repeats a stretch, a statement
    delivered again with more transactions) continue each other when the previous
    closing balance is one of this statement's balances up to the previous end date:
    the opening balance or the balance after one of its bookings of those days. The same
    statement delivered again (same number, same first day) is no predecessor of itself;
    it is checked against the statement before it.
    """
    account = BankAccount.objects(iban=st.account_iban).only("id").first()
    before = BankStatement._get_collection().find(
        {"account": account.pk, "format": {"$ne": "camt.052"}, "closing_balance": {"$ne": None},
         "to_date": {"$lte": _dt(st.to_date or st.from_date)}},
        {"closing_balance": 1, "opening_balance": 1, "statement_id": 1, "from_date": 1,
         "to_date": 1}).sort([("to_date", -1), ("_id", -1)]).limit(20)
    prev = next((p for p in before if not (p.get("statement_id") == st.statement_id
                                           and p.get("from_date") == _dt(st.from_date))), None)
    # (the same statement again, possibly delivered with more transactions, is skipped)
    if prev is None or _continues(st, prev):
        return []
    closing, end = Decimal(prev["closing_balance"]) / 100, prev["to_date"].date()
    if st.from_date is None or end < st.from_date:
        return [f"Lücke vor Auszug {st.statement_id}: der vorige Auszug "
                f"{prev.get('statement_id')} vom {end:%d.%m.%Y} endet mit "
                f"{_eur(closing)}, dieser beginnt mit {_eur(st.opening_balance)}"]
    return [f"Auszug {st.statement_id} schließt nicht an den vorigen Auszug "
            f"{prev.get('statement_id')} an, der sich mit ihm bis {end:%d.%m.%Y} "
            f"überschneidet: dessen Schlusssaldo {_eur(closing)} kommt in diesem Auszug bis "
            f"dahin nicht vor (Anfangssaldo {_eur(st.opening_balance)}); fehlen Umsätze?"]


def _continues(st: ParsedStatement, prev: dict) -> bool:
    closing, end = Decimal(prev["closing_balance"]) / 100, prev["to_date"].date()
    if st.from_date is None or end < st.from_date:
        return closing == st.opening_balance
    balances, running = {st.opening_balance}, st.opening_balance
    for t in st.transactions:
        if t.booking_date > end:
            break
        running += t.amount
        balances.add(running)
    opening = prev.get("opening_balance")
    return closing in balances or (opening is not None and Decimal(opening) / 100 in balances)


def _eur(value: Decimal) -> str:
    return format_money_de(value)


def _store_statement(account, st, keys, filename, user, problems) -> dict:
    digest = hashlib.sha256("\n".join(keys).encode()).hexdigest()[:24]
    key = "|".join((st.account_iban, st.format, st.statement_id, str(st.from_date),
                    str(st.to_date), str(st.opening_balance), str(st.closing_balance), digest))
    doc = BankStatement(account=account, key=key, statement_id=st.statement_id[:80],
                        format=st.format, file_name=(filename or "")[:200],
                        from_date=st.from_date, to_date=st.to_date,
                        opening_balance=st.opening_balance, closing_balance=st.closing_balance,
                        credit_sum=st.credit_sum, debit_sum=st.debit_sum,
                        transaction_count=len(st.transactions),
                        balance_ok=not any("Endsaldo" in p for p in problems),
                        problems=problems, imported_by=user).to_mongo().to_dict()
    coll = BankStatement._get_collection()
    try:
        coll.insert_one(doc)
        return doc
    except DuplicateKeyError:
        return coll.find_one({"key": key})


def _document(account, statement_id, tx, key: str, pos: int) -> dict:
    values = {name: getattr(tx, name) for name in (
        "booking_date", "value_date", "amount", "currency", "counterparty_name",
        "counterparty_iban", "counterparty_bic", "purpose", "end_to_end_id", "mandate_id",
        "creditor_id", "bank_reference", "booking_text", "gvc", "batch_reference", "is_return")}
    values = {k: v for k, v in values.items() if v not in ("", None)}
    doc = BankTransaction(account=account, statement=statement_id, key=key, position=pos,
                          **values).to_mongo().to_dict()
    if tx.batch_count > 1:
        doc["batch_count"] = tx.batch_count
    return doc


def _insert(docs: list[dict]) -> int:
    if not docs:
        return 0
    try:
        return len(BankTransaction._get_collection().insert_many(docs, ordered=False).inserted_ids)
    except BulkWriteError as exc:
        if any(err.get("code") != 11000 for err in exc.details.get("writeErrors", [])):
            raise
        return exc.details.get("nInserted", 0)


def _settle_batches(account, st: ParsedStatement) -> None:
    """A batch booking whose single payments are known is not reconciled itself."""
    coll = BankTransaction._get_collection()
    for ref in {t.batch_reference for t in st.transactions if t.batch_reference}:
        parts = coll.count_documents({"account": account.pk, "batch_reference": ref,
                                      "batch_count": {"$exists": False}})
        if parts:
            coll.update_many({"account": account.pk, "batch_reference": ref,
                              "batch_count": {"$gt": 1}, "status": "open"},
                             {"$set": {"status": "ignored", "proposal": BATCH_SPLIT,
                                       "proposal_msg": {"reason": BATCH_SPLIT}}})


def _dt(day):
    from datetime import datetime

    return datetime(day.year, day.month, day.day) if day else datetime.max
