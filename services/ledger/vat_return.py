"""Umsatzsteuer-Voranmeldung (UStVA) from the books, by tax key, with its Kennzahlen.

The tax keys of the journal lines (seeds/data/ustva_keys.csv) say which Kennzahl a
line feeds; the account says whether it is the base (revenue, expense), output tax or
input tax (seeds/data/vat_accounts.csv). Under Soll-Versteuerung the figures are sums
of period balances; under Ist-Versteuerung (§ 20 UStG) the taxed sales follow the
payments received instead (services.ledger.vat_cash_basis). Bases go to the form in whole euros (cents dropped); for the
Kennzahlen whose tax the form computes (81, 86, 89, 93) the tax is the rate of that
whole-euro base, exactly as ELSTER computes it; Kz 83 follows from those figures.
Transmission to the tax office needs ELSTER's ERiC library, which is not available
here: the return is produced as screen, PDF, CSV and XML with the ELSTER field numbers
for entering or uploading by hand.
"""
import csv
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path

from models.company import Company
from models.ledger import JournalEntry
from services.core.messages import N_, RuleError
from services.ledger.balances import tax_key_balances
from services.ledger.charts import DEFAULT_CHART, chart_in_use
from services.ledger.vat_cash_basis import (DOCUMENT_SOURCES, cash_basis_balances, share_rows,
                                           taxed_sales_keys)

DATA = Path(__file__).resolve().parents[2] / "seeds" / "data"
ZERO, CENT, EURO = Decimal("0.00"), Decimal("0.01"), Decimal("1")
INPUT_KZ = ("66", "61", "62", "67")


@dataclass(frozen=True)
class TaxKey:
    key: str
    side: str
    base_kz: str
    tax_kz: str
    input_kz: str
    rate: Decimal | None
    computed: bool


@dataclass
class VatReturn:
    year: int
    months: tuple[int, ...]
    label: str
    accounting: str
    bases: dict[str, Decimal] = field(default_factory=dict)     # Kz -> exact base (cents)
    taxes: dict[str, Decimal] = field(default_factory=dict)     # Kz -> tax of the form
    book_tax: dict[str, Decimal] = field(default_factory=dict)  # base Kz -> tax in the books
    special_prepayment: Decimal = ZERO                           # Kz 39 (December/Q4 only)
    due: date | None = None

    def form_base(self, kz: str) -> Decimal:
        """A base as the form takes it: whole euros, cents dropped."""
        return self.bases.get(kz, ZERO).quantize(EURO, rounding=ROUND_DOWN)

    @property
    def output_tax(self) -> Decimal:
        return sum((v for kz, v in self.taxes.items() if kz not in INPUT_KZ), ZERO)

    @property
    def input_tax(self) -> Decimal:
        return sum((v for kz, v in self.taxes.items() if kz in INPUT_KZ), ZERO)

    @property
    def kz83(self) -> Decimal:
        """Verbleibende Umsatzsteuer-Vorauszahlung (negative: refund)."""
        return self.output_tax - self.input_tax - self.special_prepayment

    def fields(self) -> dict[str, Decimal]:
        """ELSTER field number -> value, only the fields the books fill."""
        values = {f"Kz{kz}": self.form_base(kz) for kz in sorted(self.bases) if self.bases[kz]}
        values |= {f"Kz{kz}": v for kz, v in sorted(self.taxes.items())
                   if v and kz not in _computed_kz()}
        if self.special_prepayment:
            values["Kz39"] = self.special_prepayment
        values["Kz83"] = self.kz83
        return values


@lru_cache(maxsize=1)
def tax_keys() -> dict[str, TaxKey]:
    with (DATA / "ustva_keys.csv").open(encoding="utf-8") as handle:
        return {row["tax_key"]: TaxKey(row["tax_key"], row["side"], row["base_kz"],
                                       row["tax_kz"], row["input_kz"],
                                       Decimal(row["rate"]) if row["rate"] else None,
                                       row["computed"] == "1")
                for row in csv.DictReader(handle, delimiter=";")}


@lru_cache(maxsize=1)
def _vat_ranges() -> dict[str, list[tuple[int, int, str]]]:
    ranges: dict[str, list] = {}
    with (DATA / "vat_accounts.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            ranges.setdefault(row["chart"], []).append((int(row["from"]), int(row["to"]),
                                                        row["role"]))
    return ranges


def _computed_kz() -> set[str]:
    return {k.base_kz for k in tax_keys().values() if k.computed}


