"""Schemathesis's stateful tests over the OpenAPI links: create, then read and change what
was created (customers, invoices, tickets), list, then read the first item; no 500, every
answer within its schema, every check of Schemathesis including its stateful ones (a created
object can be read; a request without the token is refused). Bounded: a fixed number of
short scenarios (about a minute on the shared machine).

Left out, as in test_schemathesis.py: `positive_data_acceptance` (valid-looking data still
meets business rules: an unknown customer id is 422, a draft without service date cannot
be issued)."""
from collections import Counter

import pytest

import schemathesis
from hypothesis import HealthCheck, settings

from schemathesis.specs.openapi.checks import positive_data_acceptance

from models.api import API_SCOPES
from tests.factories import make_employee, make_stock_item, make_supplier

SCENARIOS = 15
STEPS = 8
# The operations at both ends of the links (every operation alone: test_schemathesis.py)
LINKED = ["create_customer", "get_customer", "update_customer", "create_invoice", "get_invoice",
          "issue_invoice", "invoice_pdf", "invoice_xml", "create_ticket", "get_ticket",
          "comment_ticket", "list_stock_items", "get_stock_item", "post_stock_movement",
          "upload_document", "get_document"]


@pytest.mark.timeout(120)
def test_linked_operations_use_the_ids_their_source_returned(app, make_token):
    headers, _ = make_token(*API_SCOPES, archive_categories=["delivery_note"],
                            rate_limit=100_000)
    make_supplier(), make_stock_item(), make_employee()  # something for the list links
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app).include(
        operation_id=LINKED)

    @schema.auth()
    class Token:  # the real token; the auth checks also send requests without it (401)
        def get(self, case, context):
            return headers["Authorization"]

        def set(self, case, data, context):
            case.headers = {**(case.headers or {}), "Authorization": data}

    calls = Counter()

    class Machine(schema.as_state_machine()):
        def after_call(self, response, case):
            super().after_call(response, case)
            calls[(case.operation.label, response.status_code)] += 1

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, additional_checks=additional_checks,
                                   excluded_checks=[positive_data_acceptance],
                                   transport_kwargs=kwargs or None, recorder=self.recorder)

    Machine.run(settings=settings(max_examples=SCENARIOS, stateful_step_count=STEPS,
                                  deadline=None, derandomize=True, database=None,
                                  suppress_health_check=list(HealthCheck)))
    print(sorted(calls.items()))
    assert not any(code >= 500 for (_, code) in calls)
    # A random 24-digit id is never found, so a 2xx of an operation addressed by id came
    # through a link with the id its source returned.
    by_id = Counter({label: n for (label, code), n in calls.items()
                     if "_id}" in label and 200 <= code < 300})
    assert sum(by_id.values()) >= 3 and len(by_id) >= 2, sorted(calls.items())
    assert calls[("POST /api/v1/customers", 201)] + calls[("POST /api/v1/tickets", 201)] >= 2
