"""E-mail end to end against a real SMTP server on loopback (aiosmtpd), no mocks.

Expectations: what the receiving server got (envelope, headers, attachments read back
with the e-invoice library), the queue's states after each attempt, the retry delays
written out by hand.
"""
import email
import socket
import threading
from datetime import datetime, timedelta, timezone
from email import policy

import facturx
import pytest
from aiosmtpd.controller import Controller

from models.mail import OutgoingMail
from services.archive.store import read_file
from services.core import mail as mail_service
from services.core.errors import BusinessRuleError
from services.core.mail import SmtpSettings, queue_mail, send_due, send_one
from services.invoicing import issuing as invoicing
from services.invoicing.mailing import queue_invoice_mail
from tests.factories import make_company, make_customer, make_invoice, make_ticket, make_user

# The sender's clock, passed in: after the real clock, because mail is queued as due "now"
# by the real clock (a fixed date in the past made every test fail once that date passed).
NOW = datetime(2099, 12, 1, 8, 0, tzinfo=timezone.utc)


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos),
                              email.message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


class BoundController(Controller):
    """aiosmtpd's controller on a socket this test binds to port 0 and hands over, so
    the port is the server's from the start: no "find a free port, then bind it" gap in
    which another process could take it."""

    def __init__(self, handler, **kwargs):
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen()
        super().__init__(handler, hostname="127.0.0.1", port=self._sock.getsockname()[1],
                         **kwargs)

    def _create_server(self):
        return self.loop.create_server(self._factory_invoker, sock=self._sock,
                                       ssl=self.ssl_context)


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = BoundController(inbox)
    controller.start()
    inbox.settings = SmtpSettings(server="127.0.0.1", port=controller.port, security="none",
                                  sender="rechnung@mueller.example.com", timeout=10)
    yield inbox
    controller.stop()


