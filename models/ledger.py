"""Chart of accounts and journal entries with balanced debit/credit lines."""
from decimal import Decimal

import mongoengine as me
from mongoengine.errors import SaveConditionError
from mongoengine.queryset import QuerySet

from models.base import TimestampedDocument
from models.cost_center import CostCenter
from models.fields import MoneyField
from models.frozen import service_fields_touched
from models.messages import N_, Message, Messages, invalid
from services.core.errors import BusinessRuleError

ACCOUNT_TYPES = ("asset", "liability", "equity", "revenue", "expense")
ENTRY_STATUSES = ("draft", "posted")
ENTRY_SOURCES = ("manual", "invoice", "payment", "payroll", "import", "dunning", "opening")
ENTRY_SOURCES += ("payables",)  # issue 15: supplier invoices and their payments


class Account(TimestampedDocument):
    number = me.StringField(required=True, unique=True, regex=r"^\d{4,8}$")
    name = me.StringField(required=True, max_length=120)
    type = me.StringField(required=True, choices=ACCOUNT_TYPES)
    vat_key = me.StringField(max_length=10)
    chart = me.StringField(choices=("SKR03", "SKR04"))  # empty: the chart in use
    active = me.BooleanField(default=True)
    # Every journal line on this account must name a cost centre.
    cost_center_required = me.BooleanField(default=False)

    meta = {"collection": "accounts", "ordering": ["number"]}

    def __str__(self):
        return f"{self.number} {self.name}"

    @classmethod
    def chart_in_use(cls, besides=None) -> str | None:
        """The chart of the accounts (other than `besides`), or None before any exist."""
        other = cls.objects(pk__ne=besides).only("chart").first()
        return other.chart if other else None

    def clean(self):
        """An added account belongs to the chart the books use; charts are never mixed."""
        in_use = Account.chart_in_use(besides=self.pk)
        if not self.chart:
            self.chart = in_use or "SKR03"
        elif in_use and self.chart != in_use:
            raise invalid("chart", N_("Die Bücher werden nach %(in_use)s geführt; ein Konto des "
                                      "%(chart)s kann nicht hinzukommen. Bitte %(in_use)s "
                                      "wählen."), in_use=in_use, chart=self.chart)


class JournalLine(me.EmbeddedDocument):
    account = me.StringField(required=True, regex=r"^\d{4,8}$")
    debit = MoneyField(default=Decimal("0.00"), min_value=0)
    credit = MoneyField(default=Decimal("0.00"), min_value=0)
    tax_key = me.StringField(max_length=10)
    text = me.StringField(max_length=200)
    cost_center = me.StringField(max_length=20)

    def __str__(self):
        return f"{self.account} S {self.debit} H {self.credit}"


class PostedEntryError(BusinessRuleError):
    """Someone tried to change or delete a posted journal entry."""


POSTED_MESSAGE = ("journal entry {label} is posted and can no longer be changed or deleted; "
                  "correct it with a reversal entry and a new entry")
# Fields only the posting service may write (through the raw collection).
POSTING_FIELDS = ("status", "number", "hash", "prev_hash", "posted_at", "posted_by",
                  "reversed_by", "fiscal_year")


class JournalEntryQuerySet(QuerySet):
    """Bulk writes that refuse to touch posted entries (GoBD immutability)."""

    def _refuse_posted(self):
        posted = self.clone().filter(status="posted").only("number").first()
        if posted is not None:
            raise PostedEntryError(POSTED_MESSAGE.format(label=f"#{posted.number}"))

    def delete(self, *args, **kwargs):
        self._refuse_posted()
        return QuerySet.delete(self.clone().filter(status__ne="posted"), *args, **kwargs)

    def _refuse_posting_fields(self, kwargs):
        touched = service_fields_touched(self._document, POSTING_FIELDS, kwargs,
                                         PostedEntryError)
        if touched:
            raise PostedEntryError("only posting may set " + ", ".join(touched))

    def update(self, *args, **kwargs):
        self._refuse_posted()
        self._refuse_posting_fields(kwargs)
        return QuerySet.update(self.clone().filter(status__ne="posted"), *args, **kwargs)

    def modify(self, *args, **kwargs):
        self._refuse_posted()
        self._refuse_posting_fields(kwargs)
        return QuerySet.modify(self.clone().filter(status__ne="posted"), *args, **kwargs)

    def insert(self, doc_or_docs, *args, **kwargs):
        docs = doc_or_docs if isinstance(doc_or_docs, (list, tuple)) else [doc_or_docs]
        if any(getattr(doc, "status", None) == "posted" for doc in docs):
            raise PostedEntryError("entries can only be posted through posting, not inserted")
        return QuerySet.insert(self, doc_or_docs, *args, **kwargs)


