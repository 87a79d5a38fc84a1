"""The error type of the wage-tax engine."""
from services.core.errors import BusinessRuleError


class LohnsteuerError(BusinessRuleError):
    """A PAP year, input or test table cannot be used; the message says what and where."""
