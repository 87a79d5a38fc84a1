"""Field types shared by the documents: exact decimals stored as integers.

Their form inputs (in the page's number format) are admin.numbers.LocaleDecimalField."""
from decimal import Decimal, ROUND_HALF_UP

from mongoengine.base import BaseField

from services.core.formatting import format_decimal_de


class FixedDecimalField(BaseField):
    """A Decimal with a fixed number of places, stored as an integer of the smallest unit.

    Integers sort, compare and sum exactly on MongoDB and FerretDB alike, which
    floats do not and Decimal128 is not available everywhere.
    """

    def __init__(self, places=2, min_value=None, max_value=None, **kwargs):
        self.places = places
        self.quantum = Decimal(1).scaleb(-places)
        self.factor = Decimal(1).scaleb(places)
        self.min_value = None if min_value is None else Decimal(min_value)
        self.max_value = None if max_value is None else Decimal(max_value)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value is None or isinstance(value, Decimal):
            return value
        if isinstance(value, int):
            return Decimal(value).scaleb(-self.places)
        try:
            return Decimal(str(value))
        except ArithmeticError:
            return value

    def to_mongo(self, value):
        if value is None:
            return None
        value = Decimal(value) if not isinstance(value, Decimal) else value
        # = quantize(quantum, ROUND_HALF_UP).scaleb(places), in one step (payroll writes
        # ~60 of these per payslip)
        return int((value * self.factor).to_integral_value(rounding=ROUND_HALF_UP))

    def prepare_query_value(self, op, value):
        if value is None or op in ("exists", "type"):
            return super().prepare_query_value(op, value)
        if isinstance(value, (list, tuple)):
            return [self.to_mongo(v) for v in value]
        return self.to_mongo(value)

    def validate(self, value):
        if not isinstance(value, Decimal):
            try:
                value = Decimal(str(value))
            except ArithmeticError:
                self.error(f"{value!r} is not a number")
        if not value.is_finite():
            self.error("must be a finite number")
        if value != value.quantize(self.quantum, rounding=ROUND_HALF_UP):
            self.error(f"at most {self.places} decimal places allowed")
        if self.min_value is not None and value < self.min_value:
            self.error(f"must be at least {format_decimal_de(self.min_value, self.places)}")
        if self.max_value is not None and value > self.max_value:
            self.error(f"must be at most {format_decimal_de(self.max_value, self.places)}")


class MoneyField(FixedDecimalField):
    """An amount in euro and cent."""

    def __init__(self, **kwargs):
        super().__init__(places=2, **kwargs)


class EncryptedStringField(BaseField):
    """A text stored encrypted (services.core.field_crypto); read back as plain text.

    Queries on it cannot match (each save gives a new token): it is for secrets that are
    only read by their document, never searched.
    """

    def __init__(self, max_length=None, **kwargs):
        self.max_length = max_length
        super().__init__(**kwargs)

    def to_python(self, value):
        from services.core import field_crypto

        return field_crypto.decrypt(value) if isinstance(value, str) else value

    def to_mongo(self, value):
        from services.core import field_crypto

        if value is None or isinstance(value, field_crypto.UnreadableSecret):
            return value   # an unreadable token is kept as stored, never encrypted twice
        return field_crypto.encrypt(str(value))

    def validate(self, value):
        if not isinstance(value, str):
            self.error("a text is required")
        if self.max_length is not None and len(value) > self.max_length:
            self.error(f"at most {self.max_length} characters")
