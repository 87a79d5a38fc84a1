"""Who may open or write through which URL: every route of the app against hand-written tables.

The tables below state the policy the business asked for, independently of the view
classes: who reads (EXPECTED_READERS, SCREEN_READERS) and who writes (MODEL_WRITERS,
SCREEN_WRITERS). The crawler fails on a route that is in neither table, so a new screen
needs an explicit decision here.
"""
import pytest
from flask_admin.contrib.mongoengine import ModelView

from models.user import ROLES
from tests.conftest import csrf_token_from

READ_ENDPOINTS = {"index_view": "GET", "details_view": "GET", "export": "GET"}
# Write URL of a CRUD view -> (HTTP method, the switch in MODEL_WRITERS it needs;
# None: any writer, e.g. the bulk actions).
WRITE_ENDPOINTS = {"create_view": ("GET", "create"), "edit_view": ("GET", "edit"),
                   "delete_view": ("POST", "delete"), "action_view": ("POST", None),
                   "ajax_update": ("POST", "edit"),
                   # issue 13.11: look-ups serve the forms, so only form writers get them
                   "ajax_lookup": ("GET", None)}
ALL = set(ROLES)
# Non-admin endpoints and what an anonymous visitor gets from them.
PUBLIC = {"auth.login": 200, "auth.root": 302, "health.healthz": 200, "static": None,
          "admin.static": None, "_debug_toolbar": None,
          # the API's description (no data; test_api_basics checks it)
          "api-docs.openapi_json": 200, "api_docs.docs": 200,
          # issue 18: the one-time invitation link (an unknown token answers 404)
          "invitation.accept": 404,
          # issue 19: a user's secret calendar feed URL (an unknown token answers 404)
          "calendar_feed.feed": 404}
# The policy the business asked for, stated independently of the view classes.
EXPECTED_READERS = {
    "employees": {"admin", "hr"},
    "payroll_parameters": {"admin", "hr"},
    "health_funds": {"admin", "hr"},
    "accounts": {"admin", "finance", "auditor"},
    "journal": {"admin", "finance", "auditor"},
    "cost_centers": {"admin", "finance", "auditor"},
    "invoice": {"admin", "finance", "auditor"},
    "customers": {"admin", "finance", "auditor"},
    "company": {"admin", "finance", "auditor"},
    "payment_payees": {"admin", "finance", "auditor"},
    "dunning_levels": {"admin", "finance", "auditor"},
    "base_rates": {"admin", "finance", "auditor"},
    "dunning_blocks": {"admin", "finance", "auditor"},
    "sepa_mandates": {"admin", "finance", "auditor"},
    "suppliers": {"admin", "finance", "warehouse", "auditor"},
    "stock": {"admin", "finance", "warehouse", "auditor"},
    "tickets": {"admin", "support", "auditor"},
    "archive_files": set(ROLES) - {"employee"},
    "retention_rules": {"admin", "finance", "hr", "auditor"},
    "deletion_log": {"admin", "auditor"},
    "job_runs": {"admin"},
    "backup_runs": {"admin"},
    "processing_activities": {"admin", "auditor"},
    "data_breaches": {"admin", "auditor"},
    "users": {"admin"},
    "api_tokens": {"admin"},
    "webhooks": {"admin"},
    "webhook_deliveries": {"admin"},
    "outgoing_mail": {"admin", "auditor"},
    "audit": {"admin", "auditor"},
    # issue 7: operations
    "stock_movements": {"admin", "finance", "warehouse", "auditor"},
    "purchase_orders": {"admin", "finance", "warehouse", "auditor"},
    "sla_policies": {"admin", "support", "auditor"},
    "my_tickets": {"admin", "support"},
    # issue 16: bank
    "bank_accounts": {"admin", "finance", "auditor"},
    "bank_statements": {"admin", "finance", "auditor"},
    "bank_transactions": {"admin", "finance", "auditor"},
    "bank_rules": {"admin", "finance", "auditor"},
    "bank_csv_mappings": {"admin", "finance", "auditor"},
    # issue 15: approval rules of supplier invoices
    "approval_rules": {"admin", "finance", "auditor"},
    "exchange_rates": {"admin", "finance", "auditor"},
    "import_runs": set(ROLES) - {"employee"},  # each sees only the collections it imports (or audits)
    # issue 18: absences (requests go through the hr.* screens below)
    "absences": {"admin", "hr"}, "absence_types": {"admin", "hr"},
    "leave_policy": {"admin", "hr"},
    "job_openings": {"admin", "hr"}, "applicants": {"admin", "hr"},
    "checklist_templates": {"admin", "hr"},
    # each role its own tasks (the list is filtered by the responsible role)
    "checklist_tasks": {"admin", "hr", "finance", "warehouse", "support"},
    "trainings": {"admin", "hr"}, "instructions": {"admin", "hr"}, "reviews": {"admin", "hr"},
    "pay_inputs": {"admin", "hr"},   # hours and variable pay per month (vacation pay)
    # issue 17: fixed assets
    "fixed_assets": {"admin", "finance", "auditor"},
    "asset_classes": {"admin", "finance", "auditor"},
    "budgets_admin": {"admin", "finance", "auditor"},
    # issue 19: IT (admin/support manage, auditors read), contracts (finance/admin)
    "assets": {"admin", "support", "auditor"},
    "licences": {"admin", "support", "auditor"},
    "contracts": {"admin", "finance", "auditor"},
    "compliance_settings": {"admin", "finance", "auditor"},
}


