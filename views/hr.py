"""Absence screens: request, decide (manager or substitute), eAU, balance, team calendar.

Every logged-in user may open them; what each sees is decided per record: the employee
their own absences, a manager those of the team, HR everyone's (services/hr/absences.py).
"""
from datetime import date
from decimal import Decimal, InvalidOperation

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user, login_required

from models.absence import EAU_RESULTS, AbsenceType
from models.employee import Employee
from services.core.errors import BusinessRuleError
from services.core.formatting import parse_date
from services.hr import absences, team_calendar
from services.privacy.restriction import is_restricted, may_see_restricted
from views.frame import render_page
from views.i18n import _, day, translated

bp = Blueprint("hr", __name__, url_prefix="/hr")
HR_ROLES = ("admin", "hr")


@bp.before_request
@login_required
def require_login():
    return None


def _is_hr() -> bool:
    return current_user.has_role(*HR_ROLES)


def _own():
    return getattr(current_user, "employee", None)


def _employee_for_page():
    """HR chooses any employee (?employee=id); everybody else sees their own record."""
    wanted = request.values.get("employee")
    if _is_hr() and wanted:
        found = Employee.objects(pk=wanted).first() if len(wanted) == 24 else None
        if found is None or (is_restricted(found) and not may_see_restricted(current_user)):
            abort(404)   # Art. 18: a restricted record is not processed for HR work
        return found
    return _own()


def _may_see(absence) -> bool:
    own = _own()
    employee = absence.employee
    return _is_hr() or (own is not None and own.pk in {
        employee.pk, getattr(employee.manager, "pk", None),
        getattr(employee.manager_substitute, "pk", None)})


@bp.route("/absences/")
def index():
    """The user's (or for HR the chosen employee's) balance and absences, and the approvals."""
    employee = _employee_for_page()
    year = request.args.get("year", type=int) or date.today().year
    account = absences.balance(employee, year) if employee else None
    mine = list(absences.Absence.objects(employee=employee).limit(100)) if employee else []
    return render_page("hr/absences.html", employee=employee, year=year, account=account,
                       absences=mine, pending=absences.pending_for(current_user),
                       types=AbsenceType.objects(active=True), is_hr=_is_hr(),
                       employees=Employee.objects(status="active").only(
                           "personnel_no", "first_name", "last_name") if _is_hr() else [])


@bp.route("/absences/", methods=["POST"])
def create():
    """Request an absence (for oneself; HR for anyone)."""
    employee = _employee_for_page()
    if employee is None:
        flash(_("Ihr Benutzer ist mit keinem Personalstamm verknüpft."), "error")
        return redirect(url_for(".index"))
    try:
        start = parse_date(request.form.get("start", ""))
        end = parse_date(request.form.get("end") or request.form.get("start", ""))
    except ValueError:
        flash(_("Bitte ein Datum wie 31.12.2026 eingeben."), "error")
        return redirect(url_for(".index"))
    code = request.form.get("absence_type", "")
    hours = (request.form.get("hours_per_day") or "").strip()
    try:
        hours = Decimal(hours.replace(",", ".")) if hours else None
        if hours is not None and not hours.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        flash(_("Bitte die Ausfallstunden als Zahl eingeben, z. B. 3,5."), "error")
        return redirect(url_for(".index", employee=request.values.get("employee")))
    try:
        absence, overlaps = absences.request_absence(
            employee, code, start, end, current_user.email,
            half_day_start=bool(request.form.get("half_day_start")),
            half_day_end=bool(request.form.get("half_day_end")),
            note=request.form.get("note", "")[:300], hours_per_day=hours)
    except BusinessRuleError as exc:
        flash(translated(exc), "error")
        return redirect(url_for(".index", employee=request.values.get("employee")))
    flash(_("Abwesenheit eingetragen: %(days)s Arbeitstage.", days=absence.days), "success")
    notice = absences.payroll_notice(absence)
    if notice:
        flash(_(notice), "warning")
    for other in overlaps:
        flash(_("Zur selben Zeit abwesend: %(name)s (%(start)s–%(end)s)",
                name=f"{other.employee.first_name} {other.employee.last_name}",
                start=day(other.start), end=day(other.end)), "warning")
    return redirect(url_for(".show", absence_id=absence.pk))


