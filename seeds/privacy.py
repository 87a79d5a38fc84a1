"""The record of processing activities (Art. 30 DSGVO) for what Backoffice itself processes."""
from models.privacy import ProcessingActivity

TOMS = ("Zugriff nur über Rollen (admin, finance, hr, warehouse, support, auditor); "
        "Anmeldung mit Argon2-Passworthash und Drosselung; Sitzungen verfallen; HTTPS über "
        "den Reverse Proxy; Datenbank nur über Unix-Socket (0600); Änderungsprotokoll; "
        "tägliche, optional verschlüsselte Datensicherung mit Wiederherstellungsprobe.")

ACTIVITIES = (
    dict(code="personal", name="Personalverwaltung und Lohnabrechnung",
         purpose="Durchführung des Beschäftigungsverhältnisses, Entgeltabrechnung, Meldungen "
                 "an Sozialversicherung und Finanzamt",
         legal_basis="Art. 6 Abs. 1 b, c DSGVO; § 26 BDSG; EStG § 41; SGB IV",
         data_subjects="Beschäftigte, ausgeschiedene Beschäftigte",
         data_categories="Stammdaten, Kontaktdaten, Bankverbindung, Steuer-ID, SV-Nummer, "
                         "Krankenkasse, Konfession (Kirchensteuer), Entgelt",
         recipients="Krankenkassen, Finanzamt, Bank, Steuerberatung",
         deletion_periods="Lohnkonto bis Ende des 6. Kalenderjahres nach der letzten "
                          "Lohnzahlung; Lohnabrechnungen als Buchungsbeleg 8 Jahre",
         retention_categories=["payslip"],
         collections=["employees", "payroll_runs", "payslips", "health_funds"]),
    dict(code="customers", name="Kundenverwaltung und Rechnungsstellung",
         purpose="Vertragsabwicklung, Rechnungen, Forderungsverwaltung",
         legal_basis="Art. 6 Abs. 1 b, c DSGVO; UStG § 14; HGB § 257; AO § 147",
         data_subjects="Kunden und ihre Ansprechpersonen",
         data_categories="Name, Anschrift, E-Mail, USt-IdNr., Rechnungs- und Zahlungsdaten",
         recipients="Steuerberatung, Betriebsprüfung (Finanzverwaltung)",
         deletion_periods="Rechnungen 8 Jahre (Buchungsbeleg), Geschäftsbriefe 6 Jahre, "
                          "ab Ende des Kalenderjahres",
         retention_categories=["invoice"], collections=["customers", "invoices"]),
    dict(code="suppliers", name="Lieferanten und Einkauf",
         purpose="Bestellungen, Wareneingang, Zahlung von Lieferantenrechnungen",
         legal_basis="Art. 6 Abs. 1 b, c DSGVO; HGB § 257; AO § 147",
         data_subjects="Lieferanten und ihre Ansprechpersonen",
         data_categories="Name, Anschrift, Ansprechpartner, E-Mail, Telefon, Bankverbindung",
         recipients="Bank, Steuerberatung",
         deletion_periods="Buchungsbelege 8 Jahre, Geschäftsbriefe 6 Jahre",
         retention_categories=["invoice"],
         collections=["suppliers", "purchase_orders", "stock_items"]),
    dict(code="it-support", name="IT-Support (Tickets)",
         purpose="Bearbeitung von Störungen und Anfragen der Beschäftigten",
         legal_basis="Art. 6 Abs. 1 b, f DSGVO; § 26 BDSG",
         data_subjects="Beschäftigte (Anfragende), Benutzer (Bearbeitende)",
         data_categories="Name, Anliegen, Kommentare, Zeitstempel",
         recipients="keine",
         deletion_periods="nach Abschluss, sobald nicht mehr benötigt",
         collections=["tickets", "ticket_events"]),
    dict(code="users", name="Benutzerkonten und Protokolle",
         purpose="Zugangskontrolle, Nachvollziehbarkeit von Änderungen (GoBD)",
         legal_basis="Art. 6 Abs. 1 c, f DSGVO; GoBD",
         data_subjects="Benutzer des Systems",
         data_categories="Name, E-Mail, Rollen, Anmeldezeitpunkte, IP-Adressen "
                         "(Drosselung, 15 Minuten), Änderungsprotokoll",
         recipients="keine",
         deletion_periods="Konten werden deaktiviert; Änderungsprotokoll wie die "
                          "zugehörigen Bücher (10 Jahre)",
         collections=["users", "audit_log", "login_throttle"]),
)


def seed_processing_activities() -> int:
    """Add missing entries (never overwrite what the company has edited); return how many."""
    added = 0
    for values in ACTIVITIES:
        if ProcessingActivity.objects(code=values["code"]).first() is None:
            ProcessingActivity(toms=TOMS, **values).save(force_insert=True)
            added += 1
    return added