# Who may write through each CRUD view, and which of create / edit / delete it offers.
MODEL_WRITERS = {
    "employees": ({"admin", "hr"}, {"create", "edit", "delete"}),
    "payroll_parameters": ({"admin"}, {"create", "edit"}),
    "health_funds": ({"admin", "hr"}, {"create", "edit"}),
    "accounts": ({"admin", "finance"}, {"create", "edit"}),
    "journal": ({"admin", "finance"}, {"create", "edit", "delete"}),
    "cost_centers": ({"admin", "finance"}, {"create", "edit"}),  # deactivated, never deleted
    "invoice": ({"admin", "finance"}, {"create", "edit", "delete"}),
    "customers": ({"admin", "finance"}, {"create", "edit"}),
    "company": ({"admin", "finance"}, {"create", "edit"}),
    "payment_payees": ({"admin", "finance"}, {"create", "edit"}),
    "dunning_levels": ({"admin", "finance"}, {"create", "edit"}),
    "base_rates": ({"admin", "finance"}, {"create", "edit"}),
    "dunning_blocks": ({"admin", "finance"}, {"create", "edit", "delete"}),
    "sepa_mandates": ({"admin", "finance"}, {"create", "edit"}),
    "suppliers": ({"admin", "finance", "warehouse"}, {"create", "edit", "delete"}),
    "stock": ({"admin", "warehouse"}, {"create", "edit", "delete"}),
    "tickets": ({"admin", "support"}, {"create", "edit", "delete"}),
    "archive_files": ({"admin", "finance", "hr", "warehouse", "support"}, {"create", "edit"}),
    "retention_rules": ({"admin"}, {"create", "edit"}),
    "deletion_log": (set(), set()),
    "job_runs": (set(), set()),
    "backup_runs": (set(), set()),  # written by `backup create` and the nightly job only
    "processing_activities": ({"admin"}, {"create", "edit"}),  # Art. 30: kept, not deleted
    "data_breaches": ({"admin"}, {"create", "edit"}),  # Art. 33 (5): every breach stays
    "users": ({"admin"}, {"create", "edit"}),
    "audit": (set(), set()),
    "stock_movements": ({"admin", "warehouse"}, set()),  # booked through actions only
    "purchase_orders": ({"admin", "finance", "warehouse"}, {"create", "edit"}),
    "sla_policies": ({"admin"}, {"create", "edit"}),
    "my_tickets": ({"admin", "support"}, {"edit", "delete"}),
    "import_runs": (set(), set()),
    "api_tokens": ({"admin"}, {"create"}),  # revoked by an action, never edited or deleted
    "webhooks": ({"admin"}, {"create", "edit", "delete"}),
    "webhook_deliveries": ({"admin"}, set()),  # re-sent by an action only
    "outgoing_mail": ({"admin"}, set()),  # queued by the areas; failed ones re-queued by an action
    "bank_accounts": ({"admin", "finance"}, {"create", "edit"}),  # deactivated, never deleted
    "bank_statements": (set(), set()),  # written by the import only
    "bank_transactions": (set(), set()),  # booked on the reconciliation screen only
    "bank_rules": ({"admin", "finance"}, {"create", "edit", "delete"}),
    "bank_csv_mappings": ({"admin", "finance"}, {"create", "edit", "delete"}),
    "approval_rules": ({"admin"}, {"create", "edit", "delete"}),
    # issue 15: rates for foreign-currency invoices; finance keeps them (each invoice stores
    # the rate it was booked at, so a corrected or deleted rate never changes a booking)
    "exchange_rates": ({"admin", "finance"}, {"create", "edit", "delete"}),
    "absences": ({"admin", "hr"}, set()),        # requested and decided on the screens
    "absence_types": ({"admin", "hr"}, {"create", "edit"}),   # deactivated, never deleted
    "leave_policy": ({"admin", "hr"}, {"edit"}),  # one seeded policy
    "job_openings": ({"admin", "hr"}, {"create", "edit"}),
    "applicants": ({"admin", "hr"}, {"create", "edit"}),   # the cleanup deletes, on time
    "checklist_templates": ({"admin", "hr"}, {"create", "edit"}),
    "checklist_tasks": ({"admin", "hr", "finance", "warehouse", "support"}, set()),  # ticked off
    "trainings": ({"admin", "hr"}, {"create", "edit", "delete"}),
    "pay_inputs": ({"admin", "hr"}, {"create", "edit", "delete"}),
    "instructions": ({"admin", "hr"}, {"create", "edit"}),
    "reviews": ({"admin", "hr"}, {"create", "edit"}),
    "fixed_assets": ({"admin", "finance"}, {"create"}),  # disposal is a posting (screen)
    "asset_classes": ({"admin", "finance"}, {"create", "edit"}),
    "budgets_admin": ({"admin", "finance"}, {"create", "edit", "delete"}),
    # retired and disposed, never deleted; status, handover and seats through it_ops
    "assets": ({"admin", "support"}, {"create", "edit"}),
    "licences": ({"admin", "support"}, {"create", "edit"}),
    "contracts": ({"admin", "finance"}, {"create", "edit"}),  # ended or cancelled, kept
    "compliance_settings": ({"admin", "finance"}, {"create", "edit"}),
}
FINANCE_READ, SUPPLY_READ = {"admin", "finance", "auditor"}, {"admin", "finance", "warehouse",
                                                              "auditor"}
