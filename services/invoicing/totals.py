"""Invoice arithmetic and the §14 UStG checks (pure: no database access).

Rounding (documented rule, tested): each line's net amount is quantity × unit price
rounded to the cent (ROUND_HALF_UP); the VAT of a rate is computed once on the sum of
that rate's line nets and rounded to the cent (ROUND_HALF_UP), as UStAE 14.5 (19)
allows and EN 16931 (BR-CO-17) expects; gross = total net + total VAT.
"""
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
SMALL_AMOUNT_LIMIT = Decimal("250.00")  # § 33 UStDV Kleinbetragsrechnung


@dataclass
class RateTotal:
    code: str
    rate: Decimal
    net: Decimal = Decimal("0.00")
    vat: Decimal = Decimal("0.00")
    reasons: dict[str, Decimal] = field(default_factory=dict)  # exemption reason -> net

    @property
    def exemption_reason(self) -> str:
        """Every exemption reason of the rate's lines, in line order."""
        return "; ".join(self.reasons)


@dataclass
class Totals:
    rates: list[RateTotal] = field(default_factory=list)
    line_nets: list[Decimal] = field(default_factory=list)

    @property
    def net(self) -> Decimal:
        return sum((r.net for r in self.rates), Decimal("0.00"))

    @property
    def vat(self) -> Decimal:
        return sum((r.vat for r in self.rates), Decimal("0.00"))

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat


def line_net(quantity: Decimal, unit_price: Decimal) -> Decimal:
    """Net amount of one line, rounded to the cent."""
    return (Decimal(quantity) * Decimal(unit_price)).quantize(CENT, ROUND_HALF_UP)


def compute_totals(lines, rates: dict[str, Decimal],
                   default_reasons: dict[str, str] | None = None) -> Totals:
    """Net per line, then net and VAT per rate (VAT on the summed net), in rate order.

    A rate's lines may give different exemption reasons (§ 4 Nr. 14 and § 4 Nr. 21
    UStG on one invoice): each reason keeps its own net amount. A line without a
    reason takes its rate's legal wording from `default_reasons`.
    """
    default_reasons = default_reasons or {}
    totals, by_code = Totals(), {}
    for line in lines:
        net = line_net(line.quantity, line.unit_price)
        totals.line_nets.append(net)
        entry = by_code.get(line.vat_rate)
        if entry is None:
            entry = by_code[line.vat_rate] = RateTotal(line.vat_rate, rates[line.vat_rate])
        entry.net += net
        reason = (line.exemption_reason or "").strip() or default_reasons.get(line.vat_rate)
        if reason and entry.rate == 0:
            entry.reasons[reason] = entry.reasons.get(reason, Decimal("0.00")) + net
    for entry in by_code.values():
        entry.vat = (entry.net * entry.rate / 100).quantize(CENT, ROUND_HALF_UP)
    totals.rates = sorted(by_code.values(), key=lambda r: -r.rate)
    return totals


def missing_fields(invoice, company, totals: Totals, rate_info: dict | None = None) -> list[str]:
    """Name every §14 UStG (or §33 UStDV for small amounts) field the invoice lacks.

    `rate_info` (VAT rates by code) adds the rules of the VAT categories: both VAT IDs
    for reverse charge and intra-EU supplies, no Kleinbetragsrechnung for them, the
    seller's VAT ID where EN 16931 asks for it, no mixing of "not subject" lines.
    """
    rate_info = rate_info or {}
    small = is_small_amount(totals, rate_info) and invoice.kind == "invoice"
    missing = []
    if company is None:
        return ["the company's own name, address and tax number (enter them under "
                "Finance → Company)"]
    for attr, label in (("name", "company name"), ("street", "company street"),
                        ("postal_code", "company postal code"), ("city", "company city")):
        if not getattr(company, attr):
            missing.append(label)
    if not (company.vat_id or company.tax_number):
        # § 33 UStDV would allow a Kleinbetragsrechnung without, EN 16931 does not (BR-S-02).
        missing.append("company VAT ID or tax number")
    customer = invoice.customer
    if not small:
        if not customer.name:
            missing.append("customer name")
        for attr, label in (("street", "street"), ("postal_code", "postal code"),
                            ("city", "city")):
            if not getattr(customer, attr):
                missing.append(f"customer address ({label})")
        if not invoice.service_date:
            missing.append("date of supply or service (Leistungsdatum)")
    if not invoice.lines:
        missing.append("at least one line item")
    for i, line in enumerate(invoice.lines, start=1):
        if not (line.description or "").strip():
            missing.append(f"line {i}: kind of goods or service (description)")
        if not line.quantity or line.quantity <= 0:
            missing.append(f"line {i}: quantity")
        info = rate_info.get(line.vat_rate)
        needs_reason = info.category == "E" if info else rate_is_zero(line, totals)
        if needs_reason and "§" not in (line.exemption_reason or ""):
            missing.append(f"line {i}: reason for the VAT exemption with its legal "
                           "reference (e.g. \"steuerfrei nach § 4 Nr. 14 UStG\")")
    missing += _category_rules(invoice, company, totals, rate_info)
    return missing


def _category_rules(invoice, company, totals: Totals, rate_info: dict) -> list[str]:
    used = [rate_info[r.code] for r in totals.rates if r.code in rate_info]
    categories = {info.category for info in used}
    missing = []
    for info in used:
        if info.needs_buyer_vat_id and not invoice.customer.vat_id:
            missing.append(f"the customer's VAT ID (USt-IdNr.): required for "
                           f"\"{info.label}\" (§ 14a UStG)")
        if info.category in ("AE", "K", "G", "Z", "E") and not company.vat_id:
            missing.append(f"the company's own VAT ID (USt-IdNr.): required for "
                           f"\"{info.label}\" (§ 14a UStG, EN 16931)")
        if info.category == "K" and (invoice.customer.country or "DE") == "DE":
            missing.append("an intra-EU supply goes to another EU member state: the "
                           "customer's country must not be DE")
    if getattr(invoice.customer, "leitweg_id", None):  # XRechnung (BR-DE-2, -5, -6, -7)
        for attr, label in (("phone", "telephone"), ("email", "e-mail address")):
            if not getattr(company, attr):
                missing.append(f"the company's {label}: XRechnung needs the seller contact")
        if not company.iban:
            missing.append("the company's IBAN: XRechnung needs the payment instructions")
        if not (invoice.customer.electronic_address or invoice.customer.email):
            missing.append("the customer's electronic address (BT-49) for XRechnung")
    if "O" in categories and not company.register:
        missing.append("the company's commercial register entry (Handelsregister): an "
                       "invoice not subject to German VAT carries no VAT ID (BR-O-02), so "
                       "EN 16931 needs the register to identify the seller (BR-CO-26)")
    if "O" in categories and len(categories) > 1:
        missing.append("lines that are not subject to German VAT (O) cannot share an "
                       "invoice with other VAT categories; issue them separately")
    return sorted(set(missing), key=missing.index)


def rate_is_zero(line, totals: Totals) -> bool:
    return any(r.code == line.vat_rate and r.rate == 0 for r in totals.rates)


def is_small_amount(totals: Totals, rate_info: dict | None = None) -> bool:
    """Tell whether the invoice may be a Kleinbetragsrechnung (gross up to 250 EUR).

    Never for reverse charge, intra-EU supplies or exports (§ 33 Satz 3 UStDV).
    """
    rate_info = rate_info or {}
    allowed = all(rate_info[r.code].small_amount_allowed for r in totals.rates
                  if r.code in rate_info)
    return allowed and totals.gross <= SMALL_AMOUNT_LIMIT
