"""List filters Flask-Admin's mongoengine backend lacks: dates and exact decimals."""
from decimal import Decimal

from flask_admin.babel import lazy_gettext
from flask_admin.contrib.mongoengine.filters import (BaseMongoEngineFilter, FilterConverter,
                                                      FilterEqual, FilterNotEqual)
from flask_admin.model import filters

from services.imports.csv_reader import parse_decimal


def _range_filter(lookup: str, label: str, base):
    """Make a filter class that applies `column__<lookup>=value`."""
    def apply(self, query, value):
        if lookup == "between":
            return query.filter(**{f"{self.column}__gte": value[0],
                                   f"{self.column}__lte": value[1]})
        key = self.column if lookup == "eq" else f"{self.column}__{lookup}"
        return query.filter(**{key: value})

    def operation(self):
        return lazy_gettext(label)

    return type(f"{base.__name__}_{lookup}", (base, BaseMongoEngineFilter),
                {"apply": apply, "operation": operation})


class _DecimalFilter(filters.BaseFilter):
    def validate(self, value):
        try:
            parse_decimal(value)
            return True
        except ValueError:
            return False

    def clean(self, value) -> Decimal:
        return parse_decimal(value)


DATE_FILTERS = tuple(_range_filter(op, label, base) for op, label, base in (
    ("eq", "equals", filters.BaseDateFilter),
    ("gt", "greater than", filters.BaseDateFilter),
    ("lt", "smaller than", filters.BaseDateFilter),
    ("between", "between", filters.BaseDateBetweenFilter),
))
DECIMAL_FILTERS = tuple(_range_filter(op, label, _DecimalFilter) for op, label in (
    ("eq", "equals"), ("gt", "greater than"), ("lt", "smaller than")))


class BackofficeFilterConverter(FilterConverter):
    """Flask-Admin's converter plus DateField, our fixed-decimal fields and choice lists."""

    def convert(self, type_name, column, name):
        """A field with choices filters by its labelled codes (a select, not free text)."""
        if getattr(column, "choices", None):
            from admin.labels import code_choices

            options = code_choices(column.choices)
            field = column if isinstance(column, str) else column.name  # the filter's query key
            return [FilterEqual(field, name, options=options),
                    FilterNotEqual(field, name, options=options)]
        return super().convert(type_name, column, name)

    @filters.convert("DateField")
    def conv_date(self, column, name):
        return [f(column, name, data_type="datepicker") for f in DATE_FILTERS[:3]] + [
            DATE_FILTERS[3](column, name, data_type="daterangepicker")]

    @filters.convert("FixedDecimalField", "MoneyField")
    def conv_fixed_decimal(self, column, name):
        return [f(column, name) for f in DECIMAL_FILTERS]