# Custom screens (not CRUD): who gets each GET ...
SCREEN_READERS = {
    "admin.index": ALL,
    # every user has a task list and a search box (hits filtered by the pages' read rules)
    "tasks.index": ALL, "tasks.search_view": ALL,
    # An unknown file id: 404 for everyone logged in (per-category access is tested in
    # tests/views/test_archive_views.py).
    "archive.download": ALL, "archive.preview": ALL,
    "imports.index": {"admin", "hr", "finance", "warehouse", "support"},
    # below with collection "employees" and a run of that collection
    "imports.upload": {"admin", "hr"}, "imports.show": {"admin", "hr"},
    "imports.status": {"admin", "hr"}, "imports.rejects": {"admin", "hr"},
    "imports.template": {"admin", "hr"}, "imports.export": {"admin", "hr"},
    "invoices.pdf": FINANCE_READ, "invoices.xml": FINANCE_READ,
    "invoices.payment": {"admin", "finance"},
    "jobs.index": {"admin"},
    "ledger.trial_balance_view": FINANCE_READ, "ledger.account_ledger_view": FINANCE_READ,
    "ledger.periods_view": FINANCE_READ,
    "closing.statements_view": FINANCE_READ, "closing.vat_view": FINANCE_READ,
    "datev.index": FINANCE_READ,
    "asset_screens.register": FINANCE_READ,
    "budgets.index": FINANCE_READ,
    "legal_holds.index": {"admin"},
    **{f"payroll.{name}": {"admin", "hr"} for name in (
        "index", "show", "payslip", "payslip_pdf", "payslips_zip", "journal_csv",
        "journal_pdf", "calculator_screen")},
    "purchase_ops.index": SUPPLY_READ, "purchase_ops.pdf": SUPPLY_READ,
    "stock_ops.index": SUPPLY_READ, "stock_ops.count_view": SUPPLY_READ,
    "stock_ops.reorder_view": SUPPLY_READ, "stock_ops.valuation_view": SUPPLY_READ,
    "ticket_ops.index": {"admin", "support", "auditor"},
    "privacy.subject_access": {"admin"},
    "privacy.processing_pdf": {"admin", "auditor"},
    "privacy.erasure": {"admin"},
    "bank.index": FINANCE_READ, "bank.transaction": FINANCE_READ,
    # issue 15: the list and upload are finance's; an unknown invoice id is 404 for everyone
    # logged in (an approver of any role opens the invoices it approves; the per-invoice
    # check is tested in tests/views/test_payables_views.py)
    "payables.index": FINANCE_READ, "payables.upload": {"admin", "finance"},
    "payables.show": ALL,
    # issue 15: typing a scan / MINIMUM invoice beside its document; importing rates by CSV
    "payables.lines": {"admin", "finance"}, "payables.rates_import": FINANCE_READ,
    # issue 18: everyone has absences; each record is shown to the person, the manager (or
    # substitute) and HR only (tests/views/test_absence_screens.py), others get 404
    "hr.index": ALL, "hr.show": ALL, "hr.calendar_view": ALL,
    "hr.self_service_view": {"admin", "hr"},
    # self-service: each user's own record only (tests/views/test_self_service.py)
    "me.index": ALL, "me.payslip_pdf": ALL,
    "hr.applicant_view": {"admin", "hr"},
    # reviews: the employee, the manager and HR (tests/services/hr/test_training_reviews.py)
    "hr.reviews_index": ALL, "hr.review_view": ALL,
    "hr.reports_view": {"admin", "hr"},
    # the personnel file: documents, certificates, IT equipment (tests/views/test_personnel_file.py)
    "personnel.show": {"admin", "hr"},
    # SEPA payment runs (issue 16): finance proposes and releases, auditors read
    "sepa.index": FINANCE_READ, "sepa.show": FINANCE_READ, "sepa.download": FINANCE_READ,
    # dunning runs (issue 16): finance proposes and confirms, auditors read
    "dunning.index": FINANCE_READ, "dunning.show": FINANCE_READ,
    # SEPA direct-debit collections: finance proposes and releases, auditors read
    "direct_debit.index": FINANCE_READ, "direct_debit.show": FINANCE_READ,
    "direct_debit.download": FINANCE_READ,
    "it_ops.index": {"admin", "support", "auditor"},
    "contract_budget.index": FINANCE_READ,
    # each role sees the deadlines it is responsible for; auditors all of them
    "compliance.index": {"admin", "finance", "hr", "support", "auditor"},
    "compliance.ical": {"admin", "finance", "hr", "support", "auditor"},
}
# ... and each POST (a write).
SCREEN_WRITERS = {
    "i18n.set_language": ALL,
    "auth.logout": ALL,
    "imports.upload": {"admin", "hr"}, "imports.start": {"admin", "hr"},
    "invoices.payment": {"admin", "finance"},
    "jobs.run": {"admin"},
    "ledger.periods_view": {"admin", "finance"},
    "closing.book_vat": {"admin", "finance"}, "closing.carry_forward": {"admin", "finance"},
    "datev.index": {"admin", "finance"},  # records the export
    "asset_screens.dispose": {"admin", "finance"},
    "budgets.upload": {"admin", "finance"}, "budgets.copy": {"admin", "finance"},
    "legal_holds.change": {"admin"},
    "payroll.create": {"admin", "hr"}, "payroll.act": {"admin", "hr"},
    "payroll.pay": {"admin", "hr"},
    "payroll.calculator_screen": {"admin", "hr"},  # computes only, stores nothing
    "purchase_ops.cancel": {"admin", "finance", "warehouse"},
    "purchase_ops.receive_view": {"admin", "finance", "warehouse"},
    "purchase_ops.send": {"admin", "finance", "warehouse"},
    "stock_ops.index": {"admin", "warehouse"}, "stock_ops.count_view": {"admin", "warehouse"},
    "stock_ops.reorder_view": {"admin", "warehouse"},
    "ticket_ops.assign_me": {"admin", "support"}, "ticket_ops.comment": {"admin", "support"},
    "ticket_ops.status": {"admin", "support"},
    "privacy.subject_access": {"admin"},  # hands out personal data (audit-logged)
    "privacy.erasure": {"admin"},  # erases or restricts a person (erasure log)
    "bank.upload": {"admin", "finance"}, "bank.book": {"admin", "finance"},
    "bank.rule": {"admin", "finance"}, "bank.ignore": {"admin", "finance"},
    "payables.upload": {"admin", "finance"},
    "payables.lines": {"admin", "finance"}, "payables.rates_import": {"admin", "finance"},
    "payables.act": ALL,  # unknown id: 404; per invoice and action: tests/views/test_payables_views.py
    "hr.create": ALL, "hr.decide": ALL, "hr.cancel": ALL,
    "hr.eau": {"admin", "hr"},
    "hr.change_decide": {"admin", "hr"}, "hr.invite": {"admin", "hr"},
    "me.change": ALL,
    "hr.applicant_document": {"admin", "hr"}, "hr.applicant_stage": {"admin", "hr"},
    "hr.review_view": ALL,
    "hr.start_cycle": {"admin", "hr"}, "hr.review_done": ALL,   # per review: 404 for others
    "personnel.add_document": {"admin", "hr"}, "personnel.add_certificate": {"admin", "hr"},
    "sepa.index": {"admin", "finance"}, "sepa.act": {"admin", "finance"},
    "dunning.index": {"admin", "finance"}, "dunning.act": {"admin", "finance"},
    "direct_debit.index": {"admin", "finance"}, "direct_debit.act": {"admin", "finance"},
    **{f"it_ops.{name}": {"admin", "support"} for name in (
        "issue", "take_back", "status", "assign", "release", "reveal")},
    "compliance.done": {"admin", "finance", "hr", "support"},
    # each user's own feed URL (create anew / revoke); the feed itself is public by token
    "compliance.feed_create": {"admin", "finance", "hr", "support"},
    "compliance.feed_revoke": {"admin", "finance", "hr", "support"},
}
# Command-line commands (run by the operator on the server, no roles): each is
# classified, so a new command that writes is noticed here.
CLI_WRITES = {"archive add", "archive purge", "create-user", "import-csv", "invoice finish",
              "ledger close-period", "ledger recover", "ledger carry-forward",
              "ledger import-opening", "ledger book-vat", "ops recover", "payroll issue-payslips",
              "payroll pay", "api token", "api webhook",
              "scheduler run", "scheduler run-now", "seed-demo", "seed-reference",
              "deactivate-user", "reset-password", "set-roles", "archive release-deletion",
              "backup create", "backup restore", "privacy erase",
              "bank import", "bank reconcile", "bank recover",
              "payables import", "payables import-rates",
              "datev export"}
