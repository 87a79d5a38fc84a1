"""German column and form labels (translated to English by the catalog) for issue 7's views."""
from flask_babel import lazy_gettext as _l

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
    "tax_number": _l("Steuernummer"), "default_account": _l("Standard-Aufwandskonto"),
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

# German labels of the model fields, by field name (the same name means the same thing in
# every collection); a view's column_labels override these. English comes from the catalog.
FIELDS = {
    # e-mail (models/mail.py) and the customer's mail language
    "mail_language": _l("Sprache für E-Mails"), "attachments": _l("Anhänge"),
    "attempt_log": _l("Versuche (Protokoll)"), "document_kind": _l("Belegart"),
    "document_label": _l("Beleg"), "idempotency_key": _l("Idempotenzschlüssel"),
    "language": _l("Sprache"), "message_id": _l("Message-ID"), "subject": _l("Betreff"),
    "to": _l("Empfänger"), "sent_at": _l("Gesendet am"), "body": _l("Text"),
    "next_attempt_at": _l("Nächster Versuch"),
    # absences (issue 18)
    "absence_type": _l("Abwesenheitsart"), "counts_against_entitlement": _l("Zählt gegen Urlaubsanspruch"),
    "needs_approval": _l("Genehmigungspflichtig"), "payroll_treatment": _l("Behandlung in der Lohnabrechnung"),
    "certificate_possible": _l("Arbeitsunfähigkeitsbescheinigung"),
    "carry_over": _l("Resturlaub übertragen"), "carry_over_until_day": _l("Übertrag verfällt nach Tag"),
    "carry_over_until_month": _l("Übertrag verfällt nach Monat"),
    "half_day_start": _l("Erster Tag halb"), "half_day_end": _l("Letzter Tag halb"),
    "decided_by": _l("Entschieden von"),
    "decided_at": _l("Entschieden am"), "illness_of": _l("Fortsetzung der Erkrankung"),
    "eau_retrieved_at": _l("eAU abgerufen am"), "eau_retrieved_by": _l("eAU abgerufen von"),
    "eau_result": _l("eAU-Ergebnis"), "employee": _l("Person"),
    "work_days": _l("Arbeitstage der Woche (1 = Montag)"), "vacation_days": _l("Urlaubstage laut Vertrag (5-Tage-Woche)"),
    "severely_disabled": _l("Schwerbehindert (§ 208 SGB IX)"), "manager": _l("Führungskraft"),
    "manager_substitute": _l("Vertretung der Führungskraft"),
    "offboarding_for": _l("Offboarding angelegt für Austritt am"),
    "hours": _l("Stunden"), "variable_pay": _l("Variable Bezüge"),
    "overtime_pay": _l("Überstundenvergütung"), "hourly_rate": _l("Stundenlohn"),
    "weekly_hours": _l("Wochenstunden"), "variable_gross": _l("Stundenlohn und variable Bezüge"),
    "vacation_pay": _l("Urlaubsentgelt"), "short_time_days": _l("Kurzarbeitstage"),
    "short_time_target_gross": _l("Soll-Entgelt (Kurzarbeit)"),
    "short_time_hours": _l("Kurzarbeit: ausgefallene Stunden"),
    "short_time_loss": _l("Kurzarbeit: Entgeltausfall"),
    "hours_per_day": _l("Ausfallstunden je Tag (Kurzarbeit)"),
    "short_time_allowance": _l("Kurzarbeitergeld"),
    "employer_short_time_si": _l("AG-Beiträge auf Kurzarbeit"),
    "opened_on": _l("Ausgeschrieben am"), "opening": _l("Stelle"), "stage": _l("Stand"),
    "talent_pool_consent": _l("Talentpool-Einwilligung"), "consent_until": _l("Einwilligung bis"),
    "consent_recorded_at": _l("Einwilligung erfasst am"), "rejected_on": _l("Abgelehnt am"),
    "planned_personnel_no": _l("Vorgesehene Personalnummer"),
    "planned_start": _l("Vorgesehenes Eintrittsdatum"), "offered_gross": _l("Angebotenes Monatsbrutto"),
    "items": _l("Aufgaben"), "responsible_role": _l("Zuständige Rolle"),
    "due_offset_days": _l("Fällig (Tage ab Eintritt/Austritt)"), "done_by": _l("Erledigt von"),
    "done_at": _l("Erledigt am"),
    "provider": _l("Anbieter"), "cost": _l("Kosten"), "certificate": _l("Teilnahmebescheinigung"),
    "instruction": _l("Erfüllt Pflichtunterweisung"), "interval_months": _l("Wiederholung (Monate)"),
    "departments": _l("Abteilungen (leer = alle)"), "goals": _l("Ziele"),
    "overall_rating": _l("Gesamtbewertung"), "cycle": _l("Zyklus"), "comment": _l("Kommentar"),
    "rating": _l("Bewertung"),
    "cost_center": _l("Kostenstelle"),
    "cost_center_required": _l("Kostenstelle Pflicht"),
    "vat_accounting": _l("Versteuerung (Soll/Ist)"),
    "vat_filing": _l("Voranmeldungszeitraum"),
    "vat_extension": _l("Dauerfristverlängerung"),
    "opened_via": _l("Angelegt über"),
    # backups (issue 19)
    "path": _l("Datei"), "collections": _l("Sammlungen"),
    "method": _l("Verfahren"), "encrypted": _l("Verschlüsselt"),
    # data protection (issue 19)
    "purpose": _l("Zweck"), "legal_basis": _l("Rechtsgrundlage"),
    "data_subjects": _l("Betroffene Personen"), "data_categories": _l("Datenkategorien"),
    "recipients": _l("Empfänger"), "third_country_transfers": _l("Übermittlung in Drittländer"),
    "deletion_periods": _l("Löschfristen"),
    "retention_categories": _l("Aufbewahrungskategorien"),
    "toms": _l("Technische und organisatorische Maßnahmen"),
    "aware_at": _l("Bekannt geworden am"), "occurred_at": _l("Eingetreten am"),
    "affected_count": _l("Anzahl Betroffene"), "consequences": _l("Folgen"),
    "measures": _l("Maßnahmen"), "reported_at": _l("Gemeldet am"),
    "authority_reference": _l("Aktenzeichen der Aufsichtsbehörde"),
    "delay_reason": _l("Grund der verspäteten Meldung"),
    "not_reportable_reason": _l("Begründung: nicht meldepflichtig"),
    "subjects_informed_at": _l("Betroffene benachrichtigt am"),
    "report_due": _l("Meldefrist (72 Stunden)"),
    "restricted_until": _l("Verarbeitung eingeschränkt bis (Art. 18)"),
    "erased_at": _l("Gelöscht/anonymisiert am"),
    "electronic_address": _l("Elektronische Adresse (BT-49)"),
    "leitweg_id": _l("Leitweg-ID"),
    "retention_reason": _l("Grund für die kürzere Aufbewahrung"),
    "archive_categories_text": _l("Erlaubte Archivkategorien"),
    "expires_at": _l("Läuft ab am"),
    "expires_on": _l("Gültig bis"),
    "ip_ranges_text": _l("Erlaubte IP-Bereiche"),
    "last_used_at": _l("Zuletzt benutzt am"),
    "last_used_ip": _l("Zuletzt benutzt von IP"),
    "prefix": _l("Präfix"),
    "rate_limit": _l("Anfragen je Minute"),
    "revoked_at": _l("Widerrufen am"),
    "scopes": _l("Berechtigungen"),
    "events": _l("Ereignisse"),
    "secret": _l("Signaturschlüssel"),
    "url": _l("Adresse (URL)"),
    "attempts": _l("Versuche"),
    "body": _l("Inhalt"),
    "event": _l("Ereignis"),
    "event_type": _l("Ereignistyp"),
    "last_status": _l("Letzte Antwort"),
    "lease_until": _l("In Zustellung bis"),
    "log": _l("Protokoll"),
    "next_attempt_at": _l("Nächster Versuch"),
    "active": _l("Aktiv"), "action": _l("Aktion"), "amount": _l("Betrag"),
    "applied_at": _l("Ausgeführt"), "approved_at": _l("Freigegeben am"),
    "approved_by": _l("Freigegeben von"), "assignee": _l("Bearbeitung"), "at": _l("Zeitpunkt"),
    "author": _l("Verfasst von"), "bank_name": _l("Bank"), "bic": _l("BIC"),
    "bins": _l("Bestand je Lagerplatz"), "birth_date": _l("Geburtsdatum"),
    "calculated_at": _l("Berechnet am"), "cancelled_by": _l("Storniert durch"),
    "cancels": _l("Storniert Rechnung"), "care_child_reduction": _l("PV-Abschlag je Kind (%)"),
    "care_child_reduction_max_children": _l("PV-Abschlag höchstens für Kinder"),
    "care_childless_min_age": _l("PV-Kinderlosenzuschlag ab Alter"),
    "care_childless_surcharge": _l("PV-Kinderlosenzuschlag (%)"),
    "care_employer_rate_saxony": _l("PV-Arbeitgeberanteil Sachsen (%)"),
    "care_rate": _l("Pflegeversicherung (%)"), "category": _l("Kategorie"),
    "ceiling_health": _l("BBG Kranken-/Pflegeversicherung (Monat)"),
    "ceiling_pension": _l("BBG Renten-/Arbeitslosenversicherung (Monat)"),
    "change": _l("Änderung"), "changes": _l("Änderungen"), "chart": _l("Kontenrahmen"),
    "child_allowances": _l("Kinderfreibeträge"), "childless": _l("Kinderlos"),
    "children_under_25": _l("Kinder unter 25"), "church_tax": _l("Kirchensteuer"),
    "church_tax_rate": _l("Kirchensteuersatz (%)"),
    "church_tax_rate_reduced": _l("Kirchensteuersatz ermäßigt (%)"),
    "church_tax_reduced_states": _l("Bundesländer mit ermäßigter Kirchensteuer"),
    "city": _l("Ort"), "code": _l("Kürzel"), "collection": _l("Datenbestand"),
    "comments": _l("Kommentare"), "contact_name": _l("Ansprechpartner"),
    "content_type": _l("Dateityp"), "country": _l("Land"), "created_at": _l("Angelegt"),
    "created_by": _l("Angelegt von"), "credit": _l("Haben"), "customer": _l("Kunde"),
    "customer_no": _l("Kundennummer"), "date": _l("Datum"), "debit": _l("Soll"),
    "deleted_at": _l("Gelöscht am"), "delimiter": _l("Trennzeichen"),
    "department": _l("Abteilung"), "description": _l("Beschreibung"),
    "document_date": _l("Belegdatum"), "document_id": _l("Dokument-ID"),
    "dry_run": _l("Probelauf"), "due_at": _l("Lösung fällig"), "due_date": _l("Fällig am"),
    "email": _l("E-Mail"), "encoding": _l("Zeichensatz"), "error": _l("Fehler"),
    "error_count": _l("Fehler"), "errors": _l("Fehlermeldungen"),
    "exemption_reason": _l("Befreiungsgrund"), "exit_date": _l("Austrittsdatum"),
    "expected_quantity": _l("Erwarteter Bestand"), "field": _l("Feld"),
    "file_id": _l("Datei-ID"), "filename": _l("Dateiname"), "finished_at": _l("Beendet"),
    "first_name": _l("Vorname"), "first_response_at": _l("Erste Reaktion"),
    "fiscal_year": _l("Geschäftsjahr"), "fixed_start": _l("Fester Fristbeginn"),
    "from_location": _l("Von Lagerplatz"), "from_status": _l("Von Status"),
    "gross": _l("Brutto"), "gross_total": _l("Brutto"), "hash": _l("Prüfsumme"),
    "health_average_addon": _l("Durchschnittlicher KV-Zusatzbeitrag (%)"),
    "health_general_rate": _l("KV allgemeiner Beitragssatz (%)"),
    "health_insurance_addon": _l("KV-Zusatzbeitrag (%)"), "hire_date": _l("Eintrittsdatum"),
    "history": _l("Verlauf"), "hold_at": _l("Sperrvermerk seit"),
    "hold_by": _l("Sperrvermerk von"), "hold_reason": _l("Sperrvermerk"),
    "holiday_subdivision": _l("Feiertage des Bundeslands"), "host": _l("Rechner"),
    "iban": _l("IBAN"), "inserted": _l("Neu angelegt"),
    "insolvency_rate": _l("Insolvenzgeldumlage (%)"), "internal": _l("Intern"),
    "issue_date": _l("Rechnungsdatum"), "issued_at": _l("Ausgestellt am"),
    "issued_by": _l("Ausgestellt von"), "item": _l("Artikel"), "job": _l("Job"),
    "journal_entry": _l("Buchung"), "keep_until": _l("Aufbewahren bis"), "key": _l("Schlüssel"),
    "kind": _l("Art"), "label": _l("Bezeichnung"), "last_login_at": _l("Letzte Anmeldung"),
    "last_name": _l("Nachname"), "legal_basis": _l("Rechtsgrundlage"), "lines": _l("Positionen"),
    "locale": _l("Sprache"), "location": _l("Lagerplatz"),
    "managing_director": _l("Geschäftsführung"), "message": _l("Meldung"),
    "minijob_flat_tax_rate": _l("Minijob Pauschsteuer (%)"),
    "minijob_health_rate": _l("Minijob Pauschale KV (%)"),
    "minijob_limit": _l("Minijob-Grenze (Monat)"),
    "minijob_pension_rate": _l("Minijob Pauschale RV (%)"), "mode": _l("Modus"),
    "month": _l("Monat"), "monthly_gross": _l("Monatsbrutto"), "name": _l("Name"),
    "net": _l("Netto"), "net_total": _l("Netto"), "new": _l("Neu"), "note": _l("Bemerkung"),
    "notes": _l("Hinweise"), "number": _l("Nummer"), "old": _l("Alt"),
    "order_date": _l("Bestelldatum"), "paid_total": _l("Bezahlt"),
    "paused_minutes": _l("Pausiert (Minuten)"), "payment_days": _l("Zahlungsziel (Tage)"),
    "payment_terms": _l("Zahlungsbedingungen"), "payment_terms_days": _l("Zahlungsziel (Tage)"),
    "payments": _l("Zahlungen"), "pension_rate": _l("Rentenversicherung (%)"),
    "period": _l("Frist"), "personnel_no": _l("Personalnummer"), "phase": _l("Phase"),
    "phone": _l("Telefon"), "position": _l("Position"), "postal_code": _l("PLZ"),
    "posted_at": _l("Gebucht am"), "posted_by": _l("Gebucht von"),
    "prev_hash": _l("Vorherige Prüfsumme"), "priority": _l("Priorität"),
    "quantity": _l("Menge"), "rate": _l("Satz"), "reason": _l("Grund"),
    "received": _l("Geliefert"), "recipient": _l("Empfänger"), "recorded_by": _l("Erfasst von"),
    "reference": _l("Referenz"), "refusal": _l("Ablehnung"), "register": _l("Handelsregister"),
    "rejected": _l("Abgelehnt"), "reorder_point": _l("Meldebestand"),
    "reorder_qty": _l("Bestellmenge"), "requested_by": _l("Angefordert von"),
    "requester": _l("Anfragende Person"), "resolution_minutes": _l("Lösungszeit (Geschäftsminuten)"),
    "resolved_at": _l("Gelöst am"), "response_due_at": _l("Reaktion fällig"),
    "response_minutes": _l("Reaktionszeit (Geschäftsminuten)"),
    "reversal_of": _l("Storno von"), "reversed_by": _l("Storniert durch"),
    "roles": _l("Rollen"), "rows_done": _l("Zeilen verarbeitet"),
    "rows_total": _l("Zeilen gesamt"), "run_id": _l("Lauf-ID"),
    "scheduled_for": _l("Geplant für"), "sent_at": _l("Versendet am"),
    "service_date": _l("Leistungsdatum"), "service_date_end": _l("Leistungszeitraum bis"),
    "sha256": _l("SHA-256-Prüfsumme"), "size": _l("Größe (Bytes)"), "sku": _l("Artikelnummer"),
    "skip_invalid": _l("Ungültige Zeilen überspringen"),
    "skonto_days": _l("Skontofrist (Tage)"), "skonto_percent": _l("Skonto (%)"),
    "skonto_until": _l("Skonto bis"), "discount": _l("Skonto"),
    "write_off": _l("Ausgebuchte Differenz"), "overpaid": _l("Überzahlung"),
    "write_off_limit": _l("Ausbuchungsgrenze Zahlungsdifferenz (€)"),
    "level": _l("Stufe"), "days_after_due": _l("Tage nach Fälligkeit"), "invoice": _l("Rechnung"),
    "fee": _l("Gebühr"), "charge_interest": _l("Verzugszinsen berechnen"),
    "consumer": _l("Verbraucher (Verzugszins + 5 statt + 9 Punkte)"),
    "dunning_level": _l("Mahnstufe"), "dunned_on": _l("Gemahnt am"), "source": _l("Herkunft"),
    "start": _l("Fristbeginn"), "started_at": _l("Gestartet"), "state": _l("Zustand"),
    "status": _l("Status"), "street": _l("Straße"), "summary": _l("Ergebnis"),
    "supplier": _l("Lieferant"), "supplier_no": _l("Lieferantennummer"),
    "tax_class": _l("Steuerklasse"), "tax_key": _l("Steuerschlüssel"),
    "tax_lines": _l("Steuerbeträge"), "tax_number": _l("Steuernummer"), "text": _l("Text"),
    "title": _l("Titel"), "to_location": _l("Nach Lagerplatz"), "to_status": _l("Nach Status"),
    "total": _l("Betrag"), "trigger": _l("Auslöser"), "type": _l("Kontoart"),
    "unchanged": _l("Unverändert"), "unemployment_rate": _l("Arbeitslosenversicherung (%)"),
    "unit": _l("Einheit"), "unit_cost": _l("Einstandspreis"), "unit_price": _l("Einzelpreis"),
    "updated": _l("Aktualisiert"), "updated_at": _l("Geändert"), "upload": _l("Datei"),
    "uploaded_at": _l("Hochgeladen am"), "uploaded_by": _l("Hochgeladen von"),
    "user": _l("Benutzer"), "valid_from": _l("Gültig ab"), "valid_to": _l("Gültig bis"),
    "value": _l("Wert"), "vat": _l("USt"), "vat_id": _l("USt-IdNr."), "vat_key": _l("USt-Schlüssel"),
    "vat_rate": _l("USt-Satz"), "vat_total": _l("USt"), "voucher_ref": _l("Belegnummer"),
    "year": _l("Jahr"), "password": _l("Passwort"), "event_count": _l("Ereignisse"),
    "waiting_since": _l("Wartet seit"), "receipt_count": _l("Wareneingänge"),
    "moved": _l("Umgebucht"), "pdf_sha256": _l("PDF-Prüfsumme"), "pdf_file": _l("PDF-Datei"),
    "xml_file": _l("XML-Datei"), "ledger_version": _l("Version"), "account": _l("Konto"),
    "quantities": _l("Mengen"), "content": _l("Inhalt"), "password_hash": _l("Passwort"),
    "heartbeat_at": _l("Lebenszeichen"), "pid": _l("Prozess"), "resumed_run": _l("Fortgesetzter Lauf"),
    "entry_ids": _l("Buchungen"), "problems": _l("Probleme"), "totals": _l("Summen"),
    "month_key": _l("Monat"), "reversal_entry_ids": _l("Storno-Buchungen"),
    "documents": _l("Dokumente"),
    # payroll (issue payroll merge)
    "addon_rate": _l("Zusatzbeitrag (%)"), "betriebsnummer": _l("Betriebsnummer"),
    "church_denomination": _l("Konfession"), "health_fund": _l("Krankenkasse"),
    "health_insurance_threshold": _l("Versicherungspflichtgrenze KV (Jahr)"),
    "midijob_employee_factor": _l("Midijob Faktor Arbeitnehmer"),
    "midijob_employee_offset": _l("Midijob Abzug Arbeitnehmer"),
    "midijob_factor_f": _l("Midijob Faktor F"),
    "midijob_total_factor": _l("Midijob Faktor gesamt"),
    "midijob_total_offset": _l("Midijob Abzug gesamt"),
    "midijob_upper_limit": _l("Midijob Obergrenze"),
    "minijob_pension_exempt": _l("Minijob: von der RV befreit"),
    "minijob_pension_min_base": _l("Minijob RV-Mindestbemessung"),
    "minijob_u1_rate": _l("Minijob Umlage U1 (%)"), "minijob_u2_rate": _l("Minijob Umlage U2 (%)"),
    "private_care_premium": _l("Beitrag private Pflegeversicherung"),
    "private_health_premium": _l("Beitrag private Krankenversicherung"),
    "social_security_no": _l("Sozialversicherungsnummer"), "tax_id": _l("Steuer-ID"),
    "u1_levy": _l("Umlage U1 (Entgeltfortzahlung)"), "u1_rate": _l("Umlage U1 (%)"),
    "u2_rate": _l("Umlage U2 (%)"), "workplace_state": _l("Bundesland der Arbeitsstätte"),
    # bank (issue 16)
    "ledger_account": _l("Sachkonto"),
    "currency": _l("Währung"), "auto_book_from": _l("Automatisch buchen ab Sicherheit (%)"),
    "statement_id": _l("Auszugsnummer"), "format": _l("Dateiformat"),
    "from_date": _l("Von"), "to_date": _l("Bis"), "opening_balance": _l("Anfangssaldo"),
    "closing_balance": _l("Endsaldo"), "transaction_count": _l("Umsätze"),
    "balance_ok": _l("Saldo stimmt"), "file_name": _l("Datei"),
    "booking_date": _l("Buchungstag"), "counterparty_name": _l("Zahler/Empfänger"),
    "counterparty_iban": _l("IBAN Zahler/Empfänger"), "purpose": _l("Verwendungszweck"),
    "confidence": _l("Sicherheit (%)"), "proposal": _l("Vorschlag"),
    "is_return": _l("Rückbuchung"), "purpose_pattern": _l("Muster im Verwendungszweck"),
    "direction": _l("Richtung"), "value_date": _l("Valuta"),
    "end_to_end_id": _l("End-to-End-Referenz"), "account_iban": _l("Spalte mit der eigenen IBAN"),
    "complete": _l("Vollständig eingelesen"), "credit_sum": _l("Summe Eingänge"),
    "debit_sum": _l("Summe Ausgänge"), "imported_by": _l("Eingelesen von"),
    "allocations": _l("Zuordnung"), "bank_reference": _l("Referenz der Bank"),
    "batch_count": _l("Posten der Sammelbuchung"), "batch_reference": _l("Sammelbuchung"),
    "booking_text": _l("Buchungstext"), "claim": _l("Buchungskennung"),
    "counterparty_bic": _l("BIC Zahler/Empfänger"), "creditor_id": _l("Gläubiger-ID"),
    "gvc": _l("Geschäftsvorfallcode"), "mandate_id": _l("Mandatsreferenz"),
    "reconciled_at": _l("Abgeglichen am"), "reconciled_by": _l("Abgeglichen von"),
    "statement": _l("Kontoauszug"),
    # SEPA direct debit (issue 16)
    "account_holder": _l("Kontoinhaber"), "signed_on": _l("Unterschrieben am"),
    "scheme": _l("Lastschriftverfahren"), "mandate_type": _l("Mandatsart"),
    "pre_notification_days": _l("Vorabankündigung (Tage vor Einzug)"),
    "revoked_on": _l("Widerrufen am"), "first_collected_on": _l("Erster Einzug am"),
    "first_run": _l("Ersteinzug im Einzug"),
    "closed_on": _l("Beendet am (letzte Lastschrift)"),
    "released_until": _l("Folgelastschriften freigegeben bis"),
    "proposal_msg": _l("Vorschlag (Textbausteine)"),
    "last_collected_on": _l("Letzter Einzug am"), "collection_date": _l("Fälligkeitstag"),
    "returned_on": _l("Zurückgebucht am"), "returned_by": _l("Zurückgebucht durch"),
    "delivery": _l("Versand"),
    # issue 17: personal accounts and the DATEV hand-off
    "account_no": _l("Personenkonto"),
    "datev_consultant_no": _l("DATEV-Beraternummer"),
    "datev_client_no": _l("DATEV-Mandantennummer"),
    "fiscal_year_start_month": _l("Beginn des Wirtschaftsjahrs (Monat)"),
    "gl_account_length": _l("Sachkontenlänge"),
    "debtor_from": _l("Debitoren von"), "debtor_to": _l("Debitoren bis"),
    "creditor_from": _l("Kreditoren von"), "creditor_to": _l("Kreditoren bis"),
    "personal_accounts_from": _l("Personenkonten ab (Stichtag)"),
    "asset_pool_option": _l("Sammelposten für 250,01–1.000 € bilden"),
    # fixed assets
    "useful_life_years": _l("Nutzungsdauer (Jahre)"), "account_skr03": _l("Konto SKR03"),
    "account_skr04": _l("Konto SKR04"), "asset_class": _l("Anlagenklasse"),
    "acquisition_date": _l("Anschaffungsdatum"), "cost": _l("Anschaffungskosten netto"),
    "method": _l("AfA-Methode"), "disposal_date": _l("Abgangsdatum"),
    "supplier_name": _l("Lieferant (Name)"), "expense_account": _l("AfA-Konto"),
    "useful_life_months": _l("Nutzungsdauer (Monate)"),
    "disposal_proceeds": _l("Veräußerungserlös netto"),
    "disposal_book_value": _l("Restbuchwert beim Abgang"),
    "posted_through": _l("AfA gebucht bis (JJJJMM)"), "source_ref": _l("Herkunft (Rechnung)"),
    "counter_account": _l("Gegenkonto der Anschaffung"),
    "input_vat": _l("Vorsteuer aus dem Beleg"),
    "acquisition_entry": _l("Buchung der Anschaffung"),
    # budgets
    "cost_center": _l("Kostenstelle"), "m01": _l("Januar"), "m02": _l("Februar"),
    "m03": _l("März"), "m04": _l("April"), "m05": _l("Mai"), "m06": _l("Juni"),
    "m07": _l("Juli"), "m08": _l("August"), "m09": _l("September"), "m10": _l("Oktober"),
    "m11": _l("November"), "m12": _l("Dezember"),
    # IT assets and licences (issue 19)
    "asset": _l("Gerät"), "asset_tag": _l("Inventarnummer"), "asset_type": _l("Geräteart"),
    "manufacturer": _l("Hersteller"), "model": _l("Modell"),
    "serial_number": _l("Seriennummer"), "purchase_date": _l("Kaufdatum"),
    "purchase_price": _l("Kaufpreis"), "supplier_invoice": _l("Lieferantenrechnung"),
    "fixed_asset_ref": _l("Anlagegut (Nr.)"), "warranty_end": _l("Garantie bis"),
    "product": _l("Produkt"), "vendor": _l("Hersteller"),
    "licence_type": _l("Lizenzart"), "seats": _l("Plätze"), "assigned": _l("Vergeben"),
    "allow_overassignment": _l("Überbuchung erlaubt"),
    "term_start": _l("Laufzeit ab"), "term_end": _l("Laufzeit bis"),
    "renewal_date": _l("Verlängerung am"), "licence_key": _l("Lizenzschlüssel"),
    "new_key": _l("Lizenzschlüssel (neu setzen)"), "assignments": _l("Zuweisungen"),
    # offboarding items of IT (issue 18)
    "it_item": _l("IT-Gerät oder Lizenz"), "handover": _l("Geräteübergabe"),
    "licence": _l("Lizenz"), "seat": _l("Lizenzplatz"),
    # contracts and the compliance calendar (issue 19)
    "counterparty_kind": _l("Vertragspartner ist"), "owner": _l("Verantwortlich"),
    "end": _l("Ende (leer = unbefristet)"), "minimum_term_months": _l("Mindestlaufzeit (Monate)"),
    "notice_period": _l("Kündigungsfrist"), "notice_unit": _l("Frist in"),
    "notice_to": _l("Kündigung zum"), "notice_form": _l("Form der Kündigung"),
    "renewal_months": _l("Automatische Verlängerung (Monate)"),
    "payment_interval": _l("Zahlungsweise"), "booking_account": _l("Buchungskonto"),
    "cost_centre": _l("Kostenstelle"), "cancelled_on": _l("Gekündigt am"),
    "ends_on": _l("Endet am"), "remind_days": _l("Erinnern (Tage vorher)"),
    "next_deadline": _l("Nächste Kündigungsfrist"), "next_renewal": _l("Nächste Verlängerung"),
    "annual_cost": _l("Jahreskosten"),
    "vat_return_interval": _l("USt-Voranmeldung"),
    "permanent_extension": _l("Dauerfristverlängerung"),
    "wage_tax_interval": _l("Lohnsteuer-Anmeldung"),
    "ec_sales_list_interval": _l("Zusammenfassende Meldung"),
    "annual_statements": _l("Jahresabschluss-Termine"),
}

