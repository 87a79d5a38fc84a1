"""Log-in and log-out."""
from datetime import datetime, timezone
from urllib.parse import urlsplit

from flask import (Blueprint, current_app, flash, redirect, render_template, request, session,
                   url_for)
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, validators

from models.user import User
from views.i18n import _, _l
from services.core import accounts, throttle

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.session_protection = "strong"
SESSION_VERSION_KEY = "_sv"


@login_manager.user_loader
def load_user(user_id):
    """Load the logged-in user; inactive users and sessions of an older version are logged out."""
    user = User.objects(pk=user_id).first()
    if user is None or not user.active:
        return None
    if session.get(SESSION_VERSION_KEY) != user.session_version:
        return None  # logged out, password or roles changed since this session began
    return user


class LoginForm(FlaskForm):
    email = EmailField(_l("E-Mail"), [validators.InputRequired(), validators.Length(max=254)])
    password = PasswordField(_l("Passwort"), [validators.InputRequired()])


def _safe_next(target: str | None) -> str:
    if target and urlsplit(target).netloc == "" and target.startswith("/") \
            and not target.startswith("//"):
        return target
    return url_for("admin.index")


def _counters(email: str) -> list[tuple[str, throttle.ThrottlePolicy]]:
    """The throttle counters of an attempt: the account at this address, the account, the address."""
    cfg, addr = current_app.config, request.remote_addr
    return [(f"pair:{email}|{addr}", throttle.ThrottlePolicy(cfg["LOGIN_MAX_FAILURES"])),
            (f"user:{email}", throttle.ThrottlePolicy(cfg["LOGIN_MAX_FAILURES_ACCOUNT"])),
            (f"addr:{addr}", throttle.ThrottlePolicy(cfg["LOGIN_MAX_FAILURES_ADDRESS"]))]


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the log-in form and log the user in."""
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        counters = _counters(email)
        refused = throttle.take_slots(counters)  # before the password is verified
        if refused:
            seconds = (refused.until - datetime.now(timezone.utc)).total_seconds()
            flash(_("Zu viele fehlgeschlagene Anmeldungen. Versuchen Sie es in %(minutes)s "
                    "Minute(n) erneut oder lassen Sie Ihr Passwort von der Administration "
                    "zurücksetzen.", minutes=max(1, int(seconds // 60) + 1)), "error")
            return render_template("auth/login.html", form=form), 429
        user = accounts.authenticate(email, form.password.data)
        if user:
            throttle.clear(counters[0][0])
            for key, _policy in counters[1:]:
                throttle.give_back(key)
            session.clear()  # no session fixation: a fresh session for the new login
            login_user(user)
            session[SESSION_VERSION_KEY] = user.session_version
            session.permanent = True  # PERMANENT_SESSION_LIFETIME bounds the session
            User.objects(pk=user.pk).update_one(set__last_login_at=datetime.now(timezone.utc))
            return redirect(_safe_next(request.args.get("next")))
        flash(_("E-Mail-Adresse oder Passwort ist falsch."), "error")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    """Log the user out everywhere (POST only, so a link cannot log someone out)."""
    if current_user.is_authenticated:
        accounts.end_sessions(current_user)
    logout_user()
    session.pop(SESSION_VERSION_KEY, None)
    flash(_("Sie sind abgemeldet."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/")
def root():
    """Send visitors to the panel, which asks anonymous ones to log in."""
    if current_user.is_authenticated:
        return redirect(url_for("admin.index"))
    return redirect(url_for("auth.login"))