CLI_READS = {"invoice pdf", "ledger export-gdpdu", "ledger verify", "ledger report",
             "ledger ustva", "lohnsteuer check",
             "scheduler list", "payroll calc", "serve", "backup verify",
             "backup keygen",  # prints a random key, touches no data
             "privacy export",
             # flask-smorest's: print / write the OpenAPI document (no database)
             "openapi print", "openapi write", "openapi list-config-prefixes"}


def model_views(app):
    admin = app.extensions["admin"][0]
    return [v for v in admin._views if isinstance(v, ModelView)]


def test_every_model_view_has_an_explicit_policy(app):
    endpoints = {view.endpoint for view in model_views(app)}
    assert endpoints == set(EXPECTED_READERS) == set(MODEL_WRITERS)
    for view in model_views(app):
        assert set(view.read_roles) == EXPECTED_READERS[view.endpoint], view.endpoint
        assert "auditor" not in view.write_roles  # auditors only read
    for writers, _ in MODEL_WRITERS.values():
        assert "auditor" not in writers


def test_write_tables_stay_within_the_read_tables():
    for endpoint, (writers, _) in MODEL_WRITERS.items():
        assert writers <= EXPECTED_READERS[endpoint], endpoint
    for endpoint, writers in SCREEN_WRITERS.items():
        assert "auditor" not in writers or writers == ALL, endpoint


