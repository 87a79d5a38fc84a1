"""German column and form labels (translated to English by the catalog) for issue 7's views."""
from views.i18n import _l

COMMON = {
    "sku": _l("Artikelnummer"), "name": _l("Name"), "unit": _l("Einheit"),
    "quantity": _l("Menge"), "reorder_point": _l("Meldebestand"),
    "reorder_qty": _l("Bestellmenge"), "unit_cost": _l("Einstandspreis"),
    "supplier": _l("Lieferant"), "location": _l("Lagerplatz"), "active": _l("Aktiv"),
    "value": _l("Wert"), "bins": _l("Bestand je Lagerplatz"),
    "supplier_no": _l("Lieferantennummer"), "street": _l("Straße"),
    "postal_code": _l("PLZ"), "city": _l("Ort"), "country": _l("Land"),
    "vat_id": _l("USt-IdNr."), "iban": _l("IBAN"), "contact_name": _l("Ansprechpartner"),
    "email": _l("E-Mail"), "phone": _l("Telefon"), "payment_terms_days": _l("Zahlungsziel (Tage)"),
    "category": _l("Kategorie"), "created_at": _l("Angelegt"), "updated_at": _l("Geändert"),
    "number": _l("Nummer"), "title": _l("Titel"), "description": _l("Beschreibung"),
    "requester": _l("Anfragende Person"), "assignee": _l("Bearbeitung"),
    "priority": _l("Priorität"), "status": _l("Status"), "comments": _l("Kommentare"),
    "due_at": _l("Lösung fällig"), "response_due_at": _l("Reaktion fällig"),
    "kind": _l("Art"), "item": _l("Artikel"), "date": _l("Datum"), "reason": _l("Grund"),
    "reference": _l("Referenz"), "from_location": _l("Von Lagerplatz"),
    "to_location": _l("Nach Lagerplatz"), "user": _l("Benutzer"), "refusal": _l("Ablehnung"),
    "order_date": _l("Bestelldatum"), "net_total": _l("Summe netto"), "lines": _l("Positionen"),
    "note": _l("Bemerkung"), "unit_price": _l("Einzelpreis"),
    "response_minutes": _l("Reaktionszeit (Geschäftsminuten)"),
    "resolution_minutes": _l("Lösungszeit (Geschäftsminuten)"),
    "holiday_subdivision": _l("Feiertage des Bundeslands"),
}
STOCK = {**COMMON, "name": _l("Bezeichnung")}

# Menu entries and categories registered in admin.VIEWS (English there) in German;
# labels not listed here stay as registered.
MENU = {
    "Home": _l("Übersicht"), "Chart of accounts": _l("Kontenrahmen"),
    "Journal entries": _l("Buchungen"), "Employees": _l("Mitarbeitende"),
    "Suppliers": _l("Lieferanten"), "Stock items": _l("Artikel"), "Tickets": _l("Tickets"),
    "Archived files": _l("Archiv"), "Users": _l("Benutzer"), "Audit log": _l("Änderungsprotokoll"),
    "Stock movements": _l("Lagerbewegungen"), "Purchase orders": _l("Bestellungen"),
    "My tickets": _l("Meine Tickets"), "SLA targets": _l("SLA-Ziele"), "Warehouse": _l("Lager"),
    "Finance": _l("Finanzen"), "HR": _l("Personal"), "Procurement": _l("Einkauf & Lager"),
    "Support": _l("Support"), "Archive": _l("Archiv"), "System": _l("System"),
    "Payroll runs": _l("Lohnabrechnung"), "Payroll parameters": _l("SV-Parameter"),
    "Health funds": _l("Krankenkassen"),
    "CSV import": _l("CSV-Import"), "CSV imports": _l("Importprotokoll"),
    "Import": _l("Import"), "Retention rules": _l("Aufbewahrungsregeln"),
    "Deletion log": _l("Löschprotokoll"), "Job runs": _l("Joblauf-Protokoll"),
    "Legal holds": _l("Sperrvermerke"), "Jobs": _l("Jobs"),
}


def menu_label(label):
    """The German (translatable) menu label for a label registered in English."""
    return MENU.get(label, label) if label else label
