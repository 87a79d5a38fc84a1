"""Dunning: interest by hand (days x rate / 365), levels, fees, blocks, the cancelled letter.

The invoice of tests.factories.make_invoice: gross 392.44 (285.00 + 54.15 at 19 %,
49.80 + 3.49 at 7 %), issued 15.03.2026, 14 days -> due 29.03.2026.
Base rate 1.27 % (from 01.07.2025), business debtor: 1.27 + 9 = 10.27 %.
"""
from datetime import date, datetime, timezone
from decimal import Decimal as D

import pytest
from pypdf import PdfReader
import io

from jobs.runner import JobContext
from models.dunning import BaseRate, DunningBlock, DunningLevel, DunningRun
from models.invoice import Invoice
from models.ledger import JournalEntry
from services.archive.store import read_file
from services.banking import dunning
from services.banking.dunning_interest import default_interest
from services.core.errors import BusinessRuleError
from services.invoicing import issuing
from services.invoicing.settlement import settle_payment
from tests.factories import make_company, make_customer, make_invoice

RATES = [(date(2025, 1, 1), D("2.27")), (date(2025, 7, 1), D("1.27"))]


def test_interest_by_hand():
    # 1000.00 for 30 days at 10.27 %: 1000 x 30 x 10.27 / 36500 = 8.441 -> 8.44
    assert default_interest(D("1000.00"), date(2026, 1, 31), date(2026, 3, 2), RATES,
                            consumer=False) == D("8.44")
    # a consumer: 1.27 + 5 = 6.27 %: 1000 x 30 x 6.27 / 36500 = 5.153 -> 5.15
    assert default_interest(D("1000.00"), date(2026, 1, 31), date(2026, 3, 2), RATES,
                            consumer=True) == D("5.15")
    # across a change of the base rate: 21.-30.06.2025 at 11.27 %, 01.-10.07.2025 at 10.27 %:
    # 5000 x 10 x 11.27 / 36500 = 15.438 + 5000 x 10 x 10.27 / 36500 = 14.068 -> 29.51
    assert default_interest(D("5000.00"), date(2025, 6, 20), date(2025, 7, 10), RATES,
                            consumer=False) == D("29.51")
    # the due date itself and the day after: no interest, then one day
    assert default_interest(D("1000.00"), date(2026, 1, 31), date(2026, 1, 31), RATES,
                            consumer=False) == D("0.00")
    assert default_interest(D("36500.00"), date(2026, 1, 31), date(2026, 2, 1), RATES,
                            consumer=False) == D("10.27")


def setup_levels():
    """The test's own levels and rates (the seeded defaults are replaced)."""
    make_company()
    BaseRate.objects.delete()
    DunningLevel.objects.delete()
    for valid_from, rate in RATES:
        BaseRate(valid_from=valid_from, rate=rate).save()
    DunningLevel(level=1, days_after_due=7, title="Zahlungserinnerung",
                 text="Sicher haben Sie übersehen ...").save()
    DunningLevel(level=2, days_after_due=21, title="1. Mahnung", fee=D("5.00"),
                 charge_interest=True, text="Leider konnten wir keinen Zahlungseingang ...").save()


def issued_invoice(**kw):
    return issuing.issue_invoice(make_invoice(**kw), "fibu")


def test_levels_step_by_step_with_fee_and_interest_booked(app):
    setup_levels()
    inv = issued_invoice()
    assert inv.due_date == date(2026, 3, 29)
    assert dunning.propose_run(date(2026, 4, 4), "fibu") is None   # 6 days: not yet
    run = dunning.propose_run(date(2026, 4, 5), "fibu")           # 7 days: level 1
    assert [(ln.level, ln.fee, ln.interest) for ln in run.letters] == [(1, D("0"), D("0"))]
    assert dunning.propose_run(date(2026, 4, 5), "job") == run    # an open proposal: no second
    run = dunning.confirm_run(run.pk, "chefin")
    letter = run.letters[0]
    assert letter.status == "sent" and letter.entry_id is None    # nothing to book
    pdf = PdfReader(io.BytesIO(read_file(letter.pdf_file)))
    text = "".join(page.extract_text() for page in pdf.pages)
    assert "Zahlungserinnerung" in text and inv.number in text and "392,44" in text
    assert Invoice.objects.get(pk=inv.pk).dunning_level == 1
    # 20 days: level 2 not yet; 21 days: level 2 with 5.00 fee and interest
    assert dunning.propose_run(date(2026, 4, 18), "fibu") is None
    run = dunning.propose_run(date(2026, 4, 19), "fibu")
    # 392.44 x 21 x 10.27 / 36500 = 2.3188 -> 2.32
    assert [(ln.level, ln.fee, ln.interest) for ln in run.letters] == [(2, D("5.00"), D("2.32"))]
    run = dunning.confirm_run(run.pk, "chefin")
    entry = JournalEntry.objects.get(pk=run.letters[0].entry_id)
    assert entry.status == "posted" and entry.source == "dunning"
    assert sorted((ln.account, ln.debit, ln.credit) for ln in entry.lines) == sorted([
        ("1400", D("7.32"), D("0")), ("2700", D("0"), D("5.00")), ("2650", D("0"), D("2.32"))])
    # no third level: nothing more to propose
    assert dunning.propose_run(date(2026, 6, 1), "fibu") is None