def test_every_cli_command_is_classified(app):
    names = set()
    for name, command in app.cli.commands.items():
        subs = getattr(command, "commands", None)
        names |= {f"{name} {sub}" for sub in subs} if subs else {name}
    assert not CLI_WRITES & CLI_READS
    assert names == CLI_WRITES | CLI_READS, names ^ (CLI_WRITES | CLI_READS)


def _url_for(app, rule, values=None):
    values = {arg: (values or {}).get(arg, "0" * 24) for arg in rule.arguments}
    with app.test_request_context():
        from flask import url_for
        return url_for(rule.endpoint, **values)


def _expected_model(view, role, method_name):
    """What a role gets from a CRUD view's URL, from the hand-written tables."""
    if role is None:
        return "login"
    if role not in EXPECTED_READERS[view.endpoint]:
        return 403
    if method_name in WRITE_ENDPOINTS:
        writers, offered = MODEL_WRITERS[view.endpoint]
        switch = WRITE_ENDPOINTS[method_name][1]
        allowed = role in writers and (switch is None or switch in offered)
        return "ok" if allowed else 403
    return "ok"


def _expected_screen(endpoint, role, http):
    if role is None:
        return "login"
    table = SCREEN_READERS if http == "GET" else SCREEN_WRITERS
    return "ok" if role in table[endpoint] else 403


