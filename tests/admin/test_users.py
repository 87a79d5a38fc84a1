"""User management in the panel and on the command line (issue 13.6).

Create, edit, deactivate, change roles and reset passwords through /admin/users/ and
the CLI; each change is checked by logging in (or failing to) with a second client.
"""
import re

import pytest

from models import AuditEntry, User
from tests.conftest import PASSWORD, csrf_token_from
from tests.factories import make_user

NEW_PASSWORD = "Neues-Passwort-7"


def _can_log_in(app, email, password) -> bool:
    other = app.test_client()
    token = csrf_token_from(other.get("/login").data)
    response = other.post("/login", data={"email": email, "password": password,
                                          "csrf_token": token})
    return response.status_code == 302


def _user_form(client, url) -> dict:
    """The fields of the rendered user form as a browser would send them."""
    html = client.get(url).get_data(as_text=True)
    data = {"csrf_token": csrf_token_from(html)}
    for name, value in re.findall(r'<input[^>]*name="(email|name)"[^>]*value="([^"]*)"', html):
        data[name] = value
    data["roles"] = [a or b for a, b in re.findall(
        r'<option selected value="([^"]+)"|<option value="([^"]+)" selected', html)]
    active = re.search(r'<input[^>]*name="active"[^>]*>', html).group(0)
    if re.search(r"\schecked[\s>]", active):
        data["active"] = "y"
    return data


def test_admin_creates_a_user_who_can_log_in(app, client, login):
    login("admin")
    token = csrf_token_from(client.get("/admin/users/new/").data)
    response = client.post("/admin/users/new/", data={
        "csrf_token": token, "email": "Neu@Firma.example.com", "name": "Nina Neu",
        "roles": ["finance", "auditor"], "active": "y", "password": NEW_PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    user = User.objects.get(email="neu@firma.example.com")
    assert user.roles == ["finance", "auditor"] and user.active
    assert _can_log_in(app, "neu@firma.example.com", NEW_PASSWORD)
    entry = AuditEntry.objects(collection="users", document_id=str(user.pk)).first()
    assert entry.action == "create"
    assert all(c.field not in ("password_hash", "password") for c in entry.changes)


@pytest.mark.parametrize("change, message", [
    ({"roles": []}, "Dieses Feld wird benötigt."),
    ({"roles": ["boss"]}, "&#39;boss&#39; is not a valid choice"),
    ({"password": ""}, "Ein neuer Benutzer braucht ein Passwort"),
    ({"password": "kurz"}, "mindestens 10 Zeichen"),
])
def test_a_wrong_new_user_is_refused_with_the_reason(client, login, change, message):
    login("admin")
    token = csrf_token_from(client.get("/admin/users/new/").data)
    data = {"csrf_token": token, "email": "falsch@firma.example.com", "name": "F",
            "roles": ["hr"], "active": "y", "password": NEW_PASSWORD}
    data.update(change)
    response = client.post("/admin/users/new/", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html, re.findall(r"<li>([^<]+)</li>|alert[^>]*>\s*([^<]+)", html)
    assert User.objects(email="falsch@firma.example.com").count() == 0


def test_edit_changes_name_and_keeps_password_when_left_empty(app, client, login):
    login("admin")
    user = make_user("hr")
    url = f"/admin/users/edit/?id={user.pk}"
    data = _user_form(client, url)
    assert data["roles"] == ["hr"] and data.get("active") == "y"
    data.update(name="Umbenannt", password="")
    assert client.post(url, data=data).status_code == 302
    assert User.objects.get(pk=user.pk).name == "Umbenannt"
    assert _can_log_in(app, user.email, PASSWORD)


def test_edit_revokes_a_role(app, client, login):
    login("admin")
    user = make_user("hr", "finance")
    url = f"/admin/users/edit/?id={user.pk}"
    data = _user_form(client, url)
    data["roles"] = ["finance"]
    assert client.post(url, data=data).status_code == 302
    assert User.objects.get(pk=user.pk).roles == ["finance"]
    entry = AuditEntry.objects(collection="users", document_id=str(user.pk),
                               action="update").first()
    assert [(c.field, c.old, c.new) for c in entry.changes] == [
        ("roles", "['hr', 'finance']", "['finance']")]


def test_edit_deactivates_a_user(app, client, login):
    login("admin")
    user = make_user("warehouse")
    url = f"/admin/users/edit/?id={user.pk}"
    data = _user_form(client, url)
    data.pop("active")  # the unticked checkbox is not sent
    assert client.post(url, data=data).status_code == 302
    assert User.objects.get(pk=user.pk).active is False
    assert not _can_log_in(app, user.email, PASSWORD)


def test_edit_resets_the_password(app, client, login):
    login("admin")
    user = make_user("support")
    url = f"/admin/users/edit/?id={user.pk}"
    data = _user_form(client, url)
    data["password"] = NEW_PASSWORD
    assert client.post(url, data=data).status_code == 302
    assert _can_log_in(app, user.email, NEW_PASSWORD)
    assert not _can_log_in(app, user.email, PASSWORD)


def test_only_admins_manage_users(client, login):
    login("hr")
    assert client.get("/admin/users/").status_code == 403
    assert client.get("/admin/users/new/").status_code == 403


def test_cli_deactivates_a_user(app, runner):
    user = make_user("finance")
    result = runner.invoke(args=["deactivate-user", user.email.upper()])
    assert result.exit_code == 0, result.output
    assert User.objects.get(pk=user.pk).active is False
    assert not _can_log_in(app, user.email, PASSWORD)


def test_cli_changes_roles(runner):
    user = make_user("finance", "hr")
    result = runner.invoke(args=["set-roles", user.email, "--role", "auditor"])
    assert result.exit_code == 0, result.output
    assert User.objects.get(pk=user.pk).roles == ["auditor"]
    refused = runner.invoke(args=["set-roles", user.email, "--role", "boss"])
    assert refused.exit_code != 0 and User.objects.get(pk=user.pk).roles == ["auditor"]


def test_cli_resets_a_password(app, runner):
    user = make_user("finance")
    result = runner.invoke(args=["reset-password", user.email, "--password-stdin"],
                           input=NEW_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert _can_log_in(app, user.email, NEW_PASSWORD)
    weak = runner.invoke(args=["reset-password", user.email, "--password-stdin"],
                         input="kurz\n")
    assert weak.exit_code == 1 and "mindestens 10 Zeichen" in weak.output
    assert _can_log_in(app, user.email, NEW_PASSWORD)


@pytest.mark.parametrize("args", [["deactivate-user", "niemand@firma.example.com"],
                                  ["set-roles", "niemand@firma.example.com", "--role", "hr"]])
def test_cli_names_an_unknown_user(runner, args):
    result = runner.invoke(args=args)
    assert result.exit_code == 1
    assert "keinen Benutzer mit der E-Mail-Adresse niemand@firma.example.com" in result.output
