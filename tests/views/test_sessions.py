"""A session cookie stops working once its user logs out or changes (issue 13.7).

Each test saves the session cookie of a logged-in client, lets the change happen,
then replays the saved cookie in a fresh client: the panel must answer as to a stranger.
"""
import pytest

from models import User
from tests.conftest import PASSWORD, csrf_token_from
from tests.factories import make_user


def _logged_in(app, user):
    client = app.test_client()
    token = csrf_token_from(client.get("/login").data)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    return client


def _replay(app, cookie: str):
    """A new client that only carries the saved session cookie."""
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other.get("/admin/")


def test_a_replayed_cookie_works_while_nothing_changed(app):
    user = make_user("finance")
    cookie = _logged_in(app, user).get_cookie("session").value
    assert _replay(app, cookie).status_code == 200  # the replay itself works


def test_cookie_replayed_after_logout_is_refused(app):
    user = make_user("finance")
    client = _logged_in(app, user)
    cookie = client.get_cookie("session").value
    token = csrf_token_from(client.get("/admin/").data)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    response = _replay(app, cookie)
    assert response.status_code == 302 and "/login" in response.location


def test_logout_ends_the_sessions_on_other_devices_too(app):
    user = make_user("hr")
    laptop, phone = _logged_in(app, user), _logged_in(app, user)
    laptop.post("/logout", data={"csrf_token": csrf_token_from(laptop.get("/admin/").data)})
    assert phone.get("/admin/").status_code == 302


@pytest.mark.parametrize("args", [
    ["reset-password", "{email}", "--password-stdin"],
    ["set-roles", "{email}", "--role", "auditor"],
    ["deactivate-user", "{email}"],
])
def test_cookie_replayed_after_a_change_of_the_account_is_refused(app, args):
    user = make_user("finance")
    cookie = _logged_in(app, user).get_cookie("session").value
    result = app.test_cli_runner().invoke(args=[a.format(email=user.email) for a in args],
                                          input="Neues-Passwort-7\n")
    assert result.exit_code == 0, result.output
    assert _replay(app, cookie).status_code == 302


def test_password_changed_in_the_panel_ends_the_users_sessions(app, client, login):
    user = make_user("support")
    cookie = _logged_in(app, user).get_cookie("session").value
    login("admin")
    url = f"/admin/users/edit/?id={user.pk}"
    token = csrf_token_from(client.get(url).data)
    response = client.post(url, data={"csrf_token": token, "email": user.email,
                                      "name": user.name, "roles": ["support"], "active": "y",
                                      "password": "Neues-Passwort-7"})
    assert response.status_code == 302
    assert _replay(app, cookie).status_code == 302


def test_a_change_that_does_not_touch_access_keeps_the_session(app):
    user = make_user("finance")
    cookie = _logged_in(app, user).get_cookie("session").value
    fresh = User.objects.get(pk=user.pk)
    fresh.name, fresh.locale = "Anderer Name", "en"
    fresh.save()
    assert _replay(app, cookie).status_code == 200


def test_a_role_added_in_place_ends_the_sessions_too(app):
    user = make_user("finance")
    cookie = _logged_in(app, user).get_cookie("session").value
    fresh = User.objects.get(pk=user.pk)
    fresh.roles.append("hr")
    fresh.save()
    assert _replay(app, cookie).status_code == 302
