"""Log-in and log-out."""
from datetime import datetime, timezone
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, validators

from models.user import User
from views.i18n import _, _l
from services.core import throttle

USER_POLICY = throttle.ThrottlePolicy(max_failures=5)
ADDRESS_POLICY = throttle.ThrottlePolicy(max_failures=20)

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(user_id):
    """Load the logged-in user for Flask-Login; inactive users count as logged out."""
    user = User.objects(pk=user_id).first()
    return user if user and user.active else None


class LoginForm(FlaskForm):
    email = EmailField(_l("E-Mail"), [validators.InputRequired(), validators.Length(max=254)])
    password = PasswordField(_l("Passwort"), [validators.InputRequired()])


def _safe_next(target: str | None) -> str:
    if target and urlsplit(target).netloc == "" and target.startswith("/") \
            and not target.startswith("//"):
        return target
    return url_for("admin.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the log-in form and log the user in."""
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        keys = [f"user:{email}", f"addr:{request.remote_addr}"]
        until = throttle.locked_until(keys)
        if until:
            minutes = max(1, int((until - datetime.now(timezone.utc)).total_seconds() // 60) + 1)
            flash(_("Zu viele fehlgeschlagene Anmeldungen. Versuchen Sie es in %(minutes)s "
                    "Minute(n) erneut oder lassen Sie Ihr Passwort von der Administration "
                    "zurücksetzen.", minutes=minutes), "error")
            return render_template("auth/login.html", form=form), 429
        user = User.objects(email=email).first()
        if user and user.active and user.check_password(form.password.data):
            throttle.clear(keys[0])
            session.clear()  # no session fixation: a fresh session for the new login
            login_user(user)
            session.permanent = True  # PERMANENT_SESSION_LIFETIME bounds the session
            User.objects(pk=user.pk).update_one(set__last_login_at=datetime.now(timezone.utc))
            return redirect(_safe_next(request.args.get("next")))
        throttle.record_failure(keys[0], USER_POLICY)
        throttle.record_failure(keys[1], ADDRESS_POLICY)
        flash(_("E-Mail-Adresse oder Passwort ist falsch."), "error")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    """Log the user out (POST only, so a link cannot log someone out)."""
    logout_user()
    flash(_("Sie sind abgemeldet."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/")
def root():
    """Send visitors to the panel, which asks anonymous ones to log in."""
    if current_user.is_authenticated:
        return redirect(url_for("admin.index"))
    return redirect(url_for("auth.login"))