def _absence_or_404(absence_id):
    try:
        absence = absences.get_absence(absence_id)
    except BusinessRuleError:
        abort(404)
    if not _may_see(absence):
        abort(404)   # not 403: whether the id exists is none of the user's business
    return absence


@bp.route("/absences/<absence_id>")
def show(absence_id):
    """One absence with the decision buttons for the manager and the eAU record for HR."""
    absence = _absence_or_404(absence_id)
    return render_page("hr/absence.html", absence=absence, is_hr=_is_hr(),
                       payroll_notice=absences.payroll_notice(absence),
                       may_decide=absence.status == "requested"
                       and absences.may_decide(current_user, absence),
                       overlaps=absences.team_overlaps(absence), eau_results=EAU_RESULTS)


@bp.route("/absences/<absence_id>/decide", methods=["POST"])
def decide(absence_id):
    """Approve or refuse a request."""
    absence = _absence_or_404(absence_id)
    return _step(absence, lambda: absences.decide(
        absence.pk, current_user, request.form.get("decision") == "approve",
        request.form.get("note", "")[:300]), _("entschieden"))


@bp.route("/absences/<absence_id>/cancel", methods=["POST"])
def cancel(absence_id):
    """Withdraw a request or an approved absence."""
    absence = _absence_or_404(absence_id)
    return _step(absence, lambda: absences.cancel(absence.pk, current_user), _("zurückgezogen"))


@bp.route("/absences/<absence_id>/eau", methods=["POST"])
def eau(absence_id):
    """HR records the retrieval of the electronic certificate of incapacity."""
    if not _is_hr():
        abort(403)
    absence = _absence_or_404(absence_id)
    return _step(absence, lambda: absences.record_eau(
        absence.pk, current_user.email, request.form.get("result", "")), _("eAU-Abruf vermerkt"))


def _step(absence, step, done):
    try:
        step()
        flash(done, "success")
    except BusinessRuleError as exc:
        flash(translated(exc), "error")
    return redirect(url_for(".show", absence_id=absence.pk))


@bp.route("/calendar")
def calendar_view():
    """The month of a department: HR any department, everybody else their own."""
    today = date.today()
    year = request.args.get("year", type=int) or today.year
    month = request.args.get("month", type=int) or today.month
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        abort(400)
    own = _own()
    if _is_hr():
        choices = team_calendar.departments()
        department = request.args.get("department") or (choices[0] if choices else "")
    else:
        department = own.department if own is not None else ""
        choices = [department] if department else []
    view = team_calendar.month_view(department, year, month) if department else None
    return render_page("hr/calendar.html", view=view, departments=choices,
                       department=department, year=year, month=month,
                       show_types=_is_hr() or _manages(own, view))


def _manages(own, view) -> bool:
    if own is None or view is None:
        return False
    return any(getattr(r.employee.manager, "pk", None) == own.pk
               or getattr(r.employee.manager_substitute, "pk", None) == own.pk
               for r in view.rows)


def _require_hr():
    if not _is_hr():
        abort(403)


@bp.route("/self-service")
def self_service_view():
    """HR: open change requests to confirm, and the invitation of employees."""
    from models.self_service import ChangeRequest

    _require_hr()
    return render_page("hr/self_service.html",
                       changes=ChangeRequest.objects(status="open").limit(200),
                       employees=Employee.objects(status="active").only(
                           "personnel_no", "first_name", "last_name", "email"))


