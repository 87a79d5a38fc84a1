"""Erasure keeps what tax law demands (restricted) and the journal's hash chain verifies."""
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from bson import ObjectId

from models import Employee, JournalEntry
from models.payroll import EmployeeSnapshot, PayrollRun, Payslip
from models.privacy_log import ErasureLogEntry
from services.core.errors import BusinessRuleError
from services.ledger import posting
from services.privacy.erasure import erase_employee, keep_until, purge_restricted
from tests.factories import make_employee


def _left(**kw):
    values = dict(personnel_no="P-100", first_name="Erika", last_name="Mustermann",
                  email="erika@privat.example.com", phone="0171 1234567",
                  street="Weg 1", postal_code="80331", city="München",
                  birth_date=date(1980, 5, 17), hire_date=date(2020, 1, 1),
                  exit_date=date(2026, 6, 30), status="left")
    values.update(kw)
    return make_employee(**values)


def _payslip(emp, year, month):
    """A posted run's payslip, stored as the payroll service stores it (raw collection;
    a save of a released run or its payslip is refused)."""
    run = PayrollRun(id=ObjectId(), year=year, month=month,
                     month_key=f"{year}-{month:02d}", status="posted")
    PayrollRun._get_collection().insert_one(run.to_mongo())
    slip = Payslip(id=ObjectId(), run=run.pk, employee=emp, year=year, month=month,
                   employee_data=EmployeeSnapshot(first_name=emp.first_name,
                                                  last_name=emp.last_name))
    Payslip._get_collection().insert_one(slip.to_mongo())
    return Payslip.objects.get(pk=slip.pk)


def test_the_payroll_account_is_kept_to_the_end_of_the_sixth_year_after_the_last_wage(app):
    with app.app_context():
        emp = _left()
        assert keep_until(emp) is None
        _payslip(emp, 2025, 12)
        _payslip(emp, 2026, 6)
        assert keep_until(emp) == date(2032, 12, 31)   # 2026 + 6, end of year


def test_erasure_restricts_then_the_job_anonymises_the_day_after(app):
    with app.app_context():
        emp = _left()
        slip = _payslip(emp, 2026, 6)
        entry = posting.post_new_entry(
            date=date(2026, 6, 30), text="Lohn 06/2026", source="payroll", user="hr",
            lines=[{"account": "4120", "debit": Decimal("100.00")},
                   {"account": "1740", "credit": Decimal("100.00")}])
        step = erase_employee(emp, user="dsb@firma.example.com", reason="Antrag",
                              today=date(2026, 12, 1))
        assert step == "restricted"
        stored = Employee._get_collection().find_one({"_id": emp.pk})
        for gone in ("email", "phone", "iban"):
            assert gone not in stored
        assert stored["last_name"] == "Mustermann" and stored["birth_date"]  # kept, restricted
        assert Employee.objects.get(pk=emp.pk).restricted_until == date(2032, 12, 31)
        # the last day of the period: still kept; the day after: anonymised
        assert purge_restricted(date(2032, 12, 31)) == 0
        assert Employee.objects.get(pk=emp.pk).last_name == "Mustermann"
        assert purge_restricted(date(2033, 1, 1)) == 1
        after = Employee._get_collection().find_one({"_id": emp.pk})
        assert after["last_name"] == "Person P-100" and after["first_name"] == "Gelöscht"
        for gone in ("birth_date", "street", "postal_code", "city"):
            assert gone not in after
        assert after["personnel_no"] == "P-100"   # the pseudonym payslips refer by
        # vouchers untouched, chain intact
        assert Payslip.objects.get(pk=slip.pk).employee_data.last_name == "Mustermann"
        assert JournalEntry.objects.get(pk=entry.pk).hash == entry.hash
        assert posting.verify_chain(2026).ok
        log = list(ErasureLogEntry.objects(document_id=str(emp.pk)).order_by("at"))
        assert [e.step for e in log] == ["restricted", "anonymised"]
        assert log[0].restricted_until == date(2032, 12, 31)
        assert all("Mustermann" not in str(e.to_mongo()) for e in log)
        assert purge_restricted(date(2033, 1, 2)) == 0  # once


def test_without_any_wage_everything_goes_at_once(app):
    with app.app_context():
        emp = _left(personnel_no="P-200")
        assert erase_employee(emp, user="u", reason="Antrag", today=date(2026, 12, 1)) \
            == "anonymised"
        assert Employee.objects.get(pk=emp.pk).last_name == "Person P-200"


def test_an_employee_still_employed_is_not_erased(app):
    with app.app_context():
        active = make_employee(personnel_no="P-300")
        leaving = _left(personnel_no="P-301", exit_date=date(2026, 12, 31))
        for emp in (active, leaving):
            with pytest.raises(BusinessRuleError, match="noch beschäftigt"):
                erase_employee(emp, user="u", reason="x", today=date(2026, 12, 1))
        assert ErasureLogEntry.objects.count() == 0


def test_erasure_log_cannot_be_changed(app):
    import mongoengine as me
    with app.app_context():
        emp = _left(personnel_no="P-400")
        erase_employee(emp, user="u", reason="x", today=date(2026, 12, 1))
        entry = ErasureLogEntry.objects.first()
        entry.reason = "anders"
        with pytest.raises(me.ValidationError):
            entry.save()


def test_cli_erase(app, runner):
    with app.app_context():
        _left(personnel_no="P-500")
    result = runner.invoke(args=["privacy", "erase", "P-500", "--reason", "Antrag"])
    assert result.exit_code == 0 and "P-500: anonymised" in result.output, result.output
    result = runner.invoke(args=["privacy", "erase", "P-500", "--reason", "Antrag"])
    assert result.exit_code == 1 and "bereits gelöscht" in result.output
