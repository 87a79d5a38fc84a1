"""The error type of the wage-tax engine."""
from services.errors import BusinessRuleError


class LohnsteuerError(BusinessRuleError):
    """A PAP year, input or test table cannot be used; the message says what and where."""
