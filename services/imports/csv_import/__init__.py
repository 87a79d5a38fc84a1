"""Bulk CSV import and re-importable export of the tabular collections (no Flask here).

    result = run_import(data, "employees", ImportOptions(mode="upsert", user="hr@firma.de"))
    print(result.summary)      # inserted=N updated=N unchanged=N rejected=N

Every run is recorded as an ImportRun (models/import_run.py).
"""
from .export import export_csv
from services.core.csv_safe import escape_cell, escape_formula, unescape_formula
from .runner import ImportFileError, ImportOptions, ImportResult, MODES, run_import, sha256_of
from .specs import COLLECTIONS, SPECS, ImportSpec, spec_for

__all__ = [
    "COLLECTIONS", "ImportFileError", "ImportOptions", "ImportResult", "ImportSpec", "MODES",
    "SPECS", "escape_cell", "escape_formula", "export_csv", "run_import", "sha256_of", "spec_for", "unescape_formula",
]
