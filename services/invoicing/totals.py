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
    exemption_reason: str = ""


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


def compute_totals(lines, rates: dict[str, Decimal]) -> Totals:
    """Net per line, then net and VAT per rate (VAT on the summed net), in rate order."""
    totals, by_code = Totals(), {}
    for line in lines:
        net = line_net(line.quantity, line.unit_price)
        totals.line_nets.append(net)
        entry = by_code.get(line.vat_rate)
        if entry is None:
            entry = by_code[line.vat_rate] = RateTotal(line.vat_rate, rates[line.vat_rate])
        entry.net += net
        if line.exemption_reason and not entry.exemption_reason:
            entry.exemption_reason = line.exemption_reason
    for entry in by_code.values():
        entry.vat = (entry.net * entry.rate / 100).quantize(CENT, ROUND_HALF_UP)
    totals.rates = sorted(by_code.values(), key=lambda r: -r.rate)
    return totals


def missing_fields(invoice, company, totals: Totals) -> list[str]:
    """Name every §14 UStG (or §33 UStDV for small amounts) field the invoice lacks."""
    small = totals.gross <= SMALL_AMOUNT_LIMIT and invoice.kind == "invoice"
    missing = []
    if company is None:
        return ["the company's own name, address and tax number (enter them under "
                "Finance → Company)"]
    for attr, label in (("name", "company name"), ("street", "company street"),
                        ("postal_code", "company postal code"), ("city", "company city")):
        if not getattr(company, attr):
            missing.append(label)
    if not small and not (company.vat_id or company.tax_number):
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
        if rate_is_zero(line, totals) and not (line.exemption_reason or "").strip():
            missing.append(f"line {i}: reason for the VAT exemption (0 %)")
    return missing


def rate_is_zero(line, totals: Totals) -> bool:
    return any(r.code == line.vat_rate and r.rate == 0 for r in totals.rates)


def is_small_amount(totals: Totals) -> bool:
    """Tell whether the invoice is a Kleinbetragsrechnung (gross up to 250 EUR)."""
    return totals.gross <= SMALL_AMOUNT_LIMIT
