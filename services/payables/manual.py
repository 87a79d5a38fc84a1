"""Typing an invoice from its document: scans, plain PDFs, Factur-X MINIMUM and BASIC WL.

The clerk types the header (supplier, number, dates, currency) and the lines (description,
quantity, unit, net unit price, VAT category and rate, account, cost centre). Everything
is computed here, never taken from the form: line net = quantity × price (rounded to the
cent), the VAT breakdown per category and rate (VAT on each rate's base, rounded once),
net, VAT, gross and the amount due. The totals are then compared with what the document
itself states: the header totals of a MINIMUM / BASIC WL XML (read again from the
archived original) or the gross amount the clerk read off a scan. A difference is stored
as an error finding (MANUAL-TOTAL) that stops "geprüft" until the lines are corrected.

The draft is written by compare-and-set on its status (draft, not frozen), so a typed
entry never lands on an invoice someone has checked or posted in the meantime.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import mongoengine as me
from bson import ObjectId
from pymongo.errors import DuplicateKeyError, OperationFailure

from models.cost_center import CostCenter
from models.invoice import VAT_CATEGORIES
from models.ledger import Account
from models.supplier import Supplier
from models.supplier_invoice import Finding, SupplierInvoice, SupplierInvoiceLine, VatBreakdownLine
from services.core.messages import N_, RuleError
from services.core.values import parse_date, parse_decimal
from services.ledger.charts import input_vat_accounts
from services.payables import checks, fx, readers
from services.payables.history import audit, step

CENT = Decimal("0.01")
TOLERANCE = Decimal("0.01")
MAX_LINES = 200
LINE_FIELDS = ("description", "quantity", "unit", "unit_price", "vat_category", "vat_rate",
               "account", "cost_center")
# Findings the entry recomputes (the others, e.g. the IBAN warning, stay as found at intake).
RECOMPUTED = ("MANUAL-TOTAL", "BT-1", "BT-2", "DUE-PAST", "PERIOD-CLOSED", "FX")


class EntryErrors(RuleError):
    """Several things to fix at once; `errors` holds one RuleError per problem."""

    def __init__(self, errors: list[RuleError]):
        self.errors = errors
        super().__init__(N_("%(errors)s"), errors="; ".join(str(e) for e in errors))


@dataclass
class Totals:
    lines: list = field(default_factory=list)   # (dict of typed values, net)
    breakdown: list = field(default_factory=list)  # (category, rate, base, amount)
    net: Decimal = Decimal("0.00")
    vat: Decimal = Decimal("0.00")

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat


def _q(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def _fmt(value: Decimal) -> str:
    text = f"{_q(value):,.2f}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".")


def _number(text: str, what: str, row: int, errors: list, places: int = 6) -> Decimal | None:
    text = (text or "").strip()
    try:
        value = parse_decimal(text, ",")
    except (ValueError, InvalidOperation):
        errors.append(RuleError(N_("Position %(row)s: %(what)s „%(value)s“ ist keine Zahl "
                                   "(z. B. 12,50)"), row=row, what=what, value=text))
        return None
    if value != value.quantize(Decimal(1).scaleb(-places)):
        errors.append(RuleError(N_("Position %(row)s: %(what)s hat mehr als %(places)s "
                                   "Nachkommastellen"), row=row, what=what, places=places))
        return None
    return value


def compute(rows: list[dict]) -> tuple[Totals, list[RuleError]]:
    """Parse the typed lines and compute nets, breakdown and totals; errors say what to fix."""
    errors: list[RuleError] = []
    totals = Totals()
    typed = [r for r in rows if any((r.get(k) or "").strip()
                                    for k in ("description", "quantity", "unit_price"))]
    if not typed:
        errors.append(RuleError(N_("Bitte mindestens eine Position erfassen (Beschreibung, "
                                   "Menge, Einzelpreis netto)")))
    if len(typed) > MAX_LINES:
        errors.append(RuleError(N_("Höchstens %(max)s Positionen je Rechnung"), max=MAX_LINES))
    groups: dict[tuple, Decimal] = {}
    for row_no, raw in enumerate(typed[:MAX_LINES], start=1):
        description = (raw.get("description") or "").strip()
        if not description:
            errors.append(RuleError(N_("Position %(row)s: bitte die Beschreibung eintragen"),
                                    row=row_no))
        quantity = _number(raw.get("quantity") or "1", "Menge", row_no, errors, 4)
        price = _number(raw.get("unit_price") or "", "Einzelpreis netto", row_no, errors)
        rate = _number(raw.get("vat_rate") or "0", "Steuersatz", row_no, errors, 2)
        category = (raw.get("vat_category") or "S").strip().upper()
        if quantity is not None and quantity <= 0:
            errors.append(RuleError(N_("Position %(row)s: die Menge muss größer als 0 sein "
                                       "(Gutschriften als Gutschrift erfassen)"), row=row_no))
            quantity = None
        if price is not None and price < 0:
            errors.append(RuleError(N_("Position %(row)s: der Einzelpreis darf nicht negativ "
                                       "sein; einen Nachlass bitte im Preis verrechnen"), row=row_no))
            price = None
        if category not in VAT_CATEGORIES:
            errors.append(RuleError(N_("Position %(row)s: Steuerkategorie „%(cat)s“ unbekannt; "
                                       "erlaubt: %(allowed)s"), row=row_no, cat=category,
                                    allowed=VAT_CATEGORIES))
            category = None
        elif rate is not None and category == "S" and (
                rate <= 0 or input_vat_accounts("S", rate) is None):
            errors.append(RuleError(N_("Position %(row)s: zum Steuersatz %(rate)s %% gibt es "
                                       "kein Vorsteuerkonto (üblich: 19 oder 7)"),
                                    row=row_no, rate=f"{rate:.2f}".replace(".", ",")))
            rate = None
        elif rate is not None and category != "S" and rate != 0:
            errors.append(RuleError(N_("Position %(row)s: bei Steuerkategorie %(cat)s steht "
                                       "auf der Rechnung keine Steuer; Steuersatz bitte 0"),
                                    row=row_no, cat=category))
            rate = None
        if None in (quantity, price, rate, category):
            continue
        net = _q(quantity * price)
        values = {"description": description[:500], "quantity": quantity,
                  "unit": (raw.get("unit") or "").strip()[:20] or None, "unit_price": price,
                  "vat_category": category, "vat_rate": _q(rate),
                  "account": (raw.get("account") or "").strip() or None,
                  "cost_center": (raw.get("cost_center") or "").strip() or None}
        totals.lines.append((values, net))
        groups[(category, _q(rate))] = groups.get((category, _q(rate)), Decimal("0.00")) + net
    for (category, rate), base in groups.items():
        amount = _q(base * rate / 100) if category == "S" else Decimal("0.00")
        totals.breakdown.append((category, rate, base, amount))
        totals.net += base
        totals.vat += amount
    errors += _master_data_errors([v for v, _ in totals.lines])
    return totals, errors


def _master_data_errors(lines: list[dict]) -> list[RuleError]:
    errors = []
    accounts = sorted({ln["account"] for ln in lines if ln["account"]})
    known = set(Account.objects(number__in=accounts, active=True).scalar("number")) if accounts else set()
    for number in accounts:
        if number not in known:
            errors.append(RuleError(N_("Konto %(account)s gibt es nicht (oder es ist gesperrt); "
                                       "bitte ein Aufwands- oder Wareneingangskonto wählen"),
                                    account=number))
    codes = sorted({ln["cost_center"] for ln in lines if ln["cost_center"]})
    active = set(CostCenter.objects(code__in=codes, active=True).scalar("code")) if codes else set()
    for code in codes:
        if code not in active:
            errors.append(RuleError(N_("Kostenstelle %(code)s gibt es nicht (oder sie ist "
                                       "inaktiv)"), code=code))
    return errors


def _header(inv: SupplierInvoice, header: dict, errors: list) -> dict:
    values = {}
    number = (header.get("number") or "").strip()
    if not number:
        errors.append(RuleError(N_("Bitte die Rechnungsnummer vom Beleg eintragen")))
    values["number"] = number[:60] or None
    for name, label, needed in (("issue_date", N_("Rechnungsdatum"), True),
                                ("due_date", N_("Fällig am"), False),
                                ("delivery_date", N_("Leistungsdatum"), False)):
        text = (header.get(name) or "").strip()
        values[name] = None
        if not text:
            if needed:
                errors.append(RuleError(N_("Bitte das Rechnungsdatum eintragen")))
            continue
        try:
            values[name] = parse_date(text)
        except ValueError:
            errors.append(RuleError(N_("%(field)s: „%(value)s“ ist kein Datum (TT.MM.JJJJ)"),
                                    field=label, value=text))
    if values["issue_date"] and values["due_date"] and values["due_date"] < values["issue_date"]:
        errors.append(RuleError(N_("Das Fälligkeitsdatum liegt vor dem Rechnungsdatum")))
    currency = (header.get("currency") or "EUR").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        errors.append(RuleError(N_("Währung „%(value)s“: bitte den dreistelligen Code angeben "
                                   "(EUR, USD, CHF …)"), value=currency))
    values["currency"] = currency
    supplier_id = (header.get("supplier") or "").strip()
    values["supplier"] = inv.supplier
    if supplier_id:
        found = Supplier.objects(pk=supplier_id).first() if ObjectId.is_valid(supplier_id) else None
        if found is None:
            errors.append(RuleError(N_("Bitte einen vorhandenen Lieferanten auswählen")))
        values["supplier"] = found or inv.supplier
    if values["supplier"] is None:
        errors.append(RuleError(N_("Bitte den Lieferanten auswählen (oder zuerst anlegen)")))
    gross = (header.get("document_gross") or "").strip()
    values["document_gross"] = None
    if gross:
        try:
            values["document_gross"] = _q(parse_decimal(gross, ","))
        except (ValueError, InvalidOperation):
            errors.append(RuleError(N_("Bruttobetrag laut Beleg „%(value)s“ ist keine Zahl"),
                                    value=gross))
    return values


def declared_totals(inv: SupplierInvoice) -> dict | None:
    """Net, VAT, gross and due as the archived XML states them (MINIMUM / BASIC WL), or None."""
    if inv.source_format == "document" or not inv.source_file:
        return None
    from services.archive.store import read_file

    data = read_file(inv.source_file)
    xml = readers.xml_from_pdf(data) if data.lstrip()[:4] == b"%PDF" else data
    if xml is None:
        return None
    parsed = readers.read_xml(xml)
    return {key: parsed.get(key) for key in ("net_total", "vat_total", "gross_total",
                                              "amount_due", "currency")}


def cross_check(totals: Totals, currency: str, prepaid: Decimal, declared: dict | None,
                document_gross: Decimal | None) -> str | None:
    """The German message when the typed lines do not add up to the document's totals."""
    parts = []
    if declared:
        if declared.get("currency") and declared["currency"].upper() != currency:
            parts.append(N_("Währung %(typed)s, laut Beleg %(doc)s")
                         % {"typed": currency, "doc": declared["currency"]})
        for key, label, value in (("net_total", N_("Netto"), totals.net),
                                  ("vat_total", N_("Umsatzsteuer"), totals.vat),
                                  ("gross_total", N_("Brutto"), totals.gross),
                                  ("amount_due", N_("Zahlbetrag"), totals.gross - prepaid)):
            doc = declared.get(key)
            if doc is not None and abs(_q(doc) - value) > TOLERANCE:
                parts.append(N_("%(what)s laut Positionen %(typed)s, laut Beleg %(doc)s")
                             % {"what": label, "typed": _fmt(value), "doc": _fmt(doc)})
    if document_gross is not None and abs(document_gross - totals.gross) > TOLERANCE:
        parts.append(N_("Brutto laut Positionen %(typed)s, laut Beleg (erfasst) %(doc)s")
                     % {"typed": _fmt(totals.gross), "doc": _fmt(document_gross)})
    if not parts:
        return None
    return N_("Die Summen passen nicht zum Beleg: %(parts)s. Bitte Mengen, Preise und "
              "Steuersätze der Positionen prüfen") % {"parts": "; ".join(parts)}


