"""Log-in, log-out, sessions and CSRF."""
import pytest

from models import User
from tests.conftest import PASSWORD, csrf_token_from
from tests.factories import make_user


def _post_login(client, email, password, next_url=None):
    token = csrf_token_from(client.get("/login").data)
    url = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"email": email, "password": password, "csrf_token": token})


def test_login_and_logout(client):
    user = make_user("finance")
    response = _post_login(client, user.email.upper(), PASSWORD)
    assert response.status_code == 302 and response.location.endswith("/admin/")
    page = client.get("/admin/")
    assert page.status_code == 200 and user.email in page.get_data(as_text=True)
    assert User.objects.get(pk=user.pk).last_login_at is not None

    token = csrf_token_from(page.data)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/admin/").status_code == 302


def test_wrong_password_and_unknown_user_get_the_same_message(client):
    user = make_user("hr")
    for email, password in ((user.email, "Wrong-pass-1"), ("nobody@firma.example.com", PASSWORD)):
        response = _post_login(client, email, password)
        assert response.status_code == 200
        assert "E-Mail-Adresse oder Passwort ist falsch." in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_inactive_user_cannot_log_in(client):
    user = make_user("hr", active=False)
    response = _post_login(client, user.email, PASSWORD)
    assert response.status_code == 200  # the form again, not the redirect of a success
    assert "E-Mail-Adresse oder Passwort ist falsch." in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302
    assert User.objects.get(pk=user.pk).last_login_at is None
    User.objects(pk=user.pk).update_one(set__active=True)  # the same data, active: in
    assert _post_login(client, user.email, PASSWORD).location.endswith("/admin/")
    assert client.get("/admin/").status_code == 200


def test_deactivated_user_is_logged_out_on_next_request(client):
    user = make_user("admin")
    assert _post_login(client, user.email, PASSWORD).location.endswith("/admin/")
    assert client.get("/admin/").status_code == 200  # logged in before ...
    User.objects(pk=user.pk).update_one(set__active=False)
    response = client.get("/admin/")  # ... and out once deactivated
    assert response.status_code == 302 and "/login" in response.location


def test_next_parameter_only_redirects_inside_the_app(client):
    user = make_user("admin")
    assert _post_login(client, user.email, PASSWORD, "/admin/employees/").location \
        .endswith("/admin/employees/")
    client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/admin/").data)})
    assert _post_login(client, user.email, PASSWORD, "https://evil.example/").location \
        .endswith("/admin/")


def test_login_post_without_csrf_token_is_refused(client):
    user = make_user("admin")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/admin/").status_code == 302
    assert _post_login(client, user.email, PASSWORD).location.endswith("/admin/")  # with it


def test_admin_form_post_without_csrf_token_is_refused(client, login):
    from models import Supplier

    login("admin")
    response = client.post("/admin/suppliers/new/", data={
        "supplier_no": "L9", "name": "Ohne Token GmbH", "country": "DE",
        "payment_terms_days": "30"})
    assert response.status_code == 400
    assert Supplier.objects(supplier_no="L9").count() == 0


def test_logout_requires_post(client, login):
    login("admin")
    assert client.get("/logout").status_code == 405
    assert client.get("/admin/").status_code == 200


def test_session_cookie_flags(client):
    user = make_user("admin")
    response = _post_login(client, user.email, PASSWORD)
    assert response.status_code == 302 and response.location.endswith("/admin/")
    assert client.get("/admin/").status_code == 200  # the cookie carries a working login
    cookie = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")][0]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Expires=" in cookie  # the session ends after PERMANENT_SESSION_LIFETIME


@pytest.mark.parametrize("roles", [("admin",), ("hr", "finance")])
def test_create_user_cli(runner, roles):
    args = ["create-user", "neu@firma.example.com", "--password-stdin"]
    for role in roles:
        args += ["--role", role]
    result = runner.invoke(args=args, input="Sicheres-Passwort-42\n")
    assert result.exit_code == 0, result.output
    user = User.objects.get(email="neu@firma.example.com")
    assert user.roles == list(roles) and user.check_password("Sicheres-Passwort-42")


def test_create_user_cli_refuses_weak_password_and_unknown_role(runner):
    result = runner.invoke(args=["create-user", "a@firma.example.com", "--role", "admin",
                                 "--password-stdin"], input="kurz\n")
    assert result.exit_code != 0 and "mindestens 10 Zeichen" in result.output
    result = runner.invoke(args=["create-user", "a@firma.example.com", "--role", "boss",
                                 "--password-stdin"], input="Sicheres-Passwort-42\n")
    assert result.exit_code != 0 and "boss" in result.output
    assert User.objects(email="a@firma.example.com").count() == 0