@pytest.fixture
def down():
    """Settings of a server that refuses connections: a port this test holds bound but
    never listens on (nobody else can take it while the test runs)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield SmtpSettings(server="127.0.0.1", port=sock.getsockname()[1], security="none",
                           sender="rechnung@mueller.example.com", timeout=5)


def issued(customer=None):
    make_company(phone="+49 89 1234567")
    return invoicing.issue_invoice(make_invoice(customer=customer or make_customer()), "fibu")


def test_an_issued_invoice_arrives_with_its_e_invoice_pdf(app, smtp):
    inv = issued()
    queued = queue_invoice_mail(inv, "fibu")
    assert queued.state == "queued" and OutgoingMail.objects.count() == 1
    assert send_due(smtp.settings, read_file, now=NOW) == {"sent": 1, "retry": 0, "failed": 0}
    (sender, rcpts, msg), = smtp.messages
    assert sender == "rechnung@mueller.example.com"
    assert rcpts == ["buchhaltung@groesser.example.com"]
    assert msg["Subject"] == f"Rechnung {inv.number} von Müller & Söhne GmbH"
    assert "zahlbar bis" in msg.get_body(("plain",)).get_content()
    (pdf,) = list(msg.iter_attachments())
    assert pdf.get_filename() == f"{inv.number}.pdf"
    data = pdf.get_content()
    assert data == read_file(inv.pdf_file)
    _, xml = facturx.get_xml_from_pdf(data, check_xsd=False)
    assert inv.number.encode() in xml
    stored = OutgoingMail.objects.get()
    assert stored.state == "sent" and stored.attempts == 1 and stored.sent_at is not None
    assert stored.message_id and msg["Message-ID"] == stored.message_id
    # nothing is sent twice by the next run
    assert send_due(smtp.settings, read_file, now=NOW + timedelta(minutes=1))["sent"] == 0
    assert len(smtp.messages) == 1


def test_a_public_customer_gets_the_xrechnung_too_in_english(app, smtp):
    customer = make_customer(leitweg_id="05315000-ABC123-41", mail_language="en",
                             electronic_address="e-rechnung@stadt.example.org")
    inv = issued(customer)
    queue_invoice_mail(inv, "fibu")
    send_due(smtp.settings, read_file, now=NOW)
    (_, rcpts, msg), = smtp.messages
    assert rcpts == ["e-rechnung@stadt.example.org"]
    assert msg["Subject"].startswith(f"Invoice {inv.number} from")
    names = [a.get_filename() for a in msg.iter_attachments()]
    assert names == [f"{inv.number}.pdf", f"{inv.number}-xrechnung.xml"]


def test_no_address_no_mail_and_a_clear_message(app):
    inv = issued(make_customer(email=None))
    with pytest.raises(BusinessRuleError, match="keine E-Mail-Adresse"):
        queue_invoice_mail(inv, "fibu")
    assert OutgoingMail.objects.count() == 0


def test_a_draft_is_never_mailed(app):
    make_company()
    with pytest.raises(BusinessRuleError, match="ausgestellte"):
        queue_invoice_mail(make_invoice(), "fibu")


def test_the_same_key_queues_once(app):
    first = queue_mail(key="k1", kind="other", to=["a@example.com"], subject="s", body="b",
                       user="t")
    again = queue_mail(key="k1", kind="other", to=["b@example.com"], subject="x", body="y",
                       user="t")
    assert again.pk == first.pk and OutgoingMail.objects.count() == 1


def test_a_down_server_is_retried_later_then_given_up(app, smtp, down):
    queue_mail(key="k2", kind="other", to=["a@example.com"], subject="Hallo", body="b", user="t")
    assert send_due(down, read_file, now=NOW) == {"sent": 0, "retry": 1, "failed": 0}
    stored = OutgoingMail.objects.get()
    assert stored.state == "queued" and stored.attempts == 1
    assert stored.next_attempt_at == NOW + timedelta(minutes=1)
    assert "ConnectionRefusedError" in stored.attempt_log[0].error
    # not due yet: nothing tried
    assert send_due(down, read_file, now=NOW + timedelta(seconds=59))["retry"] == 0
    assert send_due(down, read_file, now=NOW + timedelta(minutes=1))["retry"] == 1
    assert OutgoingMail.objects.get().next_attempt_at == NOW + timedelta(minutes=3)  # +2 min
    # back up: delivered
    assert send_due(smtp.settings, read_file, now=NOW + timedelta(minutes=3))["sent"] == 1
    assert OutgoingMail.objects.get().attempts == 3 and len(smtp.messages) == 1


def test_after_the_last_attempt_the_mail_fails_and_the_admin_sees_it(app, client, login, down):
    queue_mail(key="k3", kind="other", to=["a@example.com"], subject="Hallo", body="b", user="t")
    at = NOW
    for n in range(1, mail_service.MAX_ATTEMPTS + 1):
        outcome = send_due(down, read_file, now=at)
        assert outcome == ({"sent": 0, "retry": 0, "failed": 1} if n == mail_service.MAX_ATTEMPTS
                           else {"sent": 0, "retry": 1, "failed": 0})
        at += timedelta(hours=1)
    assert OutgoingMail.objects.get().state == "failed"
    login("admin")
    body = client.get("/tasks").get_data(as_text=True)
    assert "1 E-Mail(s) konnten nicht gesendet werden" in body
    assert mail_service.retry_now(OutgoingMail.objects.get().pk)
    assert OutgoingMail.objects.get().state == "queued"


def test_backoff_doubles_up_to_an_hour():
    assert [mail_service.backoff(n) for n in (1, 2, 3, 7, 8)] == [
        timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4), timedelta(minutes=60),
        timedelta(minutes=60)]


def test_two_senders_at_once_deliver_once(app, smtp):
    queue_mail(key="k4", kind="other", to=["a@example.com"], subject="Einmal", body="b", user="t")
    mail_id = OutgoingMail.objects.get().pk
    barrier, results = threading.Barrier(2, timeout=20), []

    def sender():
        barrier.wait()
        results.append(send_one(mail_id, smtp.settings, read_file, NOW))

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results, key=str) == [None, "sent"]
    assert len(smtp.messages) == 1


def test_a_missing_server_setting_is_named(app):
    with pytest.raises(BusinessRuleError, match="MAIL_SERVER"):
        send_due(SmtpSettings(server="", sender=""), read_file)


def test_the_digest_mails_each_user_their_tasks_once_a_day(app, smtp):
    from jobs.mail import send_mail, task_digest
    from jobs.runner import JobContext

    de = make_user("support", email="sup@example.com")
    en = make_user("support", email="en@example.com")
    en.update(set__locale="en")
    make_user("auditor", email="idle@example.com")
    make_ticket(title="Drucker", number="T-1", assignee=de)
    make_ticket(title="Beamer", number="T-2", assignee=en)
    ctx = JobContext(run_id="r1", job="task_digest", scheduled_for=NOW, today=NOW.date())
    with app.app_context():
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.settings.port,
                          MAIL_SECURITY="none", MAIL_FROM="backoffice@mueller.example.com")
        assert task_digest(ctx) == {"queued": 2}
        assert task_digest(ctx) == {"queued": 2}  # same day: the keys hold
        assert OutgoingMail.objects(kind="reminder").count() == 2
        assert send_mail(ctx)["sent"] == 2
    by_rcpt = {rcpts[0]: msg for _, rcpts, msg in smtp.messages}
    assert set(by_rcpt) == {"sup@example.com", "en@example.com"}
    assert by_rcpt["sup@example.com"]["Subject"] == "Ihre offenen Aufgaben am 01.12.2099: 1"
    assert "Ticket T-1 bearbeiten: Drucker" in by_rcpt["sup@example.com"].get_content()
    assert by_rcpt["en@example.com"]["Subject"] == "Your open tasks on 2099-12-01: 1"
    assert "Work on ticket T-2: Beamer" in by_rcpt["en@example.com"].get_content()


@pytest.fixture
def tls_smtp(tmp_path):
    """A server that requires STARTTLS and a login, with a certificate from a test CA."""
    import ssl
    import subprocess

    from aiosmtpd.smtp import AuthResult, LoginPassword

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True,
                   timeout=60)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"backoffice" \
            and auth_data.password == b"geheim-123"
        logins.append((auth_data.login, ok))
        return AuthResult(success=ok)

    inbox = Inbox()
    controller = BoundController(inbox, tls_context=context, require_starttls=True,
                                 auth_require_tls=True, authenticator=authenticator)
    controller.start()
    inbox.logins, inbox.cert, inbox.port = logins, str(cert), controller.port
    yield inbox
    controller.stop()


def test_starttls_with_login_is_used_and_the_certificate_checked(app, tls_smtp):
    queue_mail(key="tls", kind="other", to=["a@example.com"], subject="TLS", body="b", user="t")
    good = SmtpSettings(server="127.0.0.1", port=tls_smtp.port, security="starttls",
                        username="backoffice", password="geheim-123", sender="bo@example.com",
                        cafile=tls_smtp.cert, timeout=10)
    # without the CA the certificate is refused: nothing sent, retried later
    untrusted = SmtpSettings(**{**good.__dict__, "cafile": ""})
    assert send_due(untrusted, read_file, now=NOW)["retry"] == 1
    assert "CERTIFICATE_VERIFY_FAILED" in OutgoingMail.objects.get().attempt_log[0].error
    # a wrong password: refused by the server
    wrong = SmtpSettings(**{**good.__dict__, "password": "falsch"})
    assert send_due(wrong, read_file, now=NOW + timedelta(minutes=1))["retry"] == 1
    assert tls_smtp.messages == []
    assert send_due(good, read_file, now=NOW + timedelta(minutes=3))["sent"] == 1
    assert tls_smtp.logins[-1] == (b"backoffice", True) and len(tls_smtp.messages) == 1


def test_plain_connection_to_a_starttls_server_is_refused(app, tls_smtp):
    queue_mail(key="plain", kind="other", to=["a@example.com"], subject="x", body="b", user="t")
    plain = SmtpSettings(server="127.0.0.1", port=tls_smtp.port, security="none",
                         sender="bo@example.com", timeout=10)
    assert send_due(plain, read_file, now=NOW)["retry"] == 1
    assert tls_smtp.messages == []
