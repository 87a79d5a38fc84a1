"""Licence seats counted in the write (also under concurrency), the key masked and its reveal audited."""
import threading
from datetime import date

import pytest

from models.audit import AuditEntry
from models.it_asset import Licence
from services.core.errors import BusinessRuleError
from services.it.licences import (assign_seat, licences_of_employee, masked_key,
                                  over_assigned_licences, release_seat, reveal_key)
from tests.factories import make_employee, make_user
from tests.factories_it import make_asset, make_licence

ON = date(2026, 4, 1)


def test_seats_are_counted_and_the_last_one_is_refused(app):
    licence = make_licence(seats=2)
    a, b, c = make_employee(), make_employee(), make_employee()
    assign_seat(licence.pk, ON, "u", employee_id=a.pk)
    assign_seat(licence.pk, ON, "u", employee_id=b.pk)
    with pytest.raises(BusinessRuleError, match="Alle 2 Plätze"):
        assign_seat(licence.pk, ON, "u", employee_id=c.pk)
    with pytest.raises(BusinessRuleError):
        release_seat(licence.pk, "0" * 24)            # no such assignment
    licence.reload()
    assert licence.assigned == 2 and len(licence.assignments) == 2
    release_seat(licence.pk, licence.assignments[0].seat_id)
    assign_seat(licence.pk, ON, "u", employee_id=c.pk)         # the freed seat
    licence.reload()
    assert {s.employee.pk for s in licence.assignments} == {b.pk, c.pk}
    assert [lic.pk for lic in licences_of_employee(c.pk)] == [licence.pk]
    assert licences_of_employee(a.pk) == []


def test_the_same_person_twice_and_the_wrong_holder_kind_are_refused(app):
    per_user, per_device = make_licence(seats=5), make_licence(licence_type="per_device", seats=5)
    person, device = make_employee(), make_asset()
    assign_seat(per_user.pk, ON, "u", employee_id=person.pk)
    with pytest.raises(BusinessRuleError):
        assign_seat(per_user.pk, ON, "u", employee_id=person.pk)
    with pytest.raises(BusinessRuleError):
        assign_seat(per_user.pk, ON, "u", asset_id=device.pk)
    with pytest.raises(BusinessRuleError):
        assign_seat(per_device.pk, ON, "u", employee_id=person.pk)
    assign_seat(per_device.pk, ON, "u", asset_id=device.pk)
    assert Licence.objects.get(pk=per_user.pk).assigned == 1


def test_parallel_assignments_never_take_more_seats_than_there_are(app):
    licence = make_licence(seats=3)
    people = [make_employee() for _ in range(8)]
    done, refused = [], []

    def take(person):
        try:
            assign_seat(licence.pk, ON, "u", employee_id=person.pk)
            done.append(person.pk)
        except BusinessRuleError:
            refused.append(person.pk)

    threads = [threading.Thread(target=take, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    licence.reload()
    assert len(done) == 3 and len(refused) == 5
    assert licence.assigned == 3 == len(licence.assignments)
    assert {s.employee.pk for s in licence.assignments} == set(done)


def test_over_assignment_only_when_allowed_and_then_flagged(app):
    strict = make_licence(seats=1)
    loose = make_licence(product="CAD", seats=1, allow_overassignment=True)
    site = make_licence(product="Intranet", licence_type="site", seats=None)
    a, b = make_employee(), make_employee()
    for lic in (strict, loose, site):
        assign_seat(lic.pk, ON, "u", employee_id=a.pk)
    with pytest.raises(BusinessRuleError):
        assign_seat(strict.pk, ON, "u", employee_id=b.pk)
    assign_seat(loose.pk, ON, "u", employee_id=b.pk)
    assign_seat(site.pk, ON, "u", employee_id=b.pk)             # no seat limit
    assert [lic.product for lic in over_assigned_licences()] == ["CAD"]


def test_key_is_masked_and_each_reveal_is_audited(app):
    licence = make_licence(licence_key="ABCDE-12345-FGHIJ-67890")
    assert masked_key(licence.licence_key) == "••••••••7890"
    assert masked_key("SHORT") == "••••••••" and masked_key(None) == ""
    support, finance = make_user("support"), make_user("finance")
    assert reveal_key(licence.pk, support) == "ABCDE-12345-FGHIJ-67890"
    with pytest.raises(BusinessRuleError):
        reveal_key(licence.pk, finance)
    entries = list(AuditEntry.objects(collection="it_licences", action="reveal"))
    assert [(e.user, e.document_id) for e in entries] == [(support.email, str(licence.pk))]
    assert all("12345" not in (c.old or "") + (c.new or "") for e in AuditEntry.objects
               for c in e.changes)
