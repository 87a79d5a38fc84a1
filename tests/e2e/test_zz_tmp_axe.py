from decimal import Decimal
from datetime import date

from tests.conftest import PASSWORD
from tests.e2e.test_accessibility import _serious_violations


def test_tmp(browser, live_app):
    from tests.factories import make_user, make_stock_item, make_supplier
    from services.operations.purchasing import DraftLine, create_draft, send_order, receive
    with live_app.app_context():
        for role in ("admin", "warehouse", "finance", "support"):
            make_user(role, email=f"t-{role}@firma.example.com")
        s = make_supplier()
        item = make_stock_item(supplier=s, quantity=Decimal(1), reorder_point=Decimal(5))
        o = send_order(create_draft(s, [DraftLine(item.pk, Decimal(10), Decimal(1))], "x").pk, on=date(2026, 11, 2))
        receive(o.pk, [Decimal(4)], "tok", "x")
    out = []
    for role in ("admin", "warehouse", "finance", "support"):
        for loc in ("de-DE", "en-US"):
            ctx = browser.new_context(viewport={"width": 1366, "height": 900}, bypass_csp=True, locale=loc)
            page = ctx.new_page()
            base = live_app.config["LIVE_URL"]
            page.goto(base + "/login")
            page.fill("input[name=email]", f"t-{role}@firma.example.com")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_load_state("networkidle")
            page.goto(base + "/admin/")
            page.screenshot(path=f"test-output/tmp-{role}-{loc}.png", full_page=True)
            out.append((role, loc, _serious_violations(page)))
            ctx.close()
    print("RESULT", out)
    assert not any(v for _, _, v in out), out
