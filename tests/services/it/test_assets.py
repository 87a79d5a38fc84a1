"""Hardware inventory: serial numbers unique per maker, the status workflow, handovers and history."""
import threading
from datetime import date

import mongoengine as me
import pytest
from pypdf import PdfReader

from models.it_asset import Asset, AssetHandover
from models.ticket import Ticket
from services.archive.store import read_file
from services.core.errors import BusinessRuleError
from services.it.assets import (assets_of_employee, change_status, handovers_of_asset,
                                issue_asset, return_asset, tickets_of_asset)
from tests.factories import make_employee
from tests.factories_it import make_asset


def test_serial_unique_per_manufacturer_in_any_spelling(app):
    make_asset(manufacturer="Dell", serial_number="ABC123")
    make_asset(manufacturer="Lenovo", serial_number="ABC123")        # another maker: fine
    with pytest.raises(me.NotUniqueError):
        make_asset(manufacturer=" DELL ", serial_number="ABC123")
    with pytest.raises(me.NotUniqueError):
        make_asset(manufacturer="dell", serial_number=" ABC123 ")
    assert Asset.objects(serial_number="ABC123").count() == 2


def test_issue_and_return_leave_handover_pdf_and_history(app):
    asset = make_asset(asset_tag="IT-4711", serial_number="SN-4711")
    anna = make_employee(first_name="Anna", last_name="Schäfer")
    handover = issue_asset(asset.pk, anna.pk, date(2026, 3, 2), "it@firma.example.com")
    asset.reload()
    assert (asset.status, asset.employee.pk, asset.handover) == ("handed_out", anna.pk,
                                                                 handover.pk)
    assert assets_of_employee(anna.pk) == [asset]
    # the protocol is archived (category it) and names the device and the person
    assert handover.pdf_file.category.pk == "it"
    text = "".join(p.extract_text() for p in PdfReader(
        __import__("io").BytesIO(read_file(handover.pdf_file.pk))).pages)
    assert "IT-4711" in text and "SN-4711" in text and "Schäfer" in text

    return_asset(asset.pk, date(2026, 9, 30), "it@firma.example.com", to="in_repair",
                 note="Display defekt")
    asset.reload()
    assert asset.status == "in_repair" and asset.employee is None and asset.handover is None
    assert assets_of_employee(anna.pk) == []
    [h] = handovers_of_asset(asset.pk)
    assert (h.returned_on, h.returned_by) == (date(2026, 9, 30), "it@firma.example.com")
    assert [(e.action, e.from_status, e.to_status) for e in asset.history] == [
        ("issue", "in_stock", "handed_out"), ("return", "handed_out", "in_repair")]
    assert asset.history[1].note == "Display defekt"


def test_workflow_refuses_what_it_does_not_allow(app):
    asset = make_asset()
    employee = make_employee()
    with pytest.raises(BusinessRuleError):
        change_status(asset.pk, "handed_out", "u")      # only through issue_asset
    with pytest.raises(BusinessRuleError):
        change_status(asset.pk, "disposed", "u")        # retire first
    with pytest.raises(BusinessRuleError):
        return_asset(asset.pk, date(2026, 1, 1), "u")   # not handed out
    issue_asset(asset.pk, employee.pk, date(2026, 1, 10), "u")
    with pytest.raises(BusinessRuleError):
        issue_asset(asset.pk, make_employee().pk, date(2026, 1, 11), "u")  # already out
    with pytest.raises(BusinessRuleError):
        change_status(asset.pk, "retired", "u")         # return it first
    with pytest.raises(BusinessRuleError):
        return_asset(asset.pk, date(2026, 1, 9), "u")   # before the handover
    return_asset(asset.pk, date(2026, 1, 10), "u")      # the same day is fine
    change_status(asset.pk, "retired", "u")
    change_status(asset.pk, "disposed", "u")
    with pytest.raises(BusinessRuleError):
        change_status(asset.pk, "in_stock", "u")        # disposed is final
    assert Asset.objects.get(pk=asset.pk).status == "disposed"


def test_an_employee_who_left_gets_no_device(app):
    asset = make_asset()
    gone = make_employee(status="left", exit_date=date(2025, 12, 31))
    with pytest.raises(BusinessRuleError):
        issue_asset(asset.pk, gone.pk, date(2026, 1, 2), "u")
    assert Asset.objects.get(pk=asset.pk).status == "in_stock"
    assert AssetHandover.objects.count() == 0


def test_two_parallel_issues_hand_out_the_device_once(app):
    asset = make_asset()
    people = [make_employee(), make_employee()]
    results, errors = [], []

    def issue(person):
        try:
            results.append(issue_asset(asset.pk, person.pk, date(2026, 2, 2), "u"))
        except BusinessRuleError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=issue, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(results) == 1 and len(errors) == 1
    asset.reload()
    assert asset.handover == results[0].pk
    assert AssetHandover.objects(asset=asset.pk).count() == 1


def test_a_ticket_names_an_asset_and_the_asset_lists_it(app):
    asset, other = make_asset(), make_asset()
    ticket = Ticket(title="Akku lädt nicht", asset=asset).save()
    Ticket(title="Drucker", asset=other).save()
    Ticket(title="ohne Gerät").save()
    assert [t.pk for t in tickets_of_asset(asset.pk)] == [ticket.pk]
    with pytest.raises(me.OperationError):
        asset.delete()          # a ticket still names it
