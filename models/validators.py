"""Validators for German business identifiers, usable from model clean()."""
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.eu import vat

from models.messages import N_, Message

# What schwifty found wrong, in German (its own texts are English)
PROBLEMS = {"InvalidChecksumDigits": N_("die Prüfziffer stimmt nicht"),
            "InvalidLength": N_("die Länge stimmt nicht"),
            "InvalidCountryCode": N_("das Länderkürzel ist unbekannt"),
            "InvalidBBANChecksum": N_("die Prüfziffer der Kontonummer stimmt nicht"),
            "InvalidBankCode": N_("die Bankleitzahl ist unbekannt"),
            "InvalidBranchCode": N_("der Filialcode ist unbekannt"),
            "InvalidAccountCode": N_("die Kontonummer ist ungültig"),
            "InvalidStructure": N_("der Aufbau stimmt nicht")}


def _problem(exc: Exception) -> str:
    return PROBLEMS.get(type(exc).__name__, N_("der Aufbau stimmt nicht"))


def normalize_iban(value: str) -> str:
    """Return the IBAN in compact form or raise ValueError saying what is wrong."""
    try:
        return IBAN(value).compact
    except SchwiftyException as exc:
        raise ValueError(Message(N_("Die IBAN '%(value)s' ist ungültig: %(problem)s; bitte die "
                                    "IBAN prüfen"), value=value, problem=_problem(exc))) from None


def normalize_vat_id(value: str) -> str:
    """Return the EU VAT ID (USt-IdNr.) compact or raise ValueError."""
    compact = vat.compact(value)
    if not vat.is_valid(compact):
        raise ValueError(Message(N_("Die USt-IdNr. '%(value)s' ist ungültig: bitte das "
                                    "Länderkürzel und die Nummer angeben, z. B. DE123456789"),
                                 value=value))
    return compact


def _digit_sum(number: int) -> int:
    return sum(int(d) for d in str(number))


def is_valid_betriebsnummer(value: str) -> bool:
    """An 8-digit Betriebsnummer whose last digit is the check digit (weights 1,2,1,2,…)."""
    if not (isinstance(value, str) and len(value) == 8 and value.isdigit()):
        return False
    total = sum(_digit_sum(int(d) * w) for d, w in zip(value[:7], (1, 2, 1, 2, 1, 2, 1)))
    return total % 10 == int(value[7])


def normalize_sv_number(value: str) -> str:
    """Return a social-security number (Versicherungsnummer, 12 characters) or raise ValueError.

    Layout (§ 147 SGB VI, VKVV): area 2 digits, birth date DDMMYY, initial of the birth
    name, serial 2 digits, check digit; the letter counts as its 2-digit place in the
    alphabet, weights 2,1,2,5,7,1,2,1,2,1,2,1, digit sums added, modulo 10.
    """
    compact = (value or "").replace(" ", "").upper()
    if not (len(compact) == 12 and compact[:8].isdigit() and compact[8].isalpha()
            and compact[8] <= "Z" and compact[9:].isdigit()):
        raise ValueError(Message(N_("Sozialversicherungsnummer '%(value)s' hat nicht die Form "
                                    "12 Zeichen wie 15070649C103 (2 Ziffern, Geburtsdatum "
                                    "TTMMJJ, Buchstabe, 3 Ziffern)"), value=value))
    digits = compact[:8] + f"{ord(compact[8]) - 64:02d}" + compact[9:11]
    weights = (2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1)
    total = sum(_digit_sum(int(d) * w) for d, w in zip(digits, weights))
    if total % 10 != int(compact[11]):
        raise ValueError(Message(N_("Sozialversicherungsnummer '%(value)s': die Prüfziffer "
                                    "stimmt nicht"), value=value))
    return compact


def normalize_tax_id(value: str) -> str:
    """Return the 11-digit tax ID (Steuer-Identifikationsnummer) or raise ValueError."""
    from stdnum.de import idnr

    try:
        return idnr.validate(value)
    except Exception:  # stdnum raises several ValidationError subclasses
        raise ValueError(Message(N_("Steuer-ID '%(value)s' ist nicht gültig (11 Ziffern mit "
                                    "Prüfziffer)"), value=value)) from None


def normalize_bic(value: str | None, iban: str | None = None) -> str | None:
    """Return a valid BIC (given, or derived from a German IBAN) or raise ValueError."""
    from schwifty import BIC

    if value and value.strip():
        try:
            return str(BIC(value.strip().upper().replace(" ", "")))
        except SchwiftyException as exc:
            raise ValueError(Message(N_("Die BIC '%(value)s' ist ungültig: %(problem)s; bitte "
                                        "8 oder 11 Zeichen wie COBADEFFXXX angeben"),
                                     value=value, problem=_problem(exc))) from None
    if iban:
        try:
            bic = IBAN(iban).bic
        except SchwiftyException:
            bic = None
        return str(bic) if bic else None
    return None


def normalize_creditor_id(value: str) -> str:
    """Return a SEPA creditor identifier (Gläubiger-ID) compact or raise ValueError.

    Layout (EPC262-08): country, 2 check digits, 3-character business code (ignored by
    the check), national identifier; the check digits are ISO 7064 MOD 97-10 over the
    national identifier followed by the country and "00", letters counted A=10 … Z=35.
    """
    compact = (value or "").replace(" ", "").upper()
    if not (8 <= len(compact) <= 35 and compact[:2].isalpha() and compact[2:4].isdigit()
            and compact[4:].isalnum()):
        raise ValueError(Message(N_("Gläubiger-ID '%(value)s' hat nicht die Form "
                                    "DE98ZZZ09999999999"), value=value))
    digits = "".join(str(int(c, 36)) for c in compact[7:] + compact[:2] + "00")
    if 98 - int(digits) % 97 != int(compact[2:4]):
        raise ValueError(Message(N_("Gläubiger-ID '%(value)s': die Prüfziffer stimmt nicht"),
                                 value=value))
    return compact