# Enumerations: stable codes in the database, these labels on screen (by code, the same
# code means the same thing in every collection).
CODES = {
    # bank transactions and rules (issue 16)
    "in": _l("Eingang"), "out": _l("Ausgang"), "any": _l("beide"),
    "open": _l("offen"), "booking": _l("wird gebucht"), "booked": _l("gebucht"),
    "ignored": _l("ohne Buchung"),
    # VAT return settings of the company
    "soll": _l("Soll-Versteuerung (vereinbarte Entgelte)"),
    "ist": _l("Ist-Versteuerung (vereinnahmte Entgelte)"),
    "monthly": _l("monatlich"), "quarterly": _l("vierteljährlich"),
    # ticket priorities and statuses
    "low": _l("niedrig"), "normal": _l("normal"), "high": _l("hoch"), "critical": _l("kritisch"),
    "new": _l("neu"), "in_progress": _l("in Bearbeitung"), "waiting": _l("wartet"),
    "resolved": _l("gelöst"), "closed": _l("geschlossen"), "reopened": _l("wiedereröffnet"),
    # roles
    "admin": _l("Administration"), "finance": _l("Finanzen"), "hr": _l("Personal"),
    "warehouse": _l("Lager"), "support": _l("Support"), "auditor": _l("Prüfung"),
    "employee": _l("Beschäftigte"), "open": _l("offen"), "confirmed": _l("bestätigt"),
    # documents and runs
    "draft": _l("Entwurf"), "issuing": _l("wird ausgestellt"), "issued": _l("ausgestellt"),
    "released": _l("freigegeben"), "confirmed": _l("bestätigt"),
    "paid": _l("bezahlt"), "cancelled": _l("storniert"), "posted": _l("gebucht"),
    "invoice": _l("Rechnung"), "credit_note": _l("Gutschrift"),
    "calculating": _l("wird berechnet"), "calculated": _l("berechnet"),
    "approved": _l("freigegeben"), "posting": _l("wird gebucht"), "reversing": _l("wird storniert"),
    "reversed": _l("storniert"), "discarded": _l("verworfen"),
    "sent": _l("versendet"), "partly_received": _l("teilweise geliefert"),
    "received": _l("geliefert"),
    "checked": _l("geprüft"), "rejected": _l("abgelehnt"), "duplicate": _l("Duplikat"),
    "captured": _l("erfasst"), "asked_back": _l("Rückfrage"), "iban_confirmed": _l("IBAN bestätigt"),
    "findings_confirmed": _l("Prüffehler bestätigt"), "supplier_created": _l("Lieferant angelegt"),
    "lines_entered": _l("Positionen erfasst"),
    "bmf_month": _l("BMF-Monatskurs"), "ecb_day": _l("EZB-Tageskurs"),
    # ledger
    "asset": _l("Aktiva"), "liability": _l("Passiva"), "equity": _l("Eigenkapital"),
    "revenue": _l("Erlös"), "expense": _l("Aufwand"), "manual": _l("manuell"),
    "payment": _l("Zahlung"), "payroll": _l("Lohn"), "import": _l("Import"),
    "dunning": _l("Mahnung"), "opening": _l("Eröffnungsbuchung"),
    "payables": _l("Eingangsrechnung"),
    # SEPA direct debit and returns (issue 16)
    "CORE": _l("SEPA-Basislastschrift (CORE)"), "B2B": _l("SEPA-Firmenlastschrift (B2B)"),
    "recurring": _l("wiederkehrend"), "one_off": _l("einmalig"), "revoked": _l("widerrufen"),
    "FRST": _l("Erstlastschrift"), "RCUR": _l("Folgelastschrift"),
    "OOFF": _l("Einmallastschrift"), "FNAL": _l("letzte Lastschrift"),
    "return": _l("Rückbuchung"), "mail": _l("E-Mail"), "post": _l("Post"),
    # employees
    "active": _l("aktiv"), "inactive": _l("inaktiv"), "left": _l("ausgeschieden"),
    # stock
    "receipt": _l("Zugang"), "issue": _l("Abgang"), "adjustment": _l("Inventurkorrektur"),
    "transfer": _l("Umlagerung"), "pending": _l("offen"), "done": _l("erledigt"),
    "refused": _l("abgelehnt"),
    # jobs and imports
    "queued": _l("in Warteschlange"), "running": _l("läuft"), "ok": _l("erfolgreich"),
    "failed": _l("fehlgeschlagen"), "skipped": _l("übersprungen"), "schedule": _l("Zeitplan"),
    "uploaded": _l("hochgeladen"), "succeeded": _l("erfolgreich"),
    "partial": _l("teilweise"), "interrupted": _l("abgebrochen"),
    "insert": _l("nur neue Zeilen"), "upsert": _l("neue und geänderte Zeilen"),
    # audit
    "create": _l("angelegt"), "update": _l("geändert"), "delete": _l("gelöscht"),
    "export": _l("ausgegeben"),
    # data breaches (Art. 33 DSGVO)
    "open": _l("offen"), "reported": _l("gemeldet"),
    "not_reportable": _l("nicht meldepflichtig"),
    # kinds of data subjects (subject access)
    "employee": _l("Mitarbeiter/in"), "applicant": _l("Bewerber/in"),
    "user": _l("Benutzerkonto"),
    # steps of the erasure log (Art. 17/18 DSGVO)
    "restricted": _l("eingeschränkt"), "anonymised": _l("anonymisiert"), "erased": _l("gelöscht"),
    # archive retention
    "de": "Deutsch", "en": "English",
    "years": _l("Jahre"), "months": _l("Monate"), "year_end": _l("Ende des Jahres"),
    "document_date": _l("Belegdatum"), "fixed_date": _l("festes Datum"),
    # task list (services/core/tasks.py KINDS)
    "approval": _l("Freigabe"), "assigned": _l("zugewiesen"), "overdue": _l("überfällig"),
    "deadline": _l("Frist"), "failed_job": _l("fehlgeschlagener Job"),
    "reminder": _l("Erinnerung"),
    # absences
    "requested": _l("beantragt"), "rejected": _l("abgelehnt"), "unpaid": _l("unbezahlt"),
    "sick": _l("Entgeltfortzahlung, danach Krankengeld"), "benefit": _l("Lohnersatzleistung"),
    "short_time": _l("Kurzarbeit"), "eau_present": _l("AU liegt vor"),
    "eau_not_yet": _l("noch nicht abrufbar"), "eau_not_found": _l("keine AU gefunden"),
    "eau_error": _l("Abruf fehlgeschlagen"),
    # recruiting
    "applied": _l("eingegangen"), "screening": _l("Vorauswahl"),
    "interview": _l("Vorstellungsgespräch"), "offer": _l("Angebot"), "hired": _l("eingestellt"),
    "on_hold": _l("pausiert"), "onboarding": _l("Onboarding"), "offboarding": _l("Offboarding"),
    # depreciation methods
    "linear": _l("linear"), "gwg": _l("GWG (Sofortabschreibung)"),
    "pool": _l("Sammelposten"), "disposed": _l("abgegangen"),
    # IT assets and licences
    "notebook": _l("Notebook"), "desktop": _l("Desktop-PC"), "monitor": _l("Monitor"),
    "phone": _l("Telefon"), "tablet": _l("Tablet"), "printer": _l("Drucker"),
    "network_device": _l("Netzwerkgerät"), "peripheral": _l("Zubehör"), "other": _l("Sonstiges"),
    "in_stock": _l("im Lager"), "handed_out": _l("ausgegeben"), "in_repair": _l("in Reparatur"),
    "retired": _l("ausgemustert"),
    "per_user": _l("je Benutzer"), "per_device": _l("je Gerät"), "site": _l("Standortlizenz"),
    "subscription": _l("Abonnement"), "reveal": _l("angezeigt"),
    # kinds of personnel-file documents (issue 18)
    "employment_contract": _l("Arbeitsvertrag"),
    "qualification": _l("Zeugnis oder Qualifikationsnachweis"),
    "training_certificate": _l("Teilnahmebescheinigung"),
    # contracts
    "supplier": _l("Lieferant"), "customer": _l("Kunde"),
    "rent": _l("Miete"), "leasing": _l("Leasing"), "insurance": _l("Versicherung"),
    "maintenance": _l("Wartung"), "telecom": _l("Telekommunikation"), "software": _l("Software"),
    "employment": _l("Arbeitsvertrag"), "nda": _l("Geheimhaltung (NDA)"),
    "service": _l("Dienstleistung"),
    "weeks": _l("Wochen"), "any_day": _l("jeden Tag"), "month_end": _l("Monatsende"),
    "quarter_end": _l("Quartalsende"), "contract_year_end": _l("Ende des Vertragsjahres"),
    "term_end": _l("Ende der Laufzeit"), "written": _l("schriftlich"),
    "text_form": _l("Textform"), "any_form": _l("formlos"),
    "half_yearly": _l("halbjährlich"), "yearly": _l("jährlich"), "once": _l("einmalig"),
    "none": _l("keine"),
}