class JournalEntry(TimestampedDocument):
    number = me.IntField(min_value=1)
    fiscal_year = me.IntField()
    date = me.DateField(required=True)
    text = me.StringField(required=True, max_length=200)
    voucher_ref = me.StringField(max_length=60)
    lines = me.ListField(me.EmbeddedDocumentField(JournalLine))
    status = me.StringField(required=True, default="draft", choices=ENTRY_STATUSES)
    source = me.StringField(required=True, default="manual", choices=ENTRY_SOURCES)
    created_by = me.StringField()
    # Set by services.ledger.posting only: the tamper-evident chain and the reversal links.
    posted_at = me.DateTimeField()
    posted_by = me.StringField()
    hash = me.StringField(regex=r"^[0-9a-f]{64}$")
    prev_hash = me.StringField(regex=r"^[0-9a-f]{64}$")
    reversal_of = me.ObjectIdField()
    reversed_by = me.ObjectIdField()

    meta = {"collection": "journal_entries", "ordering": ["-date"],
            "queryset_class": JournalEntryQuerySet,
            "indexes": ["date", "voucher_ref", ("fiscal_year", "number"), "status",
                        "text"]}  # text: the panel's search reads the index

    def __str__(self):
        label = f"#{self.number}" if self.number else "draft"
        return f"{label} {self.date:%d.%m.%Y} {self.text}"

    @property
    def total_debit(self) -> Decimal:
        return sum((line.debit or Decimal(0) for line in self.lines), Decimal("0.00"))

    @property
    def total_credit(self) -> Decimal:
        return sum((line.credit or Decimal(0) for line in self.lines), Decimal("0.00"))

    def save(self, *args, **kwargs):
        """Save a draft; refuse to write a posted entry or to overwrite one."""
        if self.status == "posted":
            raise PostedEntryError(POSTED_MESSAGE.format(label=f"#{self.number}"))
        if self._created:
            kwargs["force_insert"] = True  # never replace a stored entry by its id
        else:
            kwargs["save_condition"] = {"status__ne": "posted"}
        try:
            return super().save(*args, **kwargs)
        except SaveConditionError:
            raise PostedEntryError(POSTED_MESSAGE.format(label=str(self.pk))) from None

    def clean(self):
        if self.date:
            self.fiscal_year = self.date.year
        errors = balance_errors(self.lines)
        accounts = _accounts_of(self.lines)   # one read for both checks below
        unknown = sorted({line.account for line in self.lines if line.account} - set(accounts))
        if unknown:
            errors.append(Message(N_("Unbekannte Konten: %(accounts)s; bitte Konten des "
                                     "Kontenplans verwenden"), accounts=", ".join(unknown)))
        errors += cost_center_errors(self.lines, accounts)
        if errors:
            joined = Messages(errors)
            raise me.ValidationError(joined, errors={"lines": joined})


def balance_errors(lines) -> list[str]:
    """Return what is wrong with the lines of an entry (empty when it balances)."""
    errors = []
    if len(lines) < 2:
        errors.append(Message(N_("Eine Buchung braucht mindestens zwei Zeilen")))
    for i, line in enumerate(lines, start=1):
        debit, credit = line.debit or 0, line.credit or 0
        if (debit > 0) == (credit > 0):
            errors.append(Message(N_("Zeile %(line)s: bitte entweder einen Soll- oder einen "
                                     "Haben-Betrag über null eintragen"), line=i))
    debit = sum((line.debit or Decimal(0) for line in lines), Decimal(0))
    credit = sum((line.credit or Decimal(0) for line in lines), Decimal(0))
    if debit != credit:
        errors.append(Message(N_("Soll (%(debit)s) und Haben (%(credit)s) sind nicht "
                                 "ausgeglichen"), debit=f"{debit:.2f}", credit=f"{credit:.2f}"))
    return errors


def cost_center_errors(lines, accounts: dict[str, bool] | None = None) -> list[str]:
    """Unknown or inactive cost centres, and lines missing one their account requires.

    `accounts`: number -> cost_center_required of the lines' accounts, if already read.
    """
    errors = []
    codes = {line.cost_center for line in lines if line.cost_center}
    if codes:
        known = set(CostCenter.objects(code__in=list(codes), active=True).scalar("code"))
        if codes - known:
            errors.append(Message(N_("Kostenstelle(n) %(codes)s unbekannt oder inaktiv; eine "
                                     "aktive Kostenstelle angeben"),
                                  codes=", ".join(sorted(codes - known))))
    bare = {line.account for line in lines if line.account and not line.cost_center}
    if bare:
        accounts = _accounts_of(lines) if accounts is None else accounts
        strict = sorted(number for number in bare if accounts.get(number))
        if strict:
            errors.append(Message(N_("Konto %(accounts)s verlangt eine Kostenstelle in jeder "
                                     "Zeile; die Kostenstelle eintragen"),
                                  accounts=", ".join(strict)))
    return errors


def _accounts_of(lines) -> dict[str, bool]:
    """The lines' accounts that exist: number -> cost_center_required (one read)."""
    numbers = {line.account for line in lines if line.account}
    if not numbers:
        return {}
    return {doc["number"]: bool(doc.get("cost_center_required")) for doc in
            Account._get_collection().find({"number": {"$in": sorted(numbers)}},
                                           {"number": 1, "cost_center_required": 1})}
