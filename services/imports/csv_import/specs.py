"""What each importable collection looks like in a CSV file: columns, key, references.

The first alias of a column is the German header written into templates and exports;
every other spelling listed is accepted too (case, spaces, '-', '.' ignored).
"""
from dataclasses import dataclass, field
from datetime import datetime, time, timezone
from zoneinfo import ZoneInfo

from models.employee import DENOMINATIONS, EMPLOYEE_STATUSES, STATES, Employee
from models.health_fund import HealthFund
from models.it_asset import Asset
from models.ledger import JournalEntry
from models.stock import StockItem
from models.supplier import Supplier
from models.ticket import TICKET_STATUSES, Ticket
from services.imports.csv_reader import Column

BERLIN = ZoneInfo("Europe/Berlin")
PRIORITY_WORDS = {"niedrig": "low", "normal": "normal", "hoch": "high", "kritisch": "critical"}


@dataclass(frozen=True)
class Reference:
    """A column that names another document by its natural key."""

    field: str            # the model's ReferenceField
    document: type
    key_field: str        # the natural key of the referenced collection
    what: str             # German noun for messages: "Lieferant"


@dataclass(frozen=True)
class ImportSpec:
    """One importable collection."""

    name: str
    label: str
    document: type
    columns: tuple[Column, ...]
    key: str                          # column and model field of the natural key
    write_roles: tuple[str, ...]
    references: dict = field(default_factory=dict)  # column name → Reference
    renames: dict = field(default_factory=dict)     # column name → model field
    converters: dict = field(default_factory=dict)  # column name → value for the model

    @property
    def key_column(self) -> Column:
        """Return the column of the natural key."""
        return next(c for c in self.columns if c.name == self.key)

    def model_field(self, column: str) -> str:
        """Return the model field a column fills."""
        if column in self.references:
            return self.references[column].field
        return self.renames.get(column, column)


def _c(name, *aliases, **kw) -> Column:
    return Column(name, aliases, **kw)


EMPLOYEES = ImportSpec(
    name="employees", label="Mitarbeiter", document=Employee, key="personnel_no",
    write_roles=("admin", "hr"),
    columns=(
        _c("personnel_no", "Personalnummer", required=True, max_length=20),
        _c("first_name", "Vorname", required=True, max_length=80),
        _c("last_name", "Nachname", required=True, max_length=80),
        _c("email", "E-Mail"),
        _c("department", "Abteilung", max_length=80),
        _c("position", "Position", max_length=80),
        _c("hire_date", "Eintrittsdatum", kind="date", required=True),
        _c("exit_date", "Austrittsdatum", kind="date"),
        _c("monthly_gross", "Bruttogehalt", "Monatsbrutto", kind="decimal", required=True),
        _c("tax_class", "Steuerklasse", kind="int", choices=(1, 2, 3, 4, 5, 6)),
        _c("iban", "IBAN"),
        _c("phone", "Telefon", max_length=40),
        _c("street", "Straße", max_length=120),
        _c("postal_code", "PLZ"),
        _c("city", "Ort", max_length=80),
        _c("birth_date", "Geburtsdatum", kind="date"),
        _c("state", "Bundesland", choices=tuple(STATES)),
        _c("child_allowances", "Kinderfreibeträge", kind="decimal"),
        _c("children_under_25", "Kinder unter 25", kind="int"),
        _c("church_tax", "Kirchensteuer", kind="bool"),
        _c("health_insurance_addon", "KV-Zusatzbeitrag", kind="decimal"),
        _c("childless", "Kinderlos", kind="bool"),
        _c("status", "Status", choices=EMPLOYEE_STATUSES),
        _c("workplace_state", "Bundesland Betriebsstätte", choices=tuple(STATES)),
        _c("church_denomination", "Konfession", choices=tuple(c for c, _ in DENOMINATIONS)),
        _c("social_security_no", "Sozialversicherungsnummer", "SV-Nummer", max_length=15),
        _c("tax_id", "Steuer-ID", "Steuerliche Identifikationsnummer", max_length=14),
        _c("health_fund_no", "Krankenkasse", "Betriebsnummer Krankenkasse", max_length=8),
        _c("minijob_pension_exempt", "RV-Befreiung", kind="bool"),
    ),
    references={"health_fund_no": Reference("health_fund", HealthFund, "betriebsnummer",
                                            "Krankenkasse")},
)

SUPPLIERS = ImportSpec(
    name="suppliers", label="Lieferanten", document=Supplier, key="supplier_no",
    write_roles=("admin", "finance", "warehouse"),
    columns=(
        _c("supplier_no", "Lieferantennummer", required=True, max_length=20),
        _c("name", "Firma", "Name", required=True, max_length=120),
        _c("vat_id", "USt-IdNr.", "USt-ID"),
        _c("iban", "IBAN"),
        _c("email", "E-Mail"),
        _c("street", "Straße", max_length=120),
        _c("postal_code", "PLZ", max_length=10),
        _c("city", "Ort", max_length=80),
        _c("country", "Land"),
        _c("payment_terms_days", "Zahlungsziel", kind="int"),
        _c("contact_name", "Ansprechpartner", max_length=120),
        _c("phone", "Telefon", max_length=40),
        _c("category", "Kategorie", max_length=60),
        _c("active", "Aktiv", kind="bool"),
    ),
)

