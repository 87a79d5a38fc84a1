"""Issue 13.1: every write of the CSV import carries its precondition in the filter.

The entry (or record) is changed between the check pass and the write pass through the
import's own progress hook, deterministically: ("writing", 0, n) is reported after the
check pass and before the first write.
"""
from decimal import Decimal

from models import AuditEntry, Employee, JournalEntry
from models.import_run import ImportRun
from services.ledger import posting
from services.imports.csv_import import ImportOptions, run_import
from tests.factories import make_employee, make_entry

JOURNAL = ("Datum;Soll;Haben;Betrag;Buchungstext;Belegnummer\r\n"
           "15.03.2026;4930;1000;999,00;überschrieben;B-1\r\n"
           "16.03.2026;4930;1000;10,00;neu;B-2\r\n").encode()


def between_check_and_write(action):
    """Return a progress callback that runs `action` once, when the write pass begins."""
    calls = []

    def progress(phase, done, total):
        if phase == "writing" and done == 0 and not calls:
            calls.append(phase)
            action()
    progress.calls = calls
    return progress


def test_an_entry_posted_between_check_and_write_is_not_overwritten_and_the_row_is_reported(app):
    draft = make_entry(voucher_ref="B-1", amount="50.00", text="Porto")
    progress = between_check_and_write(lambda: posting.post_entry(JournalEntry.objects.get(pk=draft.pk), "fibu"))
    result = run_import(JOURNAL, "journal_entries", ImportOptions(mode="upsert", user="fibu@firma.de"),
                        progress=progress)
    assert progress.calls == ["writing"]
    entry = JournalEntry.objects.get(pk=draft.pk)
    assert (entry.status, entry.text, entry.total_debit) == ("posted", "Porto", Decimal("50.00"))
    assert posting.verify_chain(2026).ok
    assert result.summary == "inserted=1 updated=0 unchanged=0 rejected=1"
    assert result.errors == ["Zeile 2: Beleg „B-1“ wurde während des Imports gebucht oder geändert "
                             "und wird nicht überschrieben; Korrekturen nur per Stornobuchung."]
    assert ImportRun.objects.get(pk=result.run.pk).status == "partial"
    assert JournalEntry.objects.get(voucher_ref="B-2").text == "neu"  # the other voucher went in
    assert AuditEntry.objects(document_id=str(draft.pk), action="update").count() == 0


def test_a_draft_nobody_touched_is_updated_by_the_same_import(app):
    draft = make_entry(voucher_ref="B-1", amount="50.00", text="Porto")
    result = run_import(JOURNAL, "journal_entries", ImportOptions(mode="upsert"),
                        progress=between_check_and_write(lambda: None))
    assert result.summary == "inserted=1 updated=1 unchanged=0 rejected=0"
    entry = JournalEntry.objects.get(pk=draft.pk)
    assert (entry.status, entry.text, entry.total_debit) == ("draft", "überschrieben", Decimal("999.00"))
    assert AuditEntry.objects(document_id=str(draft.pk), action="update").count() == 1


def test_a_record_edited_between_check_and_write_keeps_the_edit(app):
    make_employee(personnel_no="P1", last_name="Alt")
    make_employee(personnel_no="P2", last_name="Zwei")

    def edit():
        employee = Employee.objects.get(personnel_no="P1")
        employee.last_name = "Im Panel geändert"
        employee.save()
    data = ("Personalnummer;Vorname;Nachname;Eintrittsdatum;Bruttogehalt\r\n"
            "P1;Jürgen;Aus Datei;01.04.2020;3.850,00\r\n"
            "P2;Jürgen;Auch aus Datei;01.04.2020;3.850,00\r\n").encode()
    result = run_import(data, "employees", ImportOptions(mode="upsert"), progress=between_check_and_write(edit))
    assert Employee.objects.get(personnel_no="P1").last_name == "Im Panel geändert"
    assert Employee.objects.get(personnel_no="P2").last_name == "Auch aus Datei"
    assert result.summary == "inserted=0 updated=1 unchanged=0 rejected=1"
    assert result.errors[0].startswith("Zeile 2: Der Datensatz wurde während des Imports von anderer Stelle")