@bp.route("/changes/<change_id>/<decision>", methods=["POST"])
def change_decide(change_id, decision):
    """Confirm (four eyes on an IBAN) or reject a change request."""
    from services.hr import self_service

    _require_hr()
    if decision not in ("confirm", "reject"):
        abort(404)
    try:
        if decision == "confirm":
            change = self_service.confirm_change(change_id, current_user)
            flash(_("Bestätigt (%(done)s von %(needed)s).", done=len(change.confirmations),
                    needed=change.needed), "success")
        else:
            self_service.reject_change(change_id, current_user, request.form.get("note", ""))
            flash(_("Abgelehnt."), "success")
    except BusinessRuleError as exc:
        flash(translated(exc), "error")
    return redirect(url_for(".self_service_view"))


@bp.route("/invite", methods=["POST"])
def invite():
    """Invite an employee to self-service: the one-time link is shown once, here."""
    from services.hr import self_service

    _require_hr()
    employee_id = request.form.get("employee", "")
    employee = Employee.objects(pk=employee_id).first() if len(employee_id) == 24 else None
    if employee is None:
        abort(404)
    try:
        token = self_service.invite(employee, request.form.get("email") or employee.email,
                                    current_user.email)
    except BusinessRuleError as exc:
        flash(translated(exc), "error")
    else:
        flash(_("Einladungslink (einmalig, 7 Tage gültig): %(url)s",
                url=url_for("invitation.accept", token=token, _external=True)), "info")
    return redirect(url_for(".self_service_view"))


def _applicant_or_404(applicant_id):
    from bson import ObjectId

    from models.recruiting import Applicant

    _require_hr()
    found = Applicant.objects(pk=applicant_id).first() if ObjectId.is_valid(applicant_id) \
        else None
    if found is None:
        abort(404)
    return found


@bp.route("/applicants/<applicant_id>")
def applicant_view(applicant_id):
    """HR: one applicant with documents, stages and the next steps."""
    from services.hr.recruiting import NEXT

    person = _applicant_or_404(applicant_id)
    return render_page("hr/applicant.html", person=person, next_stages=NEXT[person.stage])


@bp.route("/applicants/<applicant_id>/documents", methods=["POST"])
def applicant_document(applicant_id):
    """HR: file an application document in the archive."""
    from flask import current_app

    from services.archive.upload import ArchiveError
    from services.hr import recruiting

    person = _applicant_or_404(applicant_id)
    upload = request.files.get("file")
    if not upload or not upload.filename:
        flash(_("Bitte eine Datei wählen."), "error")
    else:
        try:
            recruiting.add_document(person, upload.stream, upload.filename, current_user.email,
                                    current_app.config["ARCHIVE_MAX_FILE_BYTES"])
            flash(_("Dokument archiviert."), "success")
        except (ArchiveError, BusinessRuleError) as exc:
            flash(translated(exc), "error")
    return redirect(url_for(".applicant_view", applicant_id=person.pk))


@bp.route("/applicants/<applicant_id>/stage", methods=["POST"])
def applicant_stage(applicant_id):
    """HR: move the applicant on, reject (with or without talent-pool consent) or hire."""
    from services.hr import recruiting

    person = _applicant_or_404(applicant_id)
    stage = request.form.get("stage", "")
    note = request.form.get("note", "")[:500]
    try:
        if stage == "rejected":
            until = request.form.get("consent_until")
            recruiting.reject(person, current_user.email, note=note,
                              consent=bool(request.form.get("consent")),
                              consent_until=parse_date(until) if until else None)
        elif stage == "hired":
            employee = recruiting.hire(person, current_user.email)
            flash(_("Eingestellt: %(employee)s", employee=str(employee)), "success")
        else:
            recruiting.move(person, stage, current_user.email, note=note)
    except ValueError:
        flash(_("Bitte ein Datum wie 31.12.2026 eingeben."), "error")
    except BusinessRuleError as exc:
        flash(translated(exc), "error")
    return redirect(url_for(".applicant_view", applicant_id=person.pk))


@bp.route("/reviews/")
def reviews_index():
    """The performance reviews this user may read (own, the team's, HR all)."""
    from services.hr import reviews

    return render_page("hr/reviews.html", reviews=reviews.visible_to(current_user))


