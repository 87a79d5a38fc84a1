"""The one domain error type that services raise."""


class BusinessRuleError(Exception):
    """A rule of the business was broken; the message tells the clerk what to fix."""
