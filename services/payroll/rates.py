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
    health_average_addon: Decimal
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
    midijob_upper_limit: Decimal
    midijob_factor_f: Decimal
    midijob_total_factor: Decimal
    midijob_total_offset: Decimal
    midijob_employee_factor: Decimal
    midijob_employee_offset: Decimal
    minijob_pension_min_base: Decimal
    minijob_u1_rate: Decimal
    minijob_u2_rate: Decimal
    health_insurance_threshold: Decimal

    @classmethod
    def from_document(cls, doc) -> "Rates":
        """Copy the values of a PayrollParameters document; say which ones are missing."""
        from services.core.errors import BusinessRuleError

        values = {f.name: getattr(doc, f.name) for f in fields(cls)}
        values["church_tax_reduced_states"] = tuple(doc.church_tax_reduced_states or ())
        missing = sorted(name for name, value in values.items() if value is None)
        if missing:
            raise BusinessRuleError(
                f"Lohnparameter ab {doc.valid_from:%d.%m.%Y}: es fehlen {', '.join(missing)}; "
                "ein Administrator ergänzt sie unter HR › Payroll parameters "
                "(oder 'flask --app app seed-reference')")
        return cls(**values)


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """First and last day of a month."""
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def rates_for_month(year: int, month: int) -> Rates:
    """Return the parameters valid for a whole month, or say which period is missing."""
    from models.payroll import PayrollParameters
    from services.core.errors import BusinessRuleError

    first, last = month_bounds(year, month)
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