def account_role(account: str, chart: str | None = None) -> str:
    """'output' or 'input' for a VAT account, 'base' for every other account."""
    number = int(account)
    for low, high, role in _vat_ranges().get(chart or chart_in_use() or DEFAULT_CHART, []):
        if low <= number <= high:
            return role
    return "base"


def period_months(period: str) -> tuple[int, ...]:
    """'1'..'12' for a month, 'Q1'..'Q4' for a quarter."""
    text = str(period).strip().upper()
    if text.startswith("Q") and text[1:] in ("1", "2", "3", "4"):
        q = int(text[1:])
        return tuple(range(3 * q - 2, 3 * q + 1))
    if text.isdigit() and 1 <= int(text) <= 12:
        return (int(text),)
    raise RuleError(N_("Zeitraum %(period)s unbekannt: einen Monat 1 bis 12 oder ein "
                       "Quartal Q1 bis Q4 angeben"), period=str(period))


def vat_return(year: int, period: str, with_prepayment: bool = True) -> VatReturn:
    """The UStVA of a month or quarter from the books (Soll or Ist, as the company is set)."""
    months = period_months(period)
    company = Company.current()
    report = VatReturn(year, months, _label(months), getattr(company, "vat_accounting", "soll"))
    cents = tax_key_balances(year, months[0], months[-1])
    if report.accounting == "ist":
        cents = cash_basis_balances(cents, year, months, taxed_sales_keys(tax_keys()))
    for (account, key), (debit, credit) in sorted(cents.items()):
        spec = tax_keys().get(key)
        if spec is None:
            continue
        role = account_role(account)
        if role == "input" and spec.input_kz:
            _add(report.taxes, spec.input_kz, _money(debit - credit))
        elif role == "output":
            _add(report.book_tax, spec.base_kz, _money(credit - debit))
            if spec.tax_kz:
                _add(report.taxes, spec.tax_kz, _money(credit - debit))
        elif role == "base" and spec.base_kz:
            amount = debit - credit if spec.side == "purchases" else credit - debit
            _add(report.bases, spec.base_kz, _money(amount))
    for spec in tax_keys().values():
        if spec.computed and spec.base_kz in report.bases:
            report.taxes[spec.base_kz] = (report.form_base(spec.base_kz) * spec.rate / 100
                                          ).quantize(CENT, rounding=ROUND_HALF_UP)
    if company is not None and company.vat_extension and company.vat_filing == "monthly" \
            and months[-1] == 12 and with_prepayment:
        report.special_prepayment = special_prepayment(year)
    report.due = due_date(year, months[-1], bool(company and company.vat_extension))
    return report


def special_prepayment(year: int) -> Decimal:
    """Sondervorauszahlung for YEAR: 1/11 of the previous year's prepayments (§ 47 UStDV)."""
    # the prepayments themselves, before the previous year's own special prepayment
    returns = [vat_return(year - 1, str(m), with_prepayment=False) for m in range(1, 13)]
    total = sum((r.output_tax - r.input_tax for r in returns), ZERO)
    return max(ZERO, (total / 11).quantize(CENT, rounding=ROUND_HALF_UP))


