"""Run one import: check the whole file first, then write it in bulk batches.

Check pass: every row is parsed, validated, compared with what is stored and either
refused (with its messages) or appended, as BSON, to a spool file on disk. Write pass:
the spool is inserted/updated batch by batch. So all-or-nothing costs no second
validation, and memory stays flat however large the file is.
"""
import hashlib
import tempfile
from dataclasses import dataclass, field
from typing import IO, Callable

import bson
from bson import ObjectId

from models.import_run import MAX_STORED_ERRORS, ImportRun
from services.imports.csv_reader import CsvReader, read_rows
from services.core.errors import BusinessRuleError

from . import rules, runs, store
from .duplicates import KeyTracker, repeated
from .journal import ENTRY_FIELDS, JournalBuilder
from .rejects import REASON_COLUMN, RejectsWriter
from .rows import RowBuilder, RowProblem, digest, row_messages
from .specs import ImportSpec, spec_for
from .spool import read_batches, write_record

MODES = ("insert", "upsert")
CHECK_PROGRESS_EVERY = 5000
INSERT, UPDATE, UNCHANGED, REFUSED = 1, 2, 3, 4  # what became of a line in the check pass


@dataclass
class ImportOptions:
    """How to import: mode, dry run, skip invalid rows, batch size, who and which file."""

    mode: str = "insert"
    dry_run: bool = False
    skip_invalid: bool = False
    batch_size: int = 1000
    user: str = "cli"
    filename: str = "upload.csv"


@dataclass
class ImportResult:
    """What an import did (or, for a dry run, would do)."""

    run: ImportRun
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rows: int = 0
    errors: list[str] = field(default_factory=list)  # the first MAX_STORED_ERRORS
    error_count: int = 0
    written: bool = False

    @property
    def summary(self) -> str:
        """Return the CLI's last line."""
        return (f"inserted={self.inserted} updated={self.updated} "
                f"unchanged={self.unchanged} rejected={self.rejected}")


class ImportFileError(BusinessRuleError):
    """The file as a whole cannot be imported (format, header, unknown collection)."""


def sha256_of(data: bytes) -> str:
    """Return the hex SHA-256 of the uploaded bytes."""
    return hashlib.sha256(data).hexdigest()


def run_import(data: bytes, collection: str, options: ImportOptions, *, rejects: IO[bytes] | None = None,
               progress: Callable[[str, int, int], None] | None = None,
               run: ImportRun | None = None) -> ImportResult:
    """Import a CSV file into a collection; record it as an ImportRun; return the counts.

    Raises ImportFileError (recorded as a failed run) when the file cannot be read at all.
    """
    spec = spec_for(collection)
    if options.mode not in MODES:
        raise ImportFileError(f"Unbekannter Modus „{options.mode}“: erlaubt sind insert und upsert.")
    if run is None:
        run = runs.new_run(collection, options.filename, sha256_of(data), len(data), mode=options.mode,
                           dry_run=options.dry_run, skip_invalid=options.skip_invalid, user=options.user)
    runs.claim(run)
    try:
        return _Import(spec, data, options, run, rejects, progress).execute()
    except ImportFileError as error:
        runs.finish(run, "failed", [str(error)], 1, message=str(error))
        raise
    except BaseException as error:  # the record must not stay 'running' after a crash we see
        runs.finish(run, "failed", [], 0, message=f"Abgebrochen: {error!r}"[:2000])
        raise