# Approval rules of supplier invoices (issue 15).
PAYABLES = {
    "name": _l("Bezeichnung"), "priority": _l("Rang"), "min_amount": _l("Ab Betrag (brutto)"),
    "max_amount": _l("Unter Betrag (brutto)"), "supplier": _l("Lieferant"),
    "approver_roles": _l("Freigebende Rollen"), "approver_users": _l("Freigebende Personen"),
    "active": _l("Aktiv"),
}

EXCHANGE_RATES = {
    "currency": _l("Währung"), "kind": _l("Art des Kurses"), "day": _l("Tag (BMF: Monat)"),
    "rate": _l("Kurs (1 EUR = … Fremdwährung)"), "source": _l("Quelle"),
    "entered_by": _l("Erfasst von"),
}


def field_label(name: str):
    """The label of a model field by name (the last part of a dotted name); None if unknown."""
    return FIELDS.get(name.rsplit(".", 1)[-1]) if name else None


def code_label(code):
    """The label of an enumeration code (status, priority, role, ...); the code if unknown."""
    return CODES.get(code, code) if isinstance(code, str) else code


def code_choices(codes):
    """(code, label) pairs for a field's choices; pairs already labelled stay."""
    return [c if isinstance(c, (tuple, list)) else (c, code_label(c)) for c in codes]

