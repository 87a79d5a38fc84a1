"""Payroll run workflow through the screens and services, against the real database."""
import io
import threading
import zipfile
from datetime import date
from decimal import Decimal as D

import pytest
from pypdf import PdfReader

from models.archive import ArchivedFile
from models.payroll import PayrollRun, Payslip
from services.core.errors import BusinessRuleError
from services.payroll import runs
from tests.conftest import csrf_token_from
from tests.factories import make_employee

BORN = date(1985, 7, 1)


def staff():
    """Three employees for March 2026 plus two who are not employed in March."""
    full = make_employee(personnel_no="P001", first_name="Jürgen", last_name="Müller",
                         birth_date=BORN, monthly_gross=D("4000.00"), church_tax=True,
                         state="BY", street="Lindenstraße 5", postal_code="80331",
                         city="München", social_security_no="15070649C103",
                         tax_id="36574261809", church_denomination="rk")
    joiner = make_employee(personnel_no="P002", first_name="Anna", last_name="Weiß",
                           birth_date=BORN, monthly_gross=D("3100.00"),
                           hire_date=date(2026, 3, 16), state="NW")
    mini = make_employee(personnel_no="P003", first_name="Ole", last_name="Schäfer",
                         birth_date=BORN, monthly_gross=D("603.00"), state="SN")
    make_employee(personnel_no="P004", birth_date=BORN, hire_date=date(2026, 4, 1))
    make_employee(personnel_no="P005", birth_date=BORN, exit_date=date(2026, 2, 28),
                  status="left")
    return full, joiner, mini


def post(client, url, data=None):
    token = csrf_token_from(client.get("/payroll/").data)
    return client.post(url, data={**(data or {}), "csrf_token": token})


def start_run(client, month=3, year=2026):
    response = post(client, "/payroll/runs", {"year": year, "month": month})
    assert response.status_code == 302, response.data[:300]
    return PayrollRun.objects.get(year=year, month=month,
                                  status__nin=["discarded", "reversed"])


def step(client, run, action):
    response = post(client, f"/payroll/runs/{run.pk}/{action}")
    assert response.status_code == 302
    return PayrollRun.objects.get(pk=run.pk)


def test_calculate_review_and_drill_down(client, login):
    login("hr")
    full, joiner, mini = staff()
    run = step(client, start_run(client), "calculate")
    assert run.status == "calculated" and run.totals.count == 3 and not run.problems
    slips = {s.employee_data.personnel_no: s for s in Payslip.objects(run=run)}
    assert set(slips) == {"P001", "P002", "P003"}
    assert slips["P001"].net == D("2579.63")  # see tests/services/payroll/test_calculation
    assert (slips["P002"].days, slips["P002"].gross) == (16, D("1600.00"))
    # minijob, not exempted: 603 − (603 × 18.6 % − 603 × 15 %) = 603 − 21.71
    assert slips["P003"].minijob and slips["P003"].net == D("581.29")
    assert run.totals.gross == D("6203.00")  # 4000 + 1600 + 603
    assert run.totals.net == sum((s.net for s in slips.values()), D(0))
    assert run.totals.employer_cost == sum((s.employer_cost for s in slips.values()), D(0))

    page = client.get(f"/payroll/runs/{run.pk}").get_data(as_text=True)
    assert "Müller, Jürgen" in page and "Weiß, Anna" in page and "16/31" in page
    assert "2.579,63 €" in page and "6.203,00 €" in page  # row and totals row
    detail = client.get(f"/payroll/runs/{run.pk}/payslips/{slips['P001'].pk}")
    text = detail.get_data(as_text=True)
    assert detail.status_code == 200 and "Kirchensteuer (8 %)" in text and "42,54 €" in text


def test_missing_data_is_listed_and_blocks_approval_until_fixed(client, login):
    login("hr")
    staff()
    gap = make_employee(personnel_no="P009", last_name="Lücke", birth_date=None, iban=None)
    run = step(client, start_run(client), "calculate")
    assert [(p.personnel_no, p.missing) for p in run.problems] == [
        ("P009", "Geburtsdatum, IBAN")]
    assert "fehlt Geburtsdatum, IBAN" in client.get(f"/payroll/runs/{run.pk}").get_data(
        as_text=True)
    run = step(client, run, "approve")
    assert run.status == "calculated"
    gap.birth_date, gap.iban = BORN, "DE89370400440532013000"
    gap.save()
    run = step(client, step(client, run, "calculate"), "approve")
    assert run.status == "approved" and run.totals.count == 4 and not run.problems


def test_second_run_for_a_month_is_refused(client, login):
    login("hr")
    staff()
    first = start_run(client)
    response = post(client, "/payroll/runs", {"year": 2026, "month": 3})
    page = client.get(response.location).get_data(as_text=True)
    assert "gibt es schon eine Abrechnung" in page
    assert PayrollRun.objects(year=2026, month=3).count() == 1
    step(client, first, "discard")
    second = start_run(client)
    assert second.pk != first.pk and second.status == "draft"