def due_date(year: int, last_month: int, extension: bool) -> date:
    """The 10th after the period; one month later with Dauerfristverlängerung."""
    month = last_month + 1 + (1 if extension else 0)
    return date(year + (month - 1) // 12, (month - 1) % 12 + 1, 10)


def lines_for(year: int, period: str, kz: str) -> list[dict]:
    """The journal lines behind one Kennzahl (the drill-down of a figure).

    Under Ist-Versteuerung the taxed sales (Kz 81, 86 …) are made of the payments'
    shares of their invoices' tax lines, one row per payment, account and tax key,
    plus the taxed lines posted by hand; the invoices' own lines are not part of it.
    """
    months = period_months(period)
    keys = {k.key: k for k in tax_keys().values() if kz in (k.base_kz, k.tax_kz, k.input_kz)}
    if not keys:
        return []
    start, end = date(year, months[0], 1), _month_end(year, months[-1])
    company = Company.current()
    cash = set(keys) & taxed_sales_keys(tax_keys()) \
        if getattr(company, "vat_accounting", "soll") == "ist" else set()
    found = []
    for entry in JournalEntry.objects(fiscal_year=year, status="posted", date__gte=start,
                                      date__lte=end, lines__tax_key__in=list(keys),
                                      source__ne="opening").order_by("number"):
        for line in entry.lines:
            spec = keys.get(line.tax_key or "")
            if line.tax_key in cash and entry.source in DOCUMENT_SOURCES:
                continue  # under Ist the payment shares below replace invoice lines
            if spec is not None and _feeds(spec, account_role(line.account), kz):
                found.append({"number": entry.number, "date": entry.date,
                              "text": entry.text, "account": line.account,
                              "tax_key": line.tax_key, "debit": line.debit,
                              "credit": line.credit})
    return found + _payment_shares(start, end, cash, keys, kz)


def _payment_shares(start: date, end: date, cash: set[str], keys: dict, kz: str) -> list[dict]:
    """Drill-down rows of the payments' tax shares (Ist), one per payment, account and key."""
    if not cash:
        return []
    rows = [s for s in share_rows(start, end, cash)
            if _feeds(keys[s.tax_key], account_role(s.account), kz)]
    numbers = dict(JournalEntry.objects(pk__in=[s.entry_id for s in rows if s.entry_id])
                   .scalar("id", "number"))
    # a returned payment (money taken back) is a debit share on its return day
    return [{"number": numbers.get(s.entry_id), "date": s.payment_date,
             "text": (f"Zahlungsanteil {s.invoice}" if s.cents > 0
                      else f"Rückbuchung Zahlungsanteil {s.invoice}"),
             "share_of": s.invoice, "account": s.account, "tax_key": s.tax_key,
             "debit": _money(-s.cents) if s.cents < 0 else ZERO,
             "credit": _money(s.cents) if s.cents > 0 else ZERO} for s in rows]


def _feeds(spec: TaxKey, role: str, kz: str) -> bool:
    if role == "input":
        return spec.input_kz == kz
    if role == "output":
        return kz in (spec.tax_kz, spec.base_kz)
    return spec.base_kz == kz


def _month_end(year: int, month: int) -> date:
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


def _label(months: tuple[int, ...]) -> str:
    return f"Q{months[-1] // 3}" if len(months) == 3 else f"{months[0]:02d}"


def _add(target: dict, kz: str, amount: Decimal) -> None:
    target[kz] = target.get(kz, ZERO) + amount


def _money(cents: int) -> Decimal:
    return (Decimal(int(cents)) * CENT).quantize(CENT)


# What each ELSTER field number of the UStVA stands for (the form's line, shortened).
KZ_LABELS = {
    "Kz81": N_("Steuerpflichtige Umsätze zu 19 %% (Bemessungsgrundlage)"),
    "Kz86": N_("Steuerpflichtige Umsätze zu 7 %% (Bemessungsgrundlage)"),
    "Kz35": N_("Umsätze zu anderen Steuersätzen (Bemessungsgrundlage)"),
    "Kz36": N_("Steuer auf Umsätze zu anderen Steuersätzen"),
    "Kz41": N_("Innergemeinschaftliche Lieferungen an Abnehmer mit USt-IdNr."),
    "Kz43": N_("Weitere steuerfreie Umsätze mit Vorsteuerabzug (z. B. Ausfuhren)"),
    "Kz21": N_("Nicht steuerbare sonstige Leistungen in der EU (§ 18b UStG)"),
    "Kz60": N_("Umsätze, für die der Leistungsempfänger die Steuer schuldet (§ 13b UStG)"),
    "Kz48": N_("Steuerfreie Umsätze ohne Vorsteuerabzug"),
    "Kz87": N_("Umsätze zum Nullsteuersatz (§ 12 Abs. 3 UStG)"),
    "Kz45": N_("Nicht steuerbare Umsätze (Leistungsort nicht im Inland)"),
    "Kz66": N_("Vorsteuer aus Rechnungen anderer Unternehmer"),
    "Kz62": N_("Entstandene Einfuhrumsatzsteuer"),
    "Kz46": N_("Leistungen eines in der EU ansässigen Unternehmers (§ 13b Abs. 1 UStG)"),
    "Kz47": N_("Steuer auf Leistungen nach § 13b Abs. 1 UStG"),
    "Kz84": N_("Andere Leistungen nach § 13b Abs. 2 UStG"),
    "Kz85": N_("Steuer auf andere Leistungen nach § 13b Abs. 2 UStG"),
    "Kz67": N_("Vorsteuer aus Leistungen nach § 13b UStG"),
    "Kz89": N_("Innergemeinschaftliche Erwerbe zu 19 %%"),
    "Kz93": N_("Innergemeinschaftliche Erwerbe zu 7 %%"),
    "Kz61": N_("Vorsteuer aus innergemeinschaftlichen Erwerben"),
    "Kz39": N_("Abzug der Sondervorauszahlung (Dauerfristverlängerung)"),
    "Kz83": N_("Verbleibende Umsatzsteuer-Vorauszahlung bzw. Überschuss"),
}