def _requests(app):
    """Every (rule, view, method name, HTTP method) the crawler tries; logout last."""
    views = {v.endpoint: v for v in model_views(app)}
    found, unclassified = [], []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC or rule.endpoint.endswith(".static"):
            continue
        if rule.rule.startswith("/api/v1/"):
            continue  # tokens, not roles (401 to any session): tests/views/api/test_scope_matrix.py
        view_name, _, method_name = rule.endpoint.partition(".")
        view = views.get(view_name)
        if view is not None:
            if method_name == "api_file_view":
                continue  # closed for everyone, see below
            http = "POST" if "POST" in rule.methods and "GET" not in rule.methods else "GET"
            if method_name in WRITE_ENDPOINTS:
                http = WRITE_ENDPOINTS[method_name][0]
            elif method_name not in READ_ENDPOINTS:
                unclassified.append(f"{rule.endpoint} (CRUD view method)")
            found.append((rule, view, method_name, http))
            continue
        for http in sorted(rule.methods & {"GET", "POST", "PUT", "PATCH", "DELETE"}):
            table = SCREEN_READERS if http == "GET" else SCREEN_WRITERS
            if rule.endpoint not in table:
                unclassified.append(f"{http} {rule.rule} ({rule.endpoint})")
            found.append((rule, None, rule.endpoint, http))
    found.sort(key=lambda item: item[2] == "auth.logout")
    return found, unclassified


