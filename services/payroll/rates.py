"""The parameters one month is calculated with, as plain immutable data."""
import calendar
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Rates:
    """Rates in percent, ceilings and limits in euro per month (see PayrollParameters)."""

    pension_rate: Decimal
    unemployment_rate: Decimal
    health_general_rate: Decimal
    care_rate: Decimal
    care_employer_rate_saxony: Decimal
    care_childless_surcharge: Decimal
    care_childless_min_age: int
    care_child_reduction: Decimal
    care_child_reduction_max_children: int
    insolvency_rate: Decimal
    ceiling_pension: Decimal
    ceiling_health: Decimal
    minijob_limit: Decimal
    minijob_pension_rate: Decimal
    minijob_health_rate: Decimal
    minijob_flat_tax_rate: Decimal
    church_tax_rate: Decimal
    church_tax_rate_reduced: Decimal
    church_tax_reduced_states: tuple[str, ...]

    @classmethod
    def from_document(cls, doc) -> "Rates":
        """Copy the values of a PayrollParameters document."""
        values = {f.name: getattr(doc, f.name) for f in fields(cls)}
        values["church_tax_reduced_states"] = tuple(doc.church_tax_reduced_states or ())
        return cls(**values)


def rates_for_month(year: int, month: int) -> Rates:
    """Return the parameters valid for a whole month, or say which period is missing."""
    from models.payroll import PayrollParameters
    from services.core.errors import BusinessRuleError
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    matches = [p for p in PayrollParameters.objects(valid_from__lte=first)
               if p.valid_to is None or p.valid_to >= last]
    if not matches:
        raise BusinessRuleError(
            f"no payroll parameters cover {month:02d}/{year}: an administrator must add "
            "a period under HR › Payroll parameters")
    if len(matches) > 1:
        raise BusinessRuleError(
            f"{len(matches)} payroll parameter periods overlap in {month:02d}/{year}: "
            "an administrator must end one of them (valid to)")
    return Rates.from_document(matches[0])
