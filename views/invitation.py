"""The one-time invitation link: the employee sets a password and gets a self-service login."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from services.core.errors import BusinessRuleError
from services.hr import self_service
from views.i18n import _, translated

bp = Blueprint("invitation", __name__)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept(token):
    """Show the password form of an open invitation; unknown or used links answer 404."""
    invitation = self_service.open_invitation(token)
    if invitation is None:
        abort(404)
    if request.method == "POST":
        password = request.form.get("password", "")
        if password != request.form.get("password2", ""):
            flash(_("Die beiden Passwörter stimmen nicht überein."), "error")
        else:
            try:
                self_service.accept_invitation(token, password)
            except BusinessRuleError as exc:
                flash(translated(exc), "error")
            else:
                flash(_("Passwort gesetzt. Bitte melden Sie sich an."), "info")
                return redirect(url_for("auth.login"))
    return render_template("auth/invitation.html", email=invitation.email)
