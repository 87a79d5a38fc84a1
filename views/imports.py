"""The CSV import wizard: upload → detected format and first rows → dry run → import.

Per collection only the roles that may write it get in. Large files run in a thread;
the run's progress lives in its ImportRun, so the page survives a reload (it polls
the small JSON status URL).
"""
import threading
import time
from pathlib import Path

from flask import (Blueprint, Response, abort, current_app, flash, jsonify, redirect, request,
                   send_file, url_for)
from flask_login import current_user, login_required
from werkzeug.utils import secure_filename

from models.import_run import ImportRun
from views.params import document_or_404
from services.imports.csv_import import (MODES, SPECS, ImportFileError, ImportOptions, export_csv,
                                 run_import, sha256_of, spec_for)
from services.imports.csv_import.rejects import REASON_COLUMN
from services.imports.csv_import.runs import mark_if_dead, new_run
from services.imports.csv_reader import CsvFormatError, read_rows, write_template
from services.imports.csv_reader.detect import detect_encoding

from views.frame import render_page

bp = Blueprint("imports", __name__, url_prefix="/import")
PREVIEW_ROWS = 5
# Kept uploads (BACKOFFICE_DATA_DIR/imports): defaults of the IMPORT_* settings in config.py.
DEFAULT_MAX_BYTES = 20 * 2**20
DEFAULT_KEEP_HOURS = 24
DEFAULT_MAX_TOTAL = 500 * 2**20


def _render(template: str, **context) -> str:
    """Render inside the panel's frame (menu, log-out button)."""
    return render_page(template, **context)


def _spec_or_403(collection: str):
    if collection not in SPECS:
        abort(404)
    spec = SPECS[collection]
    if not current_user.has_role(*spec.write_roles):
        abort(403)
    return spec


def _run_or_403(run_id: str) -> ImportRun:
    run = document_or_404(ImportRun, run_id)
    _spec_or_403(run.collection)
    return run


def _import_dir() -> Path:
    path = Path(current_app.config["DATA_DIR"]) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _upload_path(sha256: str) -> Path:
    return _import_dir() / f"{sha256}.csv"


def _rejects_path(run: ImportRun) -> Path:
    return _import_dir() / f"{run.pk}-rejects.csv"


def _refusal(data: bytes, limit: int) -> str | None:
    """Say why an upload is not kept (too large, not a text file), or None."""
    if len(data) > limit:
        return (f"Die Datei ist größer als {limit / 2**20:g} MB; bitte aufteilen "
                "(oder BACKOFFICE_IMPORT_MAX_MB erhöhen lassen).")
    try:
        detect_encoding(data)
    except CsvFormatError as error:
        return str(error)
    return None


def _prune_uploads(incoming: int) -> None:
    """Delete kept uploads and rejects files past their age, then the oldest over the cap."""
    config = current_app.config
    keep = config.get("IMPORT_UPLOAD_KEEP_HOURS", DEFAULT_KEEP_HOURS) * 3600
    cap = config.get("IMPORT_UPLOAD_MAX_TOTAL_BYTES", DEFAULT_MAX_TOTAL)
    now = time.time()
    files = []
    for path in _import_dir().glob("*.csv"):
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        if now - stat.st_mtime > keep:
            path.unlink(missing_ok=True)
        else:
            files.append((stat.st_mtime, stat.st_size, path))
    total = sum(size for _, size, _ in files) + incoming
    for _, size, path in sorted(files):
        if total <= cap:
            break
        path.unlink(missing_ok=True)
        total -= size


@bp.route("/")
@login_required
def index():
    """List the collections this user may import, with their columns."""
    specs = [s for s in SPECS.values() if current_user.has_role(*s.write_roles)]
    if not specs:
        abort(403)
    return _render("imports/index.html", specs=specs)