# Menu entries and categories registered in admin.VIEWS (English there) in German;
# labels not listed here stay as registered.
MENU = {
    "Home": _l("Übersicht"), "Sent mail": _l("E-Mail-Protokoll"), "Chart of accounts": _l("Kontenrahmen"),
    "Journal entries": _l("Buchungen"), "Employees": _l("Mitarbeitende"),
    "Suppliers": _l("Lieferanten"), "Stock items": _l("Artikel"), "Tickets": _l("Tickets"),
    "Archived files": _l("Archiv"), "Users": _l("Benutzer"), "Audit log": _l("Änderungsprotokoll"),
    "Stock movements": _l("Lagerbewegungen"), "Purchase orders": _l("Bestellungen"),
    "My tickets": _l("Meine Tickets"), "SLA targets": _l("SLA-Ziele"), "Warehouse": _l("Lager"),
    "Finance": _l("Finanzen"), "HR": _l("Personal"), "Procurement": _l("Einkauf & Lager"),
    "Support": _l("Support"), "Archive": _l("Archiv"), "System": _l("System"),
    "Supplier invoices": _l("Eingangsrechnungen"), "Approval rules": _l("Freigaberegeln"),
    "Exchange rates": _l("Wechselkurse"),
    "Payroll runs": _l("Lohnabrechnung"), "Payroll parameters": _l("SV-Parameter"),
    "Health funds": _l("Krankenkassen"),
    "CSV import": _l("CSV-Import"), "CSV imports": _l("Importprotokoll"),
    "Import": _l("Import"), "Retention rules": _l("Aufbewahrungsregeln"),
    "Deletion log": _l("Löschprotokoll"), "Job runs": _l("Joblauf-Protokoll"),
    "Legal holds": _l("Sperrvermerke"), "Jobs": _l("Jobs"),
    "Invoices": _l("Rechnungen"), "Customers": _l("Kunden"), "Company": _l("Firmendaten"),
    "Backups": _l("Datensicherungen"),
    "Data protection": _l("Datenschutz"),
    "Processing activities": _l("Verarbeitungsverzeichnis"),
    "Data breaches": _l("Datenpannen"), "Subject access": _l("Auskunft (Art. 15)"), "Erasure": _l("Löschung (Art. 17)"),
    "Absences": _l("Abwesenheiten"), "Absence types": _l("Abwesenheitsarten"),
    "Leave policy": _l("Urlaubsregeln"), "My absences": _l("Meine Abwesenheiten"),
    "Team calendar": _l("Teamkalender"), "My data": _l("Meine Daten"),
    "Self-service requests": _l("Self-Service-Anträge"),
    "Job openings": _l("Stellen"), "Applicants": _l("Bewerbungen"),
    "Pay inputs": _l("Stunden und variable Bezüge"),
    "Trainings": _l("Schulungen"), "Mandatory instructions": _l("Pflichtunterweisungen"),
    "Performance reviews": _l("Mitarbeitergespräche"), "My reviews": _l("Meine Mitarbeitergespräche"),
    "Checklist templates": _l("Checklisten-Vorlagen"), "Checklist tasks": _l("Checklisten-Aufgaben"),
    "Invoices": _l("Rechnungen"), "Customers": _l("Kunden"), "Company": _l("Firmendaten"), "Payment payees": _l("Zahlungsempfänger"),
    "Dunning levels": _l("Mahnstufen"), "Base rate": _l("Basiszinssatz"),
    "Dunning blocks": _l("Mahnsperren"), "Direct-debit mandates": _l("Lastschriftmandate"),
    "Cost centres": _l("Kostenstellen"),
    "Order actions": _l("Bestellaktionen"), "Ticket actions": _l("Ticketaktionen"),
    "Bank": _l("Bank"), "Bank accounts": _l("Bankkonten"), "Bank statements": _l("Kontoauszüge"),
    "Bank transactions": _l("Bankumsätze"), "Booking rules": _l("Buchungsregeln"),
    "Bank CSV mappings": _l("CSV-Zuordnungen der Banken"), "Reconciliation": _l("Bankabgleich"),
    "Fixed assets": _l("Anlagevermögen"), "Asset classes": _l("Anlagenklassen (AfA-Tabelle)"),
    "Budgets": _l("Budgets"),
    "Hardware": _l("Hardware"), "Licences": _l("Softwarelizenzen"), "IT": _l("IT"),
    "Contracts": _l("Verträge & Fristen"), "Filing settings": _l("Meldepflichten"),
    "IT actions": _l("IT-Aktionen"), "Contract costs": _l("Vertragskosten"),
    "Compliance calendar": _l("Fristenkalender"),
    "API tokens": _l("API-Tokens"), "Webhooks": _l("Webhooks"),
    "Webhook deliveries": _l("Webhook-Zustellungen"),
}


