"""The nightly backup as a job (target, key and retention from the app's settings)."""
from flask import current_app

from services.backup.runs import run_backup


def nightly_backup(ctx) -> dict:
    """Write a backup into BACKOFFICE_BACKUP_DIR and prune old ones."""
    run, result, removed = run_backup(current_app.config, requested_by=f"job:{ctx.run_id}")
    return {"file": result.path.name, "documents": result.documents,
            "collections": len(result.collections), "pruned": len(removed),
            "method": result.manifest["method"]}