def test_approved_run_keeps_its_figures_when_the_employee_changes(client, login):
    login("hr")
    full, _, _ = staff()
    run = step(client, step(client, start_run(client), "calculate"), "approve")
    full.monthly_gross, full.last_name = D("9000.00"), "Neumann"
    full.save()
    run = step(client, run, "calculate")  # refused: approved runs are not recalculated
    assert run.status == "approved"
    slip = Payslip.objects.get(run=run, employee=full)
    assert (slip.gross, slip.employee_data.last_name) == (D("4000.00"), "Müller")


def test_two_simultaneous_approvals_approve_once(app):
    staff()
    run = runs.calculate_run(runs.create_run(2026, 3, "a@x.de").pk, "a@x.de")
    barrier, outcomes = threading.Barrier(4), []

    def approve(user):
        barrier.wait(timeout=60)
        try:
            runs.approve_run(run.pk, user)
            outcomes.append(("ok", user))
        except BusinessRuleError as exc:
            outcomes.append(("refused", str(exc)))

    threads = [threading.Thread(target=approve, args=(f"u{i}@x.de",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
        assert not t.is_alive(), "a thread still runs after 120 s (deadlock?)"
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused", "refused", "refused"]
    winner = next(user for kind, user in outcomes if kind == "ok")
    assert PayrollRun.objects.get(pk=run.pk).approved_by == winner


def test_two_simultaneous_creates_open_one_run(app):
    barrier, outcomes = threading.Barrier(3), []

    def create():
        barrier.wait(timeout=60)
        try:
            outcomes.append(runs.create_run(2026, 5, "a@x.de").pk)
        except BusinessRuleError:
            outcomes.append(None)

    threads = [threading.Thread(target=create) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
        assert not t.is_alive(), "a thread still runs after 120 s (deadlock?)"
    assert len([o for o in outcomes if o]) == 1
    assert PayrollRun.objects(year=2026, month=5).count() == 1


@pytest.mark.parametrize("role,status", [("warehouse", 403), ("finance", 403),
                                         ("auditor", 403), ("hr", 200), ("admin", 200)])
def test_only_hr_and_admin_open_payroll(client, login, role, status):
    login(role)
    assert client.get("/payroll/").status_code == status


def test_anonymous_is_sent_to_log_in(client):
    response = client.get("/payroll/")
    assert response.status_code == 302 and "/login" in response.location


def test_actions_need_csrf_and_post(client, login):
    login("hr")
    staff()
    run = start_run(client)
    assert client.post(f"/payroll/runs/{run.pk}/calculate").status_code == 400
    assert client.get(f"/payroll/runs/{run.pk}/calculate").status_code == 405
    assert PayrollRun.objects.get(pk=run.pk).status == "draft"


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_payslip_pdfs_zip_and_journal(client, login):
    login("hr")
    full, joiner, mini = staff()
    run = step(client, step(client, start_run(client), "calculate"), "approve")
    run = step(client, run, "issue")
    slip = Payslip.objects.get(run=run, employee=full)
    assert slip.pdf is not None and slip.pdf.category.code == "payslip"
    response = client.get(f"/payroll/runs/{run.pk}/payslips/{slip.pk}/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    for expected in ("Entgeltabrechnung März 2026", "Jürgen Müller", "Lindenstraße 5",
                     "Muster Handels GmbH", "4.000,00 €", "531,83 €", "42,54 €",
                     "372,00 €", "350,00 €", "72,00 €", "2.579,63 €",
                     # 4852.00 + U1 4000 × 1.6 % (64.00) + U2 × 0.44 % (17.60)
                     "4.933,60 €", "64,00 €", "17,60 €", "Test-BKK", "1111", "101",
                     "15070649C103", "36574261809", "rk", "SV-Brutto KV / PV",
                     "Kirchensteuer (8 %)"):
        assert expected in text, expected
    # issuing again files nothing twice
    assert step(client, run, "issue").status == "approved"
    assert ArchivedFile.objects(category="payslip").count() == 3

    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/payroll/runs/{run.pk}/payslips.zip").data))
    assert sorted(archive.namelist()) == [f"Entgeltabrechnung_2026-03_P00{n}.pdf"
                                          for n in (1, 2, 3)]
    assert "Ole Schäfer" in pdf_text(archive.read("Entgeltabrechnung_2026-03_P003.pdf"))

    csv_text = client.get(f"/payroll/runs/{run.pk}/journal.csv").data.decode("utf-8-sig")
    lines = csv_text.strip().split("\r\n")
    assert lines[0].startswith("Pers.-Nr.;Name;Tage;Brutto")
    assert lines[-1].startswith("Summe;3 Mitarbeiter;;6.203,00;")
    assert len(lines) == 5
    journal = pdf_text(client.get(f"/payroll/runs/{run.pk}/journal.pdf").data)
    assert "Lohnjournal März 2026" in journal and "6.203,00" in journal


def test_payslips_are_not_issued_before_approval(client, login):
    login("hr")
    staff()
    run = step(client, step(client, start_run(client), "calculate"), "issue")
    assert Payslip.objects(run=run, pdf__ne=None).count() == 0
    assert ArchivedFile.objects.count() == 0


def test_menu_links_payroll_for_hr_only(client, login):
    login("hr")
    assert "/payroll/" in client.get("/admin/").get_data(as_text=True)
    login("warehouse")
    assert "/payroll/" not in client.get("/admin/").get_data(as_text=True)


def test_payslips_issue_in_batches_and_from_the_command_line(app, client, login, runner,
                                                               monkeypatch):
    import views.payroll

    login("hr")
    staff()
    monkeypatch.setattr(views.payroll, "ISSUE_BATCH", 2)
    run = step(client, step(client, start_run(client), "calculate"), "approve")
    response = post(client, f"/payroll/runs/{run.pk}/issue")
    assert "2 Entgeltabrechnungen erstellt, 1 offen" in client.get(
        response.location).get_data(as_text=True)
    result = runner.invoke(args=["payroll", "issue-payslips", str(run.pk)])
    assert result.exit_code == 0 and "1 payslip PDF(s) issued" in result.output
    assert Payslip.objects(run=run, pdf=None).count() == 0
    refused = runner.invoke(args=["payroll", "issue-payslips", "0" * 24])
    assert refused.exit_code == 1 and "gibt es nicht" in refused.output


def test_two_browsers_clicking_approve_together_approve_once(app, client, login):
    from tests.conftest import PASSWORD
    from tests.factories import make_user

    login("hr")
    staff()
    run = step(client, start_run(client), "calculate")
    browsers = []
    for n in range(2):
        browser = app.test_client()
        user = make_user("hr", email=f"browser{n}@firma.example.com")
        token = csrf_token_from(browser.get("/login").data)
        browser.post("/login", data={"email": user.email, "password": PASSWORD,
                                     "csrf_token": token})
        browsers.append((browser, csrf_token_from(browser.get(f"/payroll/runs/{run.pk}").data)))
    barrier, pages = threading.Barrier(2), []

    def click(browser, token):
        barrier.wait(timeout=60)
        response = browser.post(f"/payroll/runs/{run.pk}/approve",
                                data={"csrf_token": token})
        pages.append(browser.get(response.location).get_data(as_text=True))

    threads = [threading.Thread(target=click, args=b) for b in browsers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
        assert not t.is_alive(), "a thread still runs after 120 s (deadlock?)"
    approved = [p for p in pages if "Lohnlauf 03/2026: freigegeben" in p]
    refused = [p for p in pages if "cannot approve" in p or "already being approved" in p]
    assert len(approved) == 1 and len(refused) == 1
    assert PayrollRun.objects.get(pk=run.pk).approved_by.startswith("browser")


def test_names_are_escaped_on_screen_and_defused_in_the_csv(client, login):
    login("hr")
    make_employee(personnel_no="X1", last_name="<script>alert(1)</script>",
                  first_name="Eve", birth_date=BORN)
    make_employee(personnel_no="X2", last_name="=HYPERLINK(1)", first_name="Max",
                  birth_date=BORN)
    run = step(client, step(client, start_run(client), "calculate"), "approve")
    page = client.get(f"/payroll/runs/{run.pk}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    csv_text = client.get(f"/payroll/runs/{run.pk}/journal.csv").data.decode("utf-8-sig")
    assert "\r\nX2;'=HYPERLINK(1), Max;" in csv_text


def test_health_fund_is_required_and_the_workplace_state_sets_church_tax(app):
    from models.employee import Employee

    staff()
    no_fund = make_employee(personnel_no="P006", birth_date=BORN, health_fund=None)
    # lives in Hessen (9 %), works in Bavaria: 8 % (the workplace decides)
    commuter = make_employee(personnel_no="P007", birth_date=BORN, state="HE",
                             workplace_state="BY", church_denomination="ev")
    run = runs.calculate_run(runs.create_run(2026, 3, "hr").pk, "hr")
    assert [(p.personnel_no, p.missing) for p in run.problems] == [("P006", "Krankenkasse")]
    slip = Payslip.objects.get(run=run, employee=commuter)
    assert slip.church_tax_rate == D("8") and slip.employee_data.workplace_state == "BY"
    assert Employee.objects.get(pk=no_fund.pk).health_fund is None


def test_the_new_run_form_offers_the_month_after_the_latest_run(client, login):
    import re

    login("hr")
    page = client.get("/payroll/").get_data(as_text=True)
    today = date.today()
    assert re.search(rf'<option value="{today.month}" selected>', page)  # no run yet: now
    runs.create_run(2026, 12, "hr@firma.example.com")
    page = client.get("/payroll/").get_data(as_text=True)
    assert '<option value="1" selected>' in page and 'value="2027"' in page
    assert page.count(" selected>") == 1