def menu_label(label):
    """The German (translatable) menu label for a label registered in English."""
    return MENU.get(label, label) if label else label


# Scheduled jobs (jobs.register_jobs) by name: a German title and what the job does.
JOBS = {
    "retention_cleanup": (_l("Aufbewahrung: abgelaufene Archivdateien löschen"),
                          _l("Löscht archivierte Dateien, deren Aufbewahrungsfrist abgelaufen "
                             "ist und die keinen Sperrvermerk tragen.")),
    "sla_escalation": (_l("Überfällige Tickets eskalieren"),
                       _l("Hebt die Priorität von Tickets über ihrer SLA-Frist um eine Stufe.")),
    "reorder_report": (_l("Nachbestellliste"),
                       _l("Artikel am oder unter dem Meldebestand, je bevorzugtem Lieferanten.")),
    "nightly_backup": (_l("Nächtliche Datensicherung"),
                       _l("Sichert alle Sammlungen und das Archiv in das Sicherungsverzeichnis "
                          "und löscht Sicherungen, die die Aufbewahrung nicht mehr braucht.")),
    "privacy_erasure": (_l("Datenschutz: eingeschränkte Daten löschen"),
                        _l("Anonymisiert ehemalige Mitarbeitende, deren Aufbewahrungsfrist "
                           "(Lohnkonto) abgelaufen ist.")),
    "overdue_instructions": (_l("Überfällige Pflichtunterweisungen"),
                             _l("Zählt, wer eine Pflichtunterweisung überfällig hat; die "
                                "Personalabteilung sieht sie in ihrer Aufgabenliste.")),
    "it_watch": (_l("IT: Garantien, Verlängerungen, Lizenzplätze"),
                 _l("Garantien und Lizenzverlängerungen, die in 30 Tagen enden, und "
                    "überbuchte Lizenzen.")),
    "contract_reminders": (_l("Verträge: Kündigungsfristen"),
                           _l("Verträge, deren Kündigungsfrist eine Erinnerungsstufe "
                              "(90/30/7 Tage) erreicht.")),
    "compliance_overdue": (_l("Fristenkalender: überfällige Termine"),
                           _l("Gesetzliche Termine, die überfällig und nicht erledigt sind.")),
    "stock_recovery": (_l("Lagerbewegungen nachholen"),
                       _l("Schließt Lagerbewegungen ab, die ein Absturz offen gelassen hat.")),
    "webhooks": (_l("Webhooks zustellen"),
                 _l("Sammelt neue API-Ereignisse und stellt fällige Webhooks zu.")),
    "send_mail": (_l("E-Mails versenden"),
                  _l("Versendet wartende E-Mails über den eingerichteten Mailserver; "
                     "fehlgeschlagene werden später erneut versucht.")),
    "task_digest": (_l("Aufgaben per E-Mail"),
                    _l("Schickt jedem Benutzer werktags morgens seine offenen Aufgaben.")),
    "payables_drop_folder": (_l("Eingangsrechnungen aus dem Eingangsordner"),
                             _l("Liest Rechnungsdateien aus dem Eingangsordner ein und legt sie "
                                "unter done/ oder failed/ (mit Grund) ab.")),
    "dunning_proposal": (_l("Mahnvorschlag erstellen"),
                         _l("Schlägt werktags die fälligen Mahnungen vor; eine Person bestätigt "
                            "sie.")),
    "offboarding_sync": (_l("Austrittscheckliste anlegen"),
                         _l("Legt für gesetzte, verschobene oder entfernte Austrittsdaten die "
                            "Austrittscheckliste an oder passt sie an.")),
    "depreciation": (_l("Monatliche AfA buchen"),
                     _l("Bucht die Abschreibungen der Anlagegüter für den abgelaufenen Monat "
                        "(und nachzuholende Monate), je Anlagegut und Monat genau einmal.")),
}