def test_every_route_is_in_the_read_or_the_write_table(app):
    _, unclassified = _requests(app)
    assert unclassified == [], "routes in neither table: " + ", ".join(unclassified)
    tabled = set(SCREEN_READERS) | set(SCREEN_WRITERS)
    routed = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert tabled <= routed, tabled - routed  # no stale rows either


def _import_run():
    from models.import_run import ImportRun

    return ImportRun(collection="employees", filename="mitarbeiter.csv", sha256="0" * 64,
                     size=10, user="hr@firma.example.com", status="uploaded").save()


@pytest.mark.parametrize("role", [None, *ROLES])
def test_every_url_follows_the_role_tables(app, client, login, role):
    if role:
        login(role)
    # A valid token, so POSTs reach the access check instead of stopping at CSRF.
    token = csrf_token_from(client.get("/login" if role is None else "/admin/").data)
    values = {"collection": "employees", "run_id": str(_import_run().pk),
              "action": "calculate"}
    requests, unclassified = _requests(app)
    assert not unclassified
    checked, writes = 0, 0
    for rule, view, method_name, http in requests:
        url = _url_for(app, rule, values)
        if method_name == "ajax_lookup":
            url += "?name=x&query=a"
        data = {"csrf_token": token, "id": "0" * 24, "action": "delete",
                "rowid": "0" * 24} if http == "POST" else None
        response = client.open(url, method=http, data=data)
        if view is not None:
            expected = _expected_model(view, role, method_name)
            writes += method_name in WRITE_ENDPOINTS
        else:
            expected = _expected_screen(rule.endpoint, role, http)
            writes += http != "GET"
        where = f"{role} {http} {url} -> {response.status_code}"
        if rule.endpoint == "auth.logout":  # the last request: it ends the session
            assert response.status_code == 302 and "/login" in response.location, where
            after = client.get("/admin/")
            assert after.status_code == 302 and "/login" in after.location, where
        elif expected == "login":
            assert response.status_code == 302 and "/login" in response.location, where
        elif expected == 403:
            assert response.status_code == 403, where
        else:
            assert response.status_code in (200, 302, 400, 404), where
            if response.status_code == 302:
                assert "/login" not in response.location, where
        checked += 1
    assert checked > 150 and writes > 80, (checked, writes)


def test_gridfs_file_api_is_closed_for_everyone(app, client, login):
    login("admin")
    for view in model_views(app):
        url = f"/admin/{view.endpoint}/api/file/?id=0&coll=archive.files&db=default"
        assert client.get(url).status_code == 404


def test_anonymous_gets_no_data_from_any_url(app, client):
    """Every rule of the app: anonymous requests are sent to log in or refused."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC or rule.endpoint.endswith(".static"):
            continue
        url = _url_for(app, rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            where = f"anonymous {method} {url} -> {response.status_code}"
            if response.status_code == 302:
                assert "/login" in response.location, where
            else:
                assert response.status_code in (400, 401, 403, 404, 405), where
            assert b"@" not in response.data or b"/login" in response.data, where


def test_public_endpoints_reveal_nothing(app, client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert client.get("/").status_code == 302
    assert client.get("/login").status_code == 200


def test_forbidden_page_is_friendly(client, login):
    login("warehouse")
    response = client.get("/admin/employees/")
    assert response.status_code == 403
    assert "Ihre Rolle umfasst diesen Bereich nicht" in response.get_data(as_text=True)


def test_menu_shows_only_the_role_s_areas(client, login):
    login("warehouse")
    page = client.get("/admin/").get_data(as_text=True)
    assert "/admin/stock/" in page and "/admin/suppliers/" in page
    assert "/admin/employees/" not in page and "/admin/users/" not in page
    assert "/admin/journal/" not in page
