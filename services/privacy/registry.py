"""Which collections refer to which person, and how (the registry subject access walks).

Every collection with personal data is listed in PERSONAL_DATA with the stored fields
that point at a data subject; every other collection is in EXEMPT with the reason it
holds none. `tests/services/privacy/test_registry.py` walks all mongoengine documents
and fails on a collection with person-like fields that is in neither map, so a new
collection cannot be forgotten by subject access (or, later, erasure).

Subjects: employee, applicant, customer, supplier (their contact data), user.
How a field refers to a subject:
  self   the document is the subject (its _id)
  id     the field holds the subject's _id (a ReferenceField)
  id_str the field holds the subject's _id as text (the audit log's document_id)
  email  the field holds the subject's e-mail (a user who created, posted, changed ...;
         a mail's recipients)
  contains the field contains a user's e-mail within other text (throttle keys)
  iban   the field holds the subject's IBAN (bank transactions of a person's account)
"""
from dataclasses import dataclass

SUBJECTS = ("employee", "applicant", "customer", "supplier", "user")


@dataclass(frozen=True)
class PersonRef:
    field: str      # dotted path as stored (db field names)
    subject: str    # one of SUBJECTS
    by: str         # self | id | id_str | email


def _r(field, subject, by="id"):
    return PersonRef(field, subject, by)


def _users(*fields):
    return tuple(_r(f, "user", "email") for f in fields)


PERSONAL_DATA: dict[str, tuple[PersonRef, ...]] = {
    "employees": (_r("_id", "employee", "self"),),
    "customers": (_r("_id", "customer", "self"),),
    "suppliers": (_r("_id", "supplier", "self"),),
    "users": (_r("_id", "user", "self"),),
    "payslips": (_r("employee", "employee"),),
    "tickets": (_r("requester", "employee"), _r("assignee", "user"))
    + _users("comments.author", "history.user"),
    "ticket_events": _users("user"),
    "invoices": (_r("customer", "customer"),) + _users("created_by", "issued_by",
                                                        "cancelled_by"),
    "purchase_orders": (_r("supplier", "supplier"),) + _users("created_by"),
    "stock_items": (_r("supplier", "supplier"),),
    "audit_log": (_r("document_id", "employee", "id_str"), _r("document_id", "customer",
                                                                "id_str"),
                  _r("document_id", "supplier", "id_str"), _r("document_id", "user", "id_str"))
    + _users("user"),
    "journal_entries": _users("created_by", "posted_by"),
    "payroll_runs": _users("created_by", "approved_by", "posted_by", "reversed_by"),
    "payroll_locks": _users("user"),
    "archived_files": _users("uploaded_by", "hold_by", "keep_until_shortened_by",
                             "deletion_released_by"),
    "stock_movements": _users("user"),
    "purchase_receipts": _users("user"),
    "import_runs": _users("user"),
    "api_tokens": _users("created_by", "revoked_by"),
    "webhook_subscriptions": _users("created_by"),
    "job_runs": _users("requested_by"),
    "exchange_rates": _users("entered_by"),
    # issue 19: IT assets, licences, contracts, compliance calendar
    "it_assets": (_r("employee", "employee"),) + _users("history.user"),
    "it_asset_handovers": (_r("employee", "employee"),) + _users("issued_by", "returned_by"),
    "it_licences": (_r("assignments.employee", "employee"),) + _users("assignments.assigned_by"),
    "contracts": (_r("supplier", "supplier"), _r("customer", "customer")),
    "compliance_done": _users("done_by"),
    "calendar_feeds": (_r("_id", "user", "id"),),   # the user's secret feed (hash only)
    "backup_runs": _users("requested_by"),
    "fiscal_years": _users("closed_by"),
    "document_categories": _users("hold_by"),
    "data_breaches": _users("created_by"),
    "outgoing_mail": tuple(_r("to", kind, "email") for kind in ("employee", "customer",
                                                                  "supplier", "user"))
    + _users("created_by"),
    "privacy_erasure_log": (_r("document_id", "employee", "id_str"),) + _users("by"),
    # keys "user:<e-mail>", "pair:<e-mail>|<address>": kept at most one 15-minute window
    "login_throttle": (_r("_id", "user", "contains"),),
    # issue 15: supplier invoices
    "supplier_invoices": (_r("supplier", "supplier"), _r("iban", "supplier", "iban"))
    + _users("captured_by", "checked_by", "approved_by", "findings_confirmed_by",
             "iban_confirmed_by", "payments.recorded_by", "history.user"),
    "approval_rules": (_r("supplier", "supplier"),),
    # issue 16: bank statements name payers and payees by name and IBAN
    "bank_transactions": tuple(_r("counterparty_iban", kind, "iban")
                               for kind in ("employee", "customer", "supplier"))
    + _users("reconciled_by"),
    "bank_counterparties": tuple(_r("_id", kind, "iban")  # _id: the learned IBAN
                                 for kind in ("employee", "customer", "supplier")),
    "bank_rules": tuple(_r("counterparty_iban", kind, "iban")
                        for kind in ("employee", "customer", "supplier")) + _users("created_by"),
    "bank_statements": _users("imported_by"),
    # issue 18: people
    "applicants": (_r("_id", "applicant", "self"), _r("employee", "employee"))
    + _users("history.by"),
    "absences": (_r("employee", "employee"),) + _users("requested_by", "decided_by",
                                                       "eau_retrieved_by"),
    "change_requests": (_r("employee", "employee"),) + _users("requested_by"),
    "invitations": (_r("employee", "employee"), _r("email", "employee", "email"))
    + _users("invited_by"),
    "checklist_tasks": (_r("employee", "employee"),) + _users("done_by"),
    "pay_inputs": (_r("employee", "employee"),),
    "trainings": (_r("employee", "employee"),),
    "personnel_documents": (_r("employee", "employee"),) + _users("uploaded_by"),
    "reviews": (_r("employee", "employee"),) + _users("done_by"),
    "review_cycles": _users("started_by"),
    # issue 16: payment runs pay employees (net pay) and suppliers by IBAN; dunning letters
    "payment_runs": tuple(_r("items.iban", kind, "iban") for kind in ("employee", "supplier"))
    + _users("created_by", "released_by", "edited_by"),
    "dunning_runs": (_r("letters.customer", "customer"),) + _users("created_by", "confirmed_by"),
    "dunning_blocks": (_r("customer", "customer"),) + _users("created_by"),
    # issue 16: direct debits collect from the customer's IBAN under a mandate
    "sepa_mandates": (_r("customer", "customer"), _r("iban", "customer", "iban")),
    "direct_debit_runs": (_r("items.iban", "customer", "iban"),)
    + _users("created_by", "released_by", "edited_by"),
    # issue 17
    "datev_exports": _users("user"),
}