def save_entry(invoice_id, header: dict, rows: list[dict], user: str, *,
               today: date | None = None) -> SupplierInvoice:
    """Store the typed header and lines on a draft that needs them; raise EntryErrors if not."""
    from services.ledger.posting import is_period_closed
    from services.payables.booking import assign_accounts
    from services.payables.intake import dedup_key

    today = today or date.today()
    inv = SupplierInvoice.objects(pk=invoice_id).first()
    if inv is None:
        raise RuleError(N_("Die Eingangsrechnung gibt es nicht (mehr)"))
    if not inv.manual_lines_required:
        raise RuleError(N_("Diese Rechnung wurde aus der E-Rechnung gelesen; Positionen werden "
                           "nur bei Scans und MINIMUM/BASIC-WL-Belegen von Hand erfasst"))
    if inv.status != "draft" or inv.frozen:
        raise RuleError(N_("Positionen werden nur im Entwurf erfasst; die Rechnung hat den "
                           "Status „%(status)s“"), status=inv.status)
    errors: list[RuleError] = []
    head = _header(inv, header, errors)
    totals, line_errors = compute(rows)
    errors += line_errors
    if errors:
        raise EntryErrors(errors)
    declared = declared_totals(inv)
    mismatch = cross_check(totals, head["currency"], inv.prepaid or Decimal("0.00"), declared,
                           head["document_gross"])
    supplier = head["supplier"]
    inv.supplier, inv.supplier_proposed = supplier, False
    inv.number, inv.issue_date, inv.currency = head["number"], head["issue_date"], head["currency"]
    inv.delivery_date = head["delivery_date"]
    inv.due_date = head["due_date"] or (
        inv.issue_date + timedelta(days=supplier.payment_terms_days or 0))
    inv.document_gross = head["document_gross"]
    inv.lines = [SupplierInvoiceLine(line_id=str(i), net_amount=net,
                                     account_source="manual" if values["account"] else None,
                                     **values)
                 for i, (values, net) in enumerate(totals.lines, start=1)]
    inv.vat_breakdown = [VatBreakdownLine(category=c, rate=r, base=b, amount=a)
                         for c, r, b, a in totals.breakdown]
    inv.line_total = inv.net_total = totals.net
    inv.allowance_total = inv.charge_total = Decimal("0.00")
    inv.vat_total, inv.gross_total = totals.vat, totals.gross
    inv.amount_due = totals.gross - (inv.prepaid or Decimal("0.00"))
    if inv.currency == "EUR" or inv.tax_currency != "EUR":
        inv.vat_total_tax_currency = None  # BT-111 only from an XML that states it
    assign_accounts(inv)
    found = [f for f in inv.findings if f.code not in RECOMPUTED]
    facts = {"number": inv.number, "issue_date": inv.issue_date, "due_date": inv.due_date,
             "currency": inv.currency, "delivery_date": inv.delivery_date}
    found += [Finding(code=c.code, message=c.message, severity=c.severity)
              for c in checks.dates(facts, today, is_period_closed)]
    note = fx.intake_note(facts)
    if note is not None:
        found.append(Finding(code="FX", message=note[0], severity=note[1]))
    if mismatch:
        found.append(Finding(code="MANUAL-TOTAL", message=mismatch, severity="error"))
    inv.findings = found
    inv.dedup_key = dedup_key(supplier, {"number": inv.number})
    _write(inv, user, mismatch)
    return SupplierInvoice.objects.get(pk=inv.pk)