@bp.route("/reviews/<review_id>", methods=["GET", "POST"])
def review_view(review_id):
    """One review; the manager (or HR) rates it. Anyone else gets 404."""
    from bson import ObjectId

    from models.training import Review
    from services.hr import reviews

    review = Review.objects(pk=review_id).first() if ObjectId.is_valid(review_id) else None
    if review is None or not reviews.may_see(current_user, review):
        abort(404)
    if request.method == "POST":
        def number(name):
            value = request.form.get(name, "").strip()
            return int(value) if value.isdigit() else None
        try:
            reviews.rate(review.pk, current_user, number("overall"),
                         request.form.get("comment", "")[:2000],
                         {i: number(f"goal{i}") for i in range(len(review.goals))})
            flash(_("Gespeichert."), "success")
        except BusinessRuleError as exc:
            flash(translated(exc), "error")
        return redirect(url_for(".review_view", review_id=review.pk))
    return render_page("hr/review.html", review=review,
                       may_rate=reviews.may_rate(current_user, review))


@bp.route("/reviews/cycles", methods=["POST"])
def start_cycle():
    """HR: open an appraisal round (a review per employee, due on the date given)."""
    from services.hr import reviews

    _require_hr()
    try:
        due = parse_date(request.form.get("due_date", ""))
        added = reviews.start_cycle(request.form.get("name", ""), due, current_user.email,
                                    request.form.get("departments", "").split(","))
        flash(_("Gesprächsrunde angelegt: %(count)s Mitarbeitergespräche.", count=added),
              "success")
    except ValueError:
        flash(_("Bitte ein Datum wie 31.12.2026 eingeben."), "error")
    except BusinessRuleError as exc:
        flash(translated(exc), "error")
    return redirect(url_for(".reviews_index"))


@bp.route("/reviews/<review_id>/done", methods=["POST"])
def review_done(review_id):
    """The manager (or HR) closes a review that has taken place; others get 404."""
    from bson import ObjectId

    from models.training import Review
    from services.hr import reviews

    review = Review.objects(pk=review_id).first() if ObjectId.is_valid(review_id) else None
    if review is None or not reviews.may_see(current_user, review):
        abort(404)
    try:
        reviews.complete(review.pk, current_user)
        flash(_("Mitarbeitergespräch abgeschlossen."), "success")
    except BusinessRuleError as exc:
        flash(translated(exc), "error")
    return redirect(url_for(".review_view", review_id=review.pk))


@bp.route("/reports")
def reports_view():
    """HR reports for a year: on screen, as CSV (German Excel) or as PDF."""
    import io

    from flask import Response, render_template

    from services.core.csv_safe import writer
    from services.core.pdf import FONT_CSS, html_to_pdf
    from services.hr import reports

    _require_hr()
    year = request.args.get("year", type=int) or date.today().year
    if not 2000 <= year <= 2100:
        abort(400)
    fmt = request.args.get("format", "")
    if fmt == "csv":
        out = io.StringIO()
        writer(out).writerows(reports.as_rows(year))
        response = Response(out.getvalue().encode("utf-8-sig"), mimetype="text/csv")
        response.headers["Content-Disposition"] = f'attachment; filename="HR-Bericht-{year}.csv"'
        return response
    leavers, average, rate = reports.turnover(year)
    context = dict(year=year, headcount=reports.headcount(year), sick_rate=reports.sick_rate(year),
                   leavers=leavers, average=average, turnover=rate,
                   liability=reports.vacation_liability(year))
    if fmt == "pdf":
        html = render_template("hr/reports.html", pdf=True, font_css=FONT_CSS, **context)
        response = Response(html_to_pdf(html), mimetype="application/pdf")
        response.headers["Content-Disposition"] = f'attachment; filename="HR-Bericht-{year}.pdf"'
        return response
    return render_page("hr/reports.html", pdf=False, **context)