EXEMPT: dict[str, str] = {
    "accounts": "Kontenrahmen: Konten, keine Personen",
    "api_events": "Ereignisse nennen nur Nummern und Ids von Rechnungen, Tickets, Artikeln",
    "api_idempotency": "gespeicherte API-Antworten, nach 24 Stunden gelöscht",
    "api_rate_counters": "Zähler je Token und Minute",
    "archive_contents": "Dateiinhalte nach SHA-256; die Person steht am Archiveintrag",
    "archive_deletion_log": "Löschnachweis (Dateiname, Prüfsumme, Frist), gesetzlich zu führen",
    "archive_purge_batches": "interne Arbeitsliste der Aufbewahrungsbereinigung",
    "company": "Stammdaten des eigenen Unternehmens (juristische Person)",
    "counters": "Nummernkreise", "counter_owners": "Nummernkreise", "counter_slots": "Nummernkreise",
    "health_funds": "Krankenkassen (Körperschaften)",
    "job_leases": "Sperren laufender Jobs",
    "journal_chain": "Hash-Kette des Journals (nur Prüfsummen)",
    "payroll_parameters": "SV-Rechengrößen",
    "processing_activities": "Verzeichnis der Verarbeitungstätigkeiten: Kategorien, keine Personen",
    "posting_keys": "Idempotenzschlüssel von Buchungen",
    "retention_rules": "Aufbewahrungsregeln",
    "sla_policies": "SLA-Ziele je Priorität",
    "stock_ledger": "Bestandsfortschreibung je Artikel",
    "vat_rates": "Steuersätze",
    "webhook_deliveries": "Zustellversuche von Ereignissen (nur Ids und Nummern)",
    "bank_accounts": "eigene Bankkonten des Unternehmens",
    "bank_csv_mappings": "Spaltenzuordnungen von Bank-CSV-Dateien (Spaltennamen, keine Daten)",
    "checklist_templates": "Vorlagen von Checklisten (Aufgaben und Rollen)",
    "instructions": "Arten von Pflichtunterweisungen (Name, Turnus)",
    "absence_types": "Abwesenheitsarten",
    "asset_classes": "AfA-Tabelle: Anlagenklassen und Nutzungsdauern",
    "period_balances": "Monatssummen je Konto (Beträge, keine Personen)",
    "cost_centers": "Kostenstellen (Bezeichnungen von Unternehmensbereichen)",
    "fixed_assets": "Anlagegüter; der Lieferant ist ein Unternehmen, sein Name steht auch in "
                    "der Eingangsrechnung",
    "payment_payees": "Empfänger von Abgaben: Finanzamt, Krankenkassen, Minijob-Zentrale",
}


def refs_for(subject: str) -> dict[str, tuple[PersonRef, ...]]:
    """Per collection, the references that can point at a subject of this kind."""
    return {coll: tuple(r for r in refs if r.subject == subject)
            for coll, refs in PERSONAL_DATA.items()
            if any(r.subject == subject for r in refs)}