@bp.route("/<collection>/", methods=["GET", "POST"])
@login_required
def upload(collection):
    """Show the upload form and the columns; take the uploaded file."""
    spec = _spec_or_403(collection)
    if request.method == "GET":
        recent = ImportRun.objects(collection=collection).order_by("-started_at").limit(10)
        return _render("imports/upload.html", spec=spec, recent=recent)
    upload_file = request.files.get("file")
    if upload_file is None or not upload_file.filename:
        flash("Bitte eine CSV-Datei auswählen.", "error")
        return redirect(url_for(".upload", collection=collection))
    limit = current_app.config.get("IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)
    data = upload_file.read(limit + 1)
    refusal = _refusal(data, limit)
    if refusal:
        flash(refusal, "error")
        return redirect(url_for(".upload", collection=collection))
    sha256 = sha256_of(data)
    _prune_uploads(len(data))
    _upload_path(sha256).write_bytes(data)
    run = new_run(collection, secure_filename(upload_file.filename) or "upload.csv", sha256, len(data),
                  mode="insert", dry_run=True, skip_invalid=False, user=current_user.email,
                  status="uploaded")
    return redirect(url_for(".show", run_id=run.pk))


@bp.route("/run/<run_id>")
@login_required
def show(run_id):
    """Show a run: the file preview before it starts, progress while it runs, then the result."""
    run = mark_if_dead(_run_or_403(run_id))
    spec = spec_for(run.collection)
    preview = _preview(run, spec) if run.status == "uploaded" else None
    return _render("imports/run.html", run=run, spec=spec, preview=preview, modes=MODES,
                   has_rejects=_rejects_path(run).exists())


@bp.route("/run/<run_id>/start", methods=["POST"])
@login_required
def start(run_id):
    """Start a dry run or the import of an uploaded file."""
    upload_run = _run_or_403(run_id)
    mode = request.form.get("mode", "insert")
    if mode not in MODES:
        abort(400)
    dry_run = request.form.get("action") != "import"
    options = ImportOptions(mode=mode, dry_run=dry_run, skip_invalid=bool(request.form.get("skip_invalid")),
                            user=current_user.email, filename=upload_run.filename,
                            batch_size=current_app.config.get("IMPORT_BATCH_SIZE", 1000))
    path = _upload_path(upload_run.sha256)
    if not path.exists():
        flash("Die hochgeladene Datei ist nicht mehr vorhanden; bitte erneut hochladen.", "error")
        return redirect(url_for(".upload", collection=upload_run.collection))
    run = new_run(upload_run.collection, upload_run.filename, upload_run.sha256, upload_run.size,
                  mode=mode, dry_run=dry_run, skip_invalid=options.skip_invalid, user=current_user.email)
    args = (current_app._get_current_object(), str(run.pk), str(path), options)
    if (upload_run.size or 0) > current_app.config.get("IMPORT_SYNC_MAX_BYTES", 512 * 1024):
        threading.Thread(target=_execute, args=args, daemon=True, name=f"import-{run.pk}").start()
    else:
        _execute(*args)
    return redirect(url_for(".show", run_id=run.pk))


@bp.route("/run/<run_id>/status.json")
@login_required
def status(run_id):
    """Answer the progress of a run for the page's poller."""
    run = mark_if_dead(_run_or_403(run_id))
    return jsonify(status=run.status, phase=run.phase, percent=run.progress_percent,
                   rows_done=run.rows_done, rows_total=run.rows_total, summary=run.summary,
                   finished=run.status not in ("running", "uploaded"))


@bp.route("/run/<run_id>/rejects.csv")
@login_required
def rejects(run_id):
    """Download the refused rows of a run with their reasons."""
    run = _run_or_403(run_id)
    path = _rejects_path(run)
    if not path.exists():
        abort(404)
    return send_file(path, mimetype="text/csv", as_attachment=True,
                     download_name=f"abgelehnt-{secure_filename(run.filename) or 'import.csv'}")


@bp.route("/<collection>/template.csv")
@login_required
def template(collection):
    """Download the empty template of a collection (German Excel CSV)."""
    spec = _spec_or_403(collection)
    return Response(write_template(spec.columns), mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=vorlage-{collection}.csv"})


@bp.route("/<collection>/export.csv")
@login_required
def export(collection):
    """Download the collection as a CSV this import reads back to identical data."""
    spec = _spec_or_403(collection)
    return Response(export_csv(spec), mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=export-{collection}.csv"})


def _preview(run: ImportRun, spec) -> dict:
    """Return the detected format, the column mapping and the first rows, or the file error."""
    path = _upload_path(run.sha256)
    if not path.exists():
        return {"error": "Die hochgeladene Datei ist nicht mehr vorhanden; bitte erneut hochladen."}
    try:
        reader = read_rows(path.read_bytes(), (*spec.columns, REASON_COLUMN), keep_cells=True)
    except CsvFormatError as error:
        return {"error": str(error), "problems": error.problems}
    rows = []
    for row in reader:
        rows.append(row)
        if len(rows) >= PREVIEW_ROWS:
            break
    mapping = [(label, next((c for c in spec.columns if reader.header_map.positions.get(c.name) == i), None))
               for i, label in enumerate(reader.header_map.labels)]
    return {"encoding": reader.encoding, "delimiter": reader.delimiter, "mapping": mapping,
            "missing": [c for c in spec.columns if c.name in reader.header_map.missing],
            "header": reader.header_map.labels, "rows": rows, "decimal_mark": reader.decimal_mark}


def _execute(app, run_id: str, path: str, options: ImportOptions) -> None:
    """Run an import (in the request or a thread) and keep its rejects file."""
    with app.app_context():
        run = ImportRun.objects.get(pk=run_id)
        rejects_path = _rejects_path(run)
        try:
            with open(rejects_path, "wb") as stream:
                result = run_import(Path(path).read_bytes(), run.collection, options,
                                    rejects=stream, run=run)
            if not result.rejected:
                rejects_path.unlink()
            if result.written:  # the data is in; keep no second copy of it (its SHA-256 stays)
                Path(path).unlink(missing_ok=True)
        except ImportFileError:
            rejects_path.unlink(missing_ok=True)  # the run records the file error
        except Exception:  # noqa: BLE001 - the run records the crash; a thread has no one to tell
            rejects_path.unlink(missing_ok=True)
            app.logger.exception("import %s crashed", run_id)
