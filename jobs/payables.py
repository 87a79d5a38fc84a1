"""Payables jobs: the drop folder of incoming invoices."""
import os

from flask import current_app, has_app_context


def drop_folder_job(ctx) -> dict:
    """Import the files waiting in the payables drop folder (PAYABLES_DROP_DIR)."""
    from services.payables.drop_folder import process_drop_folder

    folder = current_app.config.get("PAYABLES_DROP_DIR") if has_app_context() else None
    folder = folder or os.environ.get("BACKOFFICE_PAYABLES_DROP_DIR")
    if not folder:
        return {"skipped": "kein Eingangsordner konfiguriert (BACKOFFICE_PAYABLES_DROP_DIR)"}
    return process_drop_folder(folder, today=ctx.today)
