"""Validators for German business identifiers, usable from model clean()."""
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.eu import vat


def normalize_iban(value: str) -> str:
    """Return the IBAN in compact form or raise ValueError saying what is wrong."""
    try:
        return IBAN(value).compact
    except SchwiftyException as exc:
        raise ValueError(f"IBAN '{value}' is not valid: {exc}") from None


def normalize_vat_id(value: str) -> str:
    """Return the EU VAT ID (USt-IdNr.) compact or raise ValueError."""
    compact = vat.compact(value)
    if not vat.is_valid(compact):
        raise ValueError(
            f"VAT ID '{value}' is not valid: expected a country prefix and the "
            "national number, e.g. DE123456789"
        )
    return compact
