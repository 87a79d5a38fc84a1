"""Cost centres of an invoice's revenue: per line, else the invoice's; checked before issuing.

A line's own cost centre wins; a line without one takes the invoice's. The revenue of a
VAT rate is split by cost centre into the exact sums of its line nets (each line net is
rounded to the cent before the rate adds them up, so the parts add up to the rate's net).
The VAT, receivable and every other line carry no cost centre.
"""
from collections import defaultdict
from decimal import Decimal

from models.cost_center import CostCenter
from models.invoice import Invoice
from models.ledger import Account
from services.core.messages import N_, RuleError
from services.invoicing.totals import line_net


def line_cost_center(inv: Invoice, line) -> str | None:
    """The cost centre a line's revenue goes to (its own, else the invoice's, else none)."""
    return (line.cost_center or "").strip() or (inv.cost_center or "").strip() or None


def revenue_parts(inv: Invoice, rate_code: str) -> list[tuple[str | None, Decimal]]:
    """The net of one VAT rate per cost centre, in the order the lines first name them."""
    parts: dict[str | None, Decimal] = defaultdict(Decimal)
    for line in inv.lines:
        if line.vat_rate == rate_code:
            parts[line_cost_center(inv, line)] += line_net(line.quantity, line.unit_price)
    return list(parts.items())


def check_cost_centers(inv: Invoice, rates: dict) -> None:
    """Refuse unknown or inactive cost centres, and revenue accounts left without a required one."""
    codes = sorted({cc for line in inv.lines if (cc := line_cost_center(inv, line))})
    known = set(CostCenter.objects(code__in=codes, active=True).scalar("code")) if codes else set()
    if set(codes) - known:
        raise RuleError(N_("Kostenstelle %(codes)s gibt es nicht (oder sie ist inaktiv); bitte "
                           "eine aktive Kostenstelle an der Rechnung oder der Position angeben"),
                        codes=tuple(sorted(set(codes) - known)))
    bare = sorted({rates[line.vat_rate].revenue_account for line in inv.lines
                   if line.vat_rate in rates and not line_cost_center(inv, line)})
    strict = sorted(Account.objects(number__in=bare, cost_center_required=True)
                    .scalar("number")) if bare else []
    if strict:
        raise RuleError(N_("Erlöskonto %(accounts)s verlangt eine Kostenstelle; bitte an der "
                           "Rechnung oder an jeder Position eine Kostenstelle angeben"),
                        accounts=tuple(strict))