def job_title(name: str):
    """The German (translatable) title of a scheduled job; the name if it has none yet."""
    return JOBS[name][0] if name in JOBS else name


def job_description(name: str, fallback: str = ""):
    return JOBS[name][1] if name in JOBS else fallback


def schedule_label(trigger) -> str:
    """A trigger as a clerk reads it: "täglich 02:00", "alle 15 Minuten"."""
    from flask_babel import gettext

    interval = getattr(trigger, "interval", None)
    if interval is not None:
        minutes = int(interval.total_seconds() // 60)
        if minutes == 1:
            return gettext("jede Minute")
        if minutes == 60:
            return gettext("stündlich")
        if minutes % 60 == 0:
            return gettext("alle %(num)s Stunden", num=minutes // 60)
        return gettext("alle %(num)s Minuten", num=minutes)
    fields = {f.name: str(f) for f in getattr(trigger, "fields", ())}
    hour, minute = fields.get("hour", "*"), fields.get("minute", "0")
    if hour.isdigit() and minute.isdigit():
        time = f"{int(hour):02d}:{int(minute):02d}"
        if fields.get("day_of_week", "*") == "*" and fields.get("day", "*") == "*":
            return gettext("täglich %(time)s", time=time)
        if fields.get("day", "*") == "*":
            if fields["day_of_week"] == "mon-fri":
                return gettext("werktags %(time)s", time=time)
            return gettext("wöchentlich (%(days)s) %(time)s", days=_weekdays(
                fields["day_of_week"]), time=time)
        return gettext("monatlich am %(day)s. um %(time)s", day=fields["day"], time=time)
    return gettext("nach Zeitplan (%(rule)s)", rule=", ".join(
        f"{k}={v}" for k, v in fields.items() if v != "*"))


WEEKDAYS = {"mon": _l("Mo"), "tue": _l("Di"), "wed": _l("Mi"), "thu": _l("Do"),
            "fri": _l("Fr"), "sat": _l("Sa"), "sun": _l("So")}


def _weekdays(spec: str) -> str:
    """A cron day-of-week field ("mon,wed-fri") with the days' short names (Mo, Mi–Fr)."""
    def day(token):
        return str(WEEKDAYS[token]) if token in WEEKDAYS else token
    return ", ".join("–".join(day(t) for t in part.split("-")) for part in spec.split(","))


# Archive document categories (reference data, seeds.reference) by code.
CATEGORIES = {
    "books": _l("Bücher, Journale, Jahresabschlüsse"),
    "invoice": _l("Rechnungen (ausgestellt und erhalten)"),
    "voucher": _l("Buchungsbelege"), "payslip": _l("Entgeltabrechnungen"),
    "payroll_account": _l("Lohnkonten"), "application": _l("Bewerbungsunterlagen"),
    "letter": _l("Geschäftsbriefe"), "delivery_note": _l("Lieferscheine"),
    "it": _l("IT-Dokumentation"), "talent_pool": _l("Talentpool (Einwilligung)"),
    "personnel_file": _l("Personalakten"),
    "invoice_in": _l("Eingangsrechnungen (Originale wie empfangen)"),
}


def category_label(category):
    """A document category (object or code) by its translated label; its stored name else."""
    code = getattr(category, "code", category)
    if code in CATEGORIES:
        return CATEGORIES[code]
    return getattr(category, "name", None) or code or ""