class _Import:
    """The state of one import while it runs."""

    def __init__(self, spec: ImportSpec, data: bytes, options: ImportOptions, run: ImportRun,
                 rejects: IO[bytes] | None, progress):
        self.spec, self.data, self.options, self.run = spec, data, options, run
        self.rejects_stream, self.report = rejects, progress or (lambda *a: None)
        self.result = ImportResult(run=run)
        self.rejects: RejectsWriter | None = None
        self.fields: tuple[str, ...] = ()
        self.resumed = False
        self.checked = 0
        self.lines = max(data.count(b"\n"), data.count(b"\r")) + 1  # CR-only files exist too
        self.outcome = bytearray(self.lines + 1)  # per physical line: what became of it
        self.skip_lines: set[int] = set()
        self.openings: dict[int, int] = {}  # line of a new stock item → its opening stock (raw)
        self.header_map = None

    def execute(self) -> ImportResult:
        reader = self._open()
        if not self.options.dry_run:
            earlier = runs.take_over_interrupted(self.run)
            self.resumed = earlier is not None
            if earlier is not None:
                self.run.resumed_run = str(earlier.pk)
        with tempfile.TemporaryFile(prefix="import-spool-") as spool:
            self._check(reader, spool)
            return self._conclude(spool)

    def _open(self) -> CsvReader:
        try:
            reader = read_rows(self.data, (*self.spec.columns, REASON_COLUMN), keep_cells=True)
        except BusinessRuleError as error:
            raise ImportFileError(str(error)) from None
        self.header_map = reader.header_map
        runs.progress(self.run, encoding=reader.encoding, delimiter=reader.delimiter, phase="checking",
                      rows_total=max(self.lines - reader.header_line, 1))
        if self.rejects_stream is not None:
            self.rejects = RejectsWriter(self.rejects_stream, reader.header_map.labels)
        return reader

    # --- check pass ------------------------------------------------------------------------------

    def _check(self, reader: CsvReader, spool) -> None:
        if self.spec.name == "journal_entries":
            self._check_journal(reader, spool)
        else:
            self._check_rows(reader, spool)
        spool.flush()

    def _check_rows(self, reader: CsvReader, spool) -> None:
        builder = RowBuilder(self.spec, reader.header_map, store.load_references(self.spec))
        self.fields = builder.fields
        existing = self._existing(self.spec.key)
        keys = KeyTracker()
        key_label = reader.header_map.label(self.spec.key)
        for row in reader:
            self._tick()
            key = row.values.get(self.spec.key)
            if key is not None:
                keys.add(key, row.line)
            try:
                document = builder.build(row)
                self._classify(spool, row.line, 1, key, key_label, document, existing)
            except RowProblem as problem:
                self._refuse(row.line, row.cells, problem.messages)
        candidates = keys.candidate_lines()
        if candidates:
            self._refuse_repeated_keys(reader, candidates, key_label)

    def _refuse_repeated_keys(self, reader: CsvReader, candidates: set[int], key_label: str) -> None:
        """Refuse every row whose key an earlier row of the file already has."""
        rows_by_key: dict[str, list[int]] = {}
        cells_of = {}
        for row in reader:
            if row.line in candidates:
                rows_by_key.setdefault(row.values[self.spec.key], []).append(row.line)
                cells_of[row.line] = row.cells
        for line, (key, first) in sorted(repeated(rows_by_key).items()):
            message = [(key_label, f"„{key}“ steht schon in Zeile {first}; "
                                   "jeder Schlüssel darf nur einmal vorkommen.")]
            self._withdraw(line)
            self._refuse(line, cells_of[line], message, again=self.outcome[line] == REFUSED)

    def _withdraw(self, line: int) -> None:
        """Take back the count of a row that turned out to repeat a key; never write it."""
        outcome = self.outcome[line]
        if outcome == INSERT:
            self.result.inserted -= 1
        elif outcome == UPDATE:
            self.result.updated -= 1
        elif outcome == UNCHANGED:
            self.result.unchanged -= 1
        if outcome in (INSERT, UPDATE):
            self.result.rows -= 1
            self.skip_lines.add(line)

    def _check_journal(self, reader: CsvReader, spool) -> None:
        builder = JournalBuilder(reader.header_map, store.load_accounts(), self.options.user)
        self.fields = ENTRY_FIELDS
        existing = self._existing("voucher_ref")
        key_label = reader.header_map.label("voucher_no")
        for row in reader:
            self._tick()
            problems = builder.add(row)
            if not row.values.get("voucher_no"):
                self._refuse(row.line, row.cells, problems)
        for voucher in builder.vouchers.values():
            first_line = voucher.rows[0][0]
            try:
                document = builder.build(voucher)
                self._classify(spool, first_line, len(voucher.rows), voucher.number, key_label,
                               document, existing)
            except RowProblem as problem:
                for line, _, cells in voucher.rows:
                    self._refuse(line, cells, voucher.problems.get(line, problem.messages))

    def _existing(self, key_field: str) -> dict:
        compare = self.options.mode == "upsert" or self.resumed
        return store.load_existing(self.spec, key_field, self.fields if compare else None)

    def _classify(self, spool, line: int, rows: int, key: str, key_label: str, document: dict,
                  existing: dict) -> None:
        """Spool the document as an insert or update, count it unchanged, or refuse it."""
        if key not in existing:
            rules.check_new(self.spec.name, key, document, self._label)
            document.setdefault("_id", ObjectId())
            if self.spec.name == "stock_items" and rules.opening_quantity(document):
                self.openings[line] = document["quantity"]  # booked as a movement once stored
                document["quantity"] = 0
            return self._spool(spool, b"I", line, rows, document)
        stored = existing[key]
        if stored is None:
            raise RowProblem([(key_label, f"„{key}“ ist in der Datenbank mehrfach vorhanden; "
                                          "bitte zuerst im Panel bereinigen.")])
        fingerprint, status = stored.fingerprint, stored.status
        if fingerprint is not None and digest(document, self.fields) == fingerprint:
            self.result.unchanged += rows
            self.outcome[line] = UNCHANGED
            return None
        if self.options.mode == "insert":
            raise RowProblem([(key_label, f"„{key}“ gibt es schon. Der Modus „insert“ legt nur neue "
                                          "Datensätze an; zum Ändern „upsert“ wählen.")])
        if status == "posted" and self.spec.name == "journal_entries":
            raise RowProblem([(key_label, f"Beleg „{key}“ ist bereits gebucht und kann nicht geändert "
                                          "werden; Korrekturen nur per Stornobuchung.")])
        opening = rules.check_update(self.spec.name, key, stored.extra, document, self.fields,
                                     self._label)
        record = {"if": store.precondition(self.spec, stored), "doc": document}
        if opening is not None:
            record["opening"] = document["quantity"]
        return self._spool(spool, b"U", line, rows, record)

    def _label(self, column: str) -> str:
        return self.header_map.label(column) if column in self.header_map else column

    def _spool(self, spool, action: bytes, line: int, rows: int, document: dict) -> None:
        write_record(spool, action, line, rows, document)
        self.result.rows += rows
        if action == b"I":
            self.result.inserted += rows
        else:
            self.result.updated += rows
        self.outcome[line] = INSERT if action == b"I" else UPDATE

    def _refuse(self, line: int, cells: tuple, messages: list, again: bool = False) -> None:
        """Count a row as refused and report why; `again` adds reasons to a refused row."""
        texts = row_messages(line, messages)
        self.result.error_count += len(texts)
        room = MAX_STORED_ERRORS - len(self.result.errors)
        if room > 0:
            self.result.errors.extend(texts[:room])
        if again:
            return
        self.result.rejected += 1
        self.outcome[line] = REFUSED
        if self.rejects is not None:
            self.rejects.write(cells, [f"{label}: {text}" if label else text for label, text in messages])

    def _tick(self) -> None:
        self.checked += 1
        if self.checked % CHECK_PROGRESS_EVERY == 0:
            self.report("checking", self.checked, self.run.rows_total)
            runs.progress(self.run, rows_done=self.checked)

    # --- decision and write pass -----------------------------------------------------------------

    def _conclude(self, spool) -> ImportResult:
        result = self.result
        blocked = result.rejected and not self.options.skip_invalid
        if self.options.dry_run or blocked:
            if blocked and not self.options.dry_run:
                result.inserted = result.updated = result.unchanged = 0
            status = "failed" if result.rejected else "succeeded"
            runs.progress(self.run, inserted=result.inserted, updated=result.updated,
                          unchanged=result.unchanged, rejected=result.rejected)
            message = ("Nichts geschrieben: die Datei enthält fehlerhafte Zeilen."
                       if blocked and not self.options.dry_run else "Probelauf: nichts geschrieben.")
            runs.finish(self.run, status, result.errors, result.error_count, message)
            return result
        self._write(spool)
        status = "partial" if result.rejected else "succeeded"
        runs.finish(self.run, status, result.errors, result.error_count)
        result.written = True
        return result

    def _write(self, spool) -> None:
        self.result.inserted = self.result.updated = 0
        runs.progress(self.run, phase="writing", rows_total=self.result.rows, rows_done=0,
                      unchanged=self.result.unchanged, rejected=self.result.rejected)
        spool.seek(0)
        done = 0
        self.report("writing", 0, self.result.rows)  # the check pass is over; nothing written yet
        for inserts, updates in read_batches(spool, self.options.batch_size, self.skip_lines):
            self._write_batch(inserts, updates)
            done += sum(r for _, r, _ in inserts) + sum(r for _, r, _ in updates)
            self.report("writing", done, self.result.rows)
            runs.progress(self.run, rows_done=done, inserted=self.result.inserted,
                          updated=self.result.updated, rejected=self.result.rejected)

    def _book_opening(self, line: int, item_id, raw_quantity: int) -> None:
        quantity = rules.opening_quantity({"quantity": raw_quantity})
        try:
            rules.book_opening_stock(item_id, quantity, self.options.user)
        except BusinessRuleError as error:
            self._refuse(line, (), [(self._label("quantity"), f"Anfangsbestand nicht gebucht: {error}")])

    def _changed_meanwhile(self, document: dict) -> str:
        if self.spec.name == "journal_entries":
            return (f"Beleg „{document.get('voucher_ref')}“ wurde während des Imports gebucht oder "
                    "geändert und wird nicht überschrieben; Korrekturen nur per Stornobuchung.")
        return ("Der Datensatz wurde während des Imports von anderer Stelle geändert und wurde "
                "nicht überschrieben; bitte die Datei erneut importieren.")

    def _write_batch(self, inserts: list, updates: list) -> None:
        _, duplicates = store.insert_batch(self.spec, [raw for _, _, raw in inserts])
        self.result.inserted += sum(rows for _, rows, _ in inserts)
        for index in duplicates:  # only when someone else stored the same key meanwhile
            line, rows, _ = inserts[index]
            self.result.inserted -= rows
            self.openings.pop(line, None)
            self._refuse(line, (), [(None, "Der Schlüssel wurde während des Imports von anderer "
                                           "Stelle angelegt; bitte erneut importieren.")])
            self.result.rejected += rows - 1
        for line, _, raw in inserts:
            if line in self.openings:
                self._book_opening(line, bson.decode(raw)["_id"], self.openings.pop(line))
        if updates:
            decoded = [bson.decode(raw) for _, _, raw in updates]
            stale = store.update_batch(self.spec, [(d["if"], d["doc"]) for d in decoded],
                                       rules.write_fields(self.spec.name, self.fields),
                                       self.options.user)
            self.result.updated += sum(rows for _, rows, _ in updates)
            for (line, rows, _), record in zip(updates, decoded):
                if record["if"]["_id"] in stale:  # changed (e.g. posted) since the check pass
                    self.result.updated -= rows
                    self._refuse(line, (), [(None, self._changed_meanwhile(record["doc"]))])
                    self.result.rejected += rows - 1
                elif "opening" in record:
                    self._book_opening(line, record["if"]["_id"], record["opening"])
        if self.spec.name == "employees":   # bulk writes pass Employee.save by
            from services.hr import offboarding

            # Only employees whose exit date this batch wrote can be out of step: a new
            # record with one (it has no offboarding yet), and updated records when the
            # import writes the exit-date column. Asking for every written id read each
            # batch's records back (a quarter of the import's time).
            written = rules.write_fields(self.spec.name, self.fields)
            among = [doc["_id"] for doc in (bson.decode(raw) for _, _, raw in inserts)
                     if doc.get("exit_date") is not None]
            if updates and "exit_date" in written:
                among += [d["if"]["_id"] for d in decoded]
            offboarding.sync_all(among=among)
        if self.spec.name == "tickets" and inserts:
            store.bump_ticket_counters([bson.decode(raw)["number"] for _, _, raw in inserts])