FIELDS = ("supplier", "supplier_proposed", "number", "issue_date", "currency", "delivery_date",
          "due_date", "document_gross", "lines", "vat_breakdown", "line_total", "net_total",
          "allowance_total", "charge_total", "vat_total", "gross_total", "amount_due",
          "vat_total_tax_currency", "findings", "dedup_key")


def _refuse_duplicate(inv: SupplierInvoice, first, always: bool = False) -> None:
    if first is None and not always:
        return
    raise RuleError(N_("Rechnungsnummer %(no)s dieses Lieferanten ist bereits erfasst: "
                       "%(first)s (/payables/%(id)s)"), no=inv.number, first=str(first or ""),
                    id=str(first.pk) if first else "")


def _write(inv: SupplierInvoice, user: str, mismatch: str | None) -> None:
    """Compare-and-set: only a draft that is not frozen takes the typed entry."""
    stored = inv.to_mongo()
    sets = {name: stored.get(name) for name in FIELDS}
    unset = {name: "" for name, value in sets.items() if value is None}
    sets = {name: value for name, value in sets.items() if value is not None}
    sets["updated_at"] = datetime.now(timezone.utc)
    update = {"$set": sets, "$push": {"history": step(user, "lines_entered",
                                                      f"{len(inv.lines)} Positionen")}}
    if unset:
        update["$unset"] = unset
    if inv.dedup_key:
        _refuse_duplicate(inv, SupplierInvoice.objects(dedup_key=inv.dedup_key,
                                                        pk__ne=inv.pk).first())
    try:
        done = SupplierInvoice._get_collection().update_one(
            {"_id": inv.pk, "status": "draft", "frozen": False}, update)
    except (DuplicateKeyError, me.NotUniqueError, OperationFailure) as exc:
        # the unique index (the embedded DB reports it as a failed UNIQUE constraint)
        if not isinstance(exc, (DuplicateKeyError, me.NotUniqueError)) \
                and "UNIQUE" not in str(exc):
            raise
        _refuse_duplicate(inv, SupplierInvoice.objects(dedup_key=inv.dedup_key,
                                                        pk__ne=inv.pk).first(), always=True)
    if done.modified_count != 1:
        raise RuleError(N_("Die Rechnung wurde inzwischen weiterbearbeitet; bitte neu laden"))
    audit(inv, user, "update", {"lines": (None, len(inv.lines)),
                                "gross_total": (None, inv.gross_total),
                                **({"findings": (None, mismatch)} if mismatch else {})})