STOCK_ITEMS = ImportSpec(
    name="stock_items", label="Artikel", document=StockItem, key="sku",
    write_roles=("admin", "warehouse"),
    columns=(
        _c("sku", "Artikelnummer", required=True, max_length=40),
        _c("name", "Bezeichnung", required=True, max_length=160),
        _c("unit", "Einheit", max_length=20),  # code or alias; StockItem.clean stores the code
        _c("quantity", "Bestand", kind="decimal"),
        _c("reorder_point", "Meldebestand", kind="decimal"),
        _c("reorder_qty", "Bestellmenge", kind="decimal"),
        _c("unit_cost", "Einkaufspreis", kind="decimal"),
        _c("supplier_no", "Lieferantennummer", max_length=20),
        _c("location", "Lagerort", max_length=40),
        _c("active", "Aktiv", kind="bool"),
    ),
    references={"supplier_no": Reference("supplier", Supplier, "supplier_no", "Lieferant")},
)

TICKETS = ImportSpec(
    name="tickets", label="Tickets", document=Ticket, key="number",
    write_roles=("admin", "support"),
    columns=(
        _c("number", "Ticketnummer", required=True, max_length=20),
        _c("title", "Titel", "Betreff", required=True, max_length=200),
        _c("description", "Beschreibung"),
        _c("requester_no", "Personalnummer", "Anforderer", max_length=20),
        _c("priority", "Priorität"),
        _c("status", "Status", choices=TICKET_STATUSES),
        _c("due_date", "Fällig am", "Fälligkeit", kind="date"),
    ),
    references={"requester_no": Reference("requester", Employee, "personnel_no", "Mitarbeiter")},
    renames={"due_date": "due_at"},
    converters={"priority": lambda word: PRIORITY_WORDS.get(word.casefold(), word),
                "due_date": lambda day: due_at(day)},
)

# One booking per row; rows with the same voucher number make one entry.
JOURNAL_ENTRIES = ImportSpec(
    name="journal_entries", label="Buchungen", document=JournalEntry, key="voucher_no",
    write_roles=("admin", "finance"),
    columns=(
        _c("date", "Datum", "Belegdatum", kind="date", required=True),
        _c("debit_account", "Sollkonto", "Soll"),
        _c("credit_account", "Habenkonto", "Haben"),
        _c("amount", "Betrag", kind="decimal", required=True),
        _c("text", "Buchungstext", "Text", required=True, max_length=200),
        _c("voucher_no", "Belegnummer", "Beleg", required=True, max_length=60),
        _c("tax_key", "Steuerschlüssel", max_length=10),
    ),
)

ASSET_TYPE_WORDS = {"notebook": "notebook", "laptop": "notebook", "desktop-pc": "desktop",
                    "pc": "desktop", "desktop": "desktop", "monitor": "monitor",
                    "bildschirm": "monitor", "telefon": "phone", "smartphone": "phone",
                    "handy": "phone", "tablet": "tablet", "drucker": "printer",
                    "printer": "printer", "netzwerkgerät": "network_device",
                    "switch": "network_device", "router": "network_device",
                    "zubehör": "peripheral", "sonstiges": "other"}

# Hardware inventory (issue 19). Status, holder and handovers are not imported: a new
# device starts in stock and is handed out on its page (with the handover protocol).
IT_ASSETS = ImportSpec(
    name="it_assets", label="IT-Geräte", document=Asset, key="asset_tag",
    write_roles=("admin", "support"),
    columns=(
        _c("asset_tag", "Inventarnummer", required=True, max_length=40),
        _c("asset_type", "Geräteart", "Typ", required=True, max_length=40),
        _c("manufacturer", "Hersteller", required=True, max_length=80),
        _c("model", "Modell", max_length=120),
        _c("serial_number", "Seriennummer", required=True, max_length=80),
        _c("purchase_date", "Kaufdatum", kind="date"),
        _c("purchase_price", "Kaufpreis", kind="decimal"),
        _c("supplier_invoice", "Lieferantenrechnung", "Rechnungsnummer", max_length=60),
        _c("fixed_asset_ref", "Anlagegut", max_length=60),
        _c("warranty_end", "Garantie bis", "Garantieende", kind="date"),
        _c("location", "Standort", max_length=120),
        _c("notes", "Bemerkung", max_length=2000),
    ),
    converters={"asset_type": lambda word: ASSET_TYPE_WORDS.get(word.casefold(), word)},
)

SPECS = {spec.name: spec for spec in (EMPLOYEES, SUPPLIERS, STOCK_ITEMS, TICKETS, JOURNAL_ENTRIES,
                                      IT_ASSETS)}
COLLECTIONS = tuple(SPECS)


def spec_for(name: str) -> ImportSpec:
    """Return the spec of a collection or raise KeyError naming the valid ones."""
    try:
        return SPECS[name]
    except KeyError:
        raise KeyError(f"unknown collection {name!r}; use one of {', '.join(COLLECTIONS)}") from None


def due_at(day) -> datetime:
    """Return the end of a due day in Berlin as a UTC timestamp."""
    local = datetime.combine(day, time(23, 59), tzinfo=BERLIN)
    return local.astimezone(timezone.utc)