def test_a_payment_after_the_proposal_cancels_the_pending_letter(app):
    setup_levels()
    inv = issued_invoice()
    run = dunning.propose_run(date(2026, 4, 19), "fibu")
    assert run.letters[0].level == 1  # one level at a time
    settle_payment(inv, amount=D("100.00"), day=date(2026, 4, 20), user="fibu", key="p")
    run = dunning.confirm_run(run.pk, "chefin")
    letter = run.letters[0]
    assert letter.status == "cancelled" and "Zahlung" in letter.cancel_reason
    assert letter.pdf_file is None and letter.entry_id is None
    assert Invoice.objects.get(pk=inv.pk).dunning_level == 0


def test_blocked_customers_and_invoices_are_left_out(app):
    setup_levels()
    blocked_customer = make_customer(name="Streitfall GmbH")
    issued_invoice(customer=blocked_customer)
    blocked_invoice = issued_invoice()
    free = issued_invoice()
    DunningBlock(customer=blocked_customer, reason="Reklamation offen").save()
    DunningBlock(invoice=blocked_invoice, reason="Gutschrift zugesagt").save()
    run = dunning.propose_run(date(2026, 4, 5), "fibu")
    assert [i.number for ln in run.letters for i in ln.invoices] == [free.number]
    with pytest.raises(Exception):
        DunningBlock(reason="ohne Ziel").save()


def test_consumers_pay_five_points(app):
    setup_levels()
    issued_invoice(customer=make_customer(name="Erika Mustermann", vat_id="", consumer=True))
    DunningLevel.objects(level=1).update_one(set__charge_interest=True)
    run = dunning.propose_run(date(2026, 4, 5), "fibu")
    # 392.44 x 7 x 6.27 / 36500 = 0.4719 -> 0.47
    assert run.letters[0].interest == D("0.47") and run.letters[0].consumer


def test_the_seeded_defaults_hold_the_published_base_rate(app):
    assert (date(2025, 7, 1), D("1.27")) in dunning.base_rates()
    assert [lv.days_after_due for lv in DunningLevel.objects.order_by("level")] == [7, 21, 35]


def test_without_levels_or_base_rate_the_clerk_is_told(app):
    make_company()
    BaseRate.objects.delete()
    DunningLevel.objects.delete()
    issued_invoice()
    with pytest.raises(BusinessRuleError, match="Mahnstufen"):
        dunning.propose_run(date(2026, 4, 5), "fibu")
    DunningLevel(level=1, days_after_due=7, title="Erinnerung", text="...",
                 charge_interest=True).save()
    with pytest.raises(BusinessRuleError, match="Basiszinssatz"):
        dunning.propose_run(date(2026, 4, 5), "fibu")


def test_the_weekday_job_proposes_once(app):
    from jobs import ensure_registry
    from jobs.dunning import propose_dunning_run
    from jobs.runner import REGISTRY

    ensure_registry(app)
    assert "day_of_week='mon-fri'" in str(REGISTRY["dunning_proposal"].trigger)
    setup_levels()
    issued_invoice()
    ctx = JobContext(run_id="r1", job="dunning_proposal",
                     scheduled_for=datetime(2026, 4, 6, 5, tzinfo=timezone.utc),
                     today=date(2026, 4, 6))
    assert propose_dunning_run(ctx)["letters"] == 1
    assert propose_dunning_run(ctx)["letters"] == 1
    assert DunningRun.objects.count() == 1


def test_the_letter_is_mailed_with_its_pdf_or_goes_by_post(app):
    from models.mail import OutgoingMail

    setup_levels()
    with_mail = make_customer(name="Bäckerei Größer KG", email="buchhaltung@groesser.example.com")
    english = make_customer(name="Smith Ltd", email="ap@smith.example.com", mail_language="en")
    by_post = make_customer(name="Ohne Mail OHG", email=None)
    for customer in (with_mail, english, by_post):
        issued_invoice(customer=customer)
    run = dunning.propose_run(date(2026, 4, 5), "fibu")
    run = dunning.confirm_run(run.pk, "chefin")
    letters = {ln.customer_name: ln for ln in run.letters}
    assert {n: ln.delivery for n, ln in letters.items()} == {
        "Bäckerei Größer KG": "mail", "Smith Ltd": "mail", "Ohne Mail OHG": "post"}
    assert letters["Ohne Mail OHG"].mail_id is None
    mail = OutgoingMail.objects.get(pk=letters["Bäckerei Größer KG"].mail_id)
    assert mail.kind == "dunning" and mail.state == "queued"
    assert mail.to == ["buchhaltung@groesser.example.com"]
    assert mail.subject.startswith("Zahlungserinnerung") and "392,44 €" in mail.body
    [attachment] = mail.attachments
    assert attachment.archived_file == letters["Bäckerei Größer KG"].pdf_file
    assert attachment.content_type == "application/pdf"
    assert read_file(attachment.archived_file)[:5] == b"%PDF-"
    assert mail.document_kind == "dunning" and mail.document_id == run.pk
    other = OutgoingMail.objects.get(pk=letters["Smith Ltd"].mail_id)
    assert other.language == "en" and other.subject.startswith("Payment reminder")
    assert "392.44 EUR" in other.body
    assert OutgoingMail.objects(kind="dunning").count() == 2
    # sending the same letter again (a retry after a crash) queues nothing twice
    dunning._send(run, letters["Bäckerei Größer KG"], "chefin")
    assert OutgoingMail.objects(kind="dunning").count() == 2
