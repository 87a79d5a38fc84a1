"""Payslip notification mail: once the payslips of an approved run are issued, each employee
with an address in their record gets one mail with the self-service link and no attachment
(the payslip's personal data stays behind the login); repeated calls queue nothing twice;
who has no address gets nothing and is listed for HR. Delivered to a real SMTP server on
loopback (aiosmtpd)."""
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal as D

import pytest

from models.mail import OutgoingMail
from models.payroll import Payslip
from services.archive.store import read_file
from services.core.errors import BusinessRuleError
from services.core.mail import send_due
from services.payroll import documents, payslip_mail, runs
from tests.conftest import csrf_token_from
from tests.factories import make_employee, make_user
from tests.services.core.test_mail import Inbox, smtp  # noqa: F401  (the SMTP fixture)

BASE = "https://backoffice.firma.example.com"
BORN = date(1985, 7, 1)
HR = "hr@firma.example.com"


@pytest.fixture
def staff(app):
    anna = make_employee(personnel_no="P001", first_name="Anna", last_name="Anders",
                         email="anna.anders@firma.example.com", birth_date=BORN,
                         monthly_gross=D("4123.45"))
    ben = make_employee(personnel_no="P002", first_name="Ben", last_name="Brandt",
                        email="ben.brandt@firma.example.com", birth_date=BORN)
    carl = make_employee(personnel_no="P003", first_name="Carl", last_name="Conrad",
                         email=None, birth_date=BORN)
    make_user("employee", employee=ben, locale="en")
    return anna, ben, carl


def approved_run(month=10):
    run = runs.create_run(2026, month, HR)
    runs.calculate_run(run.pk, HR)
    return runs.approve_run(run.pk, HR)


def issue(run):
    documents.issue_payslips(run.pk, HR, documents.Company("Müller & Söhne GmbH", "München"))


def test_one_mail_per_employee_with_the_link_and_no_payslip_in_it(staff, smtp):  # noqa: F811
    anna, ben, carl = staff
    run = approved_run()
    issue(run)
    result = payslip_mail.queue_payslip_mails(run.pk, BASE + "/", HR)
    assert (result.queued, result.earlier) == (2, 0)
    assert result.without_email == ["P003 Conrad, Carl"]
    due = datetime.now(timezone.utc) + timedelta(seconds=1)
    assert send_due(smtp.settings, read_file, now=due) == {"sent": 2, "retry": 0, "failed": 0}
    got = {tuple(rcpts): msg for _, rcpts, msg in smtp.messages}
    assert set(got) == {("anna.anders@firma.example.com",), ("ben.brandt@firma.example.com",)}
    de, en = got[("anna.anders@firma.example.com",)], got[("ben.brandt@firma.example.com",)]
    assert de["Subject"] == "Ihre Entgeltabrechnung Oktober 2026 steht bereit"
    assert en["Subject"] == "Your payslip for October 2026 is ready"   # Ben's UI language
    for msg, greeting in ((de, "Guten Tag Anna Anders,"), (en, "Hello Ben Brandt,")):
        body = msg.get_body(("plain",)).get_content()
        assert body.startswith(greeting)
        assert "\nhttps://backoffice.firma.example.com/me/\r\n" in body     # one slash
        assert list(msg.iter_attachments()) == []          # no PDF, no personal figures
        assert "4.123,45" not in body and "4123" not in body and "DE89" not in body
    slip = Payslip.objects.get(employee=anna.pk)
    stored = OutgoingMail.objects.get(to="anna.anders@firma.example.com")
    assert (stored.kind, stored.document_kind, stored.document_id) == ("payslip", "payslip",
                                                                        slip.pk)


def test_a_second_call_queues_nothing_and_an_added_address_is_caught_up(staff):
    anna, ben, carl = staff
    run = approved_run()
    issue(run)
    payslip_mail.queue_payslip_mails(run.pk, BASE, HR)
    again = payslip_mail.queue_payslip_mails(run.pk, BASE, HR)
    assert (again.queued, again.earlier, len(again.without_email)) == (0, 2, 1)
    assert OutgoingMail.objects(kind="payslip").count() == 2
    carl.update(set__email="carl.conrad@firma.example.com")
    caught_up = payslip_mail.queue_payslip_mails(run.pk, BASE, HR)
    assert (caught_up.queued, caught_up.earlier, caught_up.without_email) == (1, 2, [])
    assert OutgoingMail.objects(kind="payslip").count() == 3
    status = payslip_mail.notification_status(run.reload())
    assert status["counts"]["queued"] == 3 and status["without_email"] == []


def test_nothing_before_the_run_is_approved_and_nothing_for_payslips_not_yet_issued(staff):
    run = runs.create_run(2026, 10, HR)
    runs.calculate_run(run.pk, HR)
    with pytest.raises(BusinessRuleError, match="freigegebene"):
        payslip_mail.queue_payslip_mails(run.pk, BASE, HR)
    runs.approve_run(run.pk, HR)
    result = payslip_mail.queue_payslip_mails(run.pk, BASE, HR)    # approved, no PDF yet
    assert (result.queued, result.without_email) == (0, [])
    assert OutgoingMail.objects.count() == 0


def test_each_run_notifies_on_its_own(staff):
    october, november = approved_run(10), approved_run(11)
    issue(october)
    issue(november)
    assert payslip_mail.queue_payslip_mails(october.pk, BASE, HR).queued == 2
    assert payslip_mail.queue_payslip_mails(november.pk, BASE, HR).queued == 2
    subjects = sorted(OutgoingMail.objects(to="anna.anders@firma.example.com").scalar("subject"))
    assert subjects == ["Ihre Entgeltabrechnung November 2026 steht bereit",
                        "Ihre Entgeltabrechnung Oktober 2026 steht bereit"]


def _post(client, url):
    token = csrf_token_from(client.get("/payroll/").data)
    return client.post(url, data={"csrf_token": token})


def test_issuing_on_the_screen_queues_the_mails_and_shows_who_has_no_address(staff, client,
                                                                            login):
    login("hr")
    run = approved_run()
    response = _post(client, f"/payroll/runs/{run.pk}/issue")
    page = client.get(response.location).get_data(as_text=True)
    assert "Benachrichtigungen: 2 neu in der Warteschlange, 0 schon früher." in page
    assert "Ohne E-Mail-Adresse, nicht benachrichtigt: P003 Conrad, Carl" in page
    assert OutgoingMail.objects(kind="payslip").count() == 2
    screen = client.get(f"/payroll/runs/{run.pk}").get_data(as_text=True)
    assert 'id="without-email"' in screen and "P003 Conrad, Carl" in screen
    # the button again: nothing new
    _post(client, f"/payroll/runs/{run.pk}/notify")
    assert OutgoingMail.objects(kind="payslip").count() == 2


def test_the_command_line_issue_notifies_too(staff, runner):
    run = approved_run()
    result = runner.invoke(args=["payroll", "issue-payslips", str(run.pk)])
    assert result.exit_code == 0, result.output
    assert "2 payslip notification(s) queued, 0 earlier; 1 without e-mail address" \
        in result.output
    assert "no e-mail: P003 Conrad, Carl" in result.output
