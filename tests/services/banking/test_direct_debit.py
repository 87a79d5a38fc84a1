"""SEPA direct debit: mandates, TARGET2 lead time, pre-notification, pain.008.001.08 by XSD.

Expected dates are calendar facts typed in by hand (Easter 2026 is 5 April, 2027 is
28 March); the creditor id check is restated with stdnum's ISO 7064 MOD 97-10; the
files are validated with `xmlschema` (not the lxml the product uses) against the XSD
shipped with sepaxml.
"""
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import mongoengine as me
import pytest
import xmlschema
from lxml import etree
from stdnum.iso7064 import mod_97_10

from models.bank_account import BankAccount
from models.direct_debit import DirectDebitRun
from models.invoice import Invoice
from models.payment_run import PaymentClaim
from models.sepa_mandate import SepaMandate
from services.archive.store import read_file
from services.banking import direct_debit
from services.banking.sepa_calendar import earliest_collection, easter_sunday, is_target_day
from services.core.errors import BusinessRuleError
from services.invoicing import issuing
from tests.factories import make_company, make_customer, make_invoice
from tests.services.banking.files import ACCOUNT_IBAN, CUSTOMER_IBAN, OTHER_IBAN

XSD = Path(__file__).resolve().parents[3] / "services" / "banking" / "xsd" / "pain.008.001.08.xsd"
CREDITOR_ID = "DE98ZZZ09999999999"   # the Bundesbank's published test creditor id
GROSS = D("392.44")                  # the factory invoice
MONDAY = date(2026, 3, 30)           # 15 days after the factory invoice of 15 March


def texts(xml, tag):
    return [el.text for el in etree.fromstring(xml).iter() if etree.QName(el).localname == tag]


@pytest.fixture
def creditor(app):
    make_company()
    return BankAccount(name="Commerzbank Giro", iban=ACCOUNT_IBAN, ledger_account="1200",
                       creditor_id=CREDITOR_ID).save()


def mandate(customer, reference="M-0001", **kw):
    values = dict(reference=reference, customer=customer, account_holder="Bäckerei Größer KG",
                  iban=CUSTOMER_IBAN, signed_on=date(2026, 1, 10))
    values.update(kw)
    return SepaMandate(**values).save()


def issued(customer=None, **kw):
    return issuing.issue_invoice(make_invoice(customer=customer or make_customer(), **kw), "fibu")


# ---------------------------------------------------------------- pure rules

def test_creditor_id_check_digits(app):
    def by_stdnum(cid):  # national id + country + check digits, letters as numbers
        return mod_97_10.is_valid("".join(str(int(c, 36)) for c in cid[7:] + cid[:4]))

    assert by_stdnum(CREDITOR_ID) and not by_stdnum("DE97ZZZ09999999999")
    make_company()
    account = BankAccount(name="Giro", iban=ACCOUNT_IBAN, ledger_account="1200",
                          creditor_id="de98 zzz 09999999999").save()
    assert account.creditor_id == CREDITOR_ID
    # the business code (ZZZ) is not part of the check
    assert BankAccount(name="Giro 2", iban=OTHER_IBAN, ledger_account="1200",
                       creditor_id="DE98ABC09999999999").save().creditor_id
    for wrong in ("DE97ZZZ09999999999", "DE99ZZZ09999999999", "DE98ZZZ0999999999X", "98ZZZ1"):
        with pytest.raises(me.ValidationError, match="Gläubiger-ID"):
            BankAccount(name="X", iban="DE12500105170648489890", ledger_account="1200",
                        creditor_id=wrong).validate()


def test_target2_days_and_the_d_minus_1_lead_time():
    assert easter_sunday(2026) == date(2026, 4, 5) and easter_sunday(2027) == date(2027, 3, 28)
    assert easter_sunday(2025) == date(2025, 4, 20)
    closed = [date(2026, 1, 1), date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 1),
              date(2026, 12, 25), date(2026, 3, 28), date(2026, 3, 29)]
    assert not any(is_target_day(d) for d in closed)
    assert all(is_target_day(d) for d in (date(2026, 4, 2), date(2026, 4, 7), date(2026, 12, 24),
                                          date(2026, 12, 28), date(2026, 5, 14)))  # Ascension: open
    assert not is_target_day(date(2025, 12, 26))  # a Friday, closed
    assert earliest_collection(date(2026, 3, 26)) == date(2026, 3, 27)   # Thu -> Fri
    assert earliest_collection(date(2026, 3, 27)) == date(2026, 3, 30)   # Fri -> Mon
    assert earliest_collection(date(2026, 3, 28)) == date(2026, 3, 31)   # Sat: D-1 is Monday
    assert earliest_collection(date(2026, 4, 2)) == date(2026, 4, 7)     # over Easter
    assert earliest_collection(date(2026, 12, 24)) == date(2026, 12, 28)


def test_mandate_lapses_after_36_months_without_collection(app):
    m = SepaMandate(reference="M-1", account_holder="X", iban=CUSTOMER_IBAN,
                    signed_on=date(2023, 3, 31))
    assert not direct_debit.lapsed(m, date(2026, 3, 30))
    assert direct_debit.lapsed(m, date(2026, 3, 31))
    m.last_collected_on = date(2025, 1, 15)
    assert not direct_debit.lapsed(m, date(2026, 3, 31))
    assert direct_debit.sequence_type(m) == "FRST"
    m.first_collected_on = date(2025, 1, 15)
    assert direct_debit.sequence_type(m) == "RCUR"
    m.mandate_type = "one_off"
    assert direct_debit.sequence_type(m) == "OOFF"


# ---------------------------------------------------------------- collection runs

def test_collection_run_four_eyes_valid_pain008_then_rcur(app, creditor):
    customer = make_customer()
    mandate(customer)
    inv = issued(customer)
    run = direct_debit.create_run(MONDAY, creditor.pk, "clerk@firma", today=date(2026, 3, 26))
    [item] = run.items
    assert (item.number, item.amount, item.sequence, item.mandate) == \
        (inv.number, GROSS, "FRST", "M-0001")
    with pytest.raises(BusinessRuleError, match="Vier-Augen"):
        direct_debit.release_run(run.pk, "clerk@firma", run.version, today=date(2026, 3, 26))
    # handed in on the due date itself: too late (D-1)
    with pytest.raises(BusinessRuleError, match="frühester Fälligkeitstag ist der 31.03.2026"):
        direct_debit.release_run(run.pk, "boss@firma", run.version, today=MONDAY)
    done = direct_debit.release_run(run.pk, "boss@firma", run.version, today=date(2026, 3, 27))
    assert done.status == "released"
    xml = read_file(done.file)
    xmlschema.XMLSchema(str(XSD)).validate(xml.decode())
    assert etree.QName(etree.fromstring(xml)).namespace == "urn:iso:std:iso:20022:tech:xsd:pain.008.001.08"
    assert texts(xml, "SeqTp") == ["FRST"] and texts(xml, "ReqdColltnDt") == ["2026-03-30"]
    assert texts(xml, "MndtId") == ["M-0001"] and texts(xml, "DtOfSgntr") == ["2026-01-10"]
    assert texts(xml, "EndToEndId") == [inv.number]
    assert texts(xml, "InstdAmt") == ["392.44"] and texts(xml, "CtrlSum") == ["392.44"] * 2
    assert CREDITOR_ID in texts(xml, "Id")
    assert texts(xml, "Cd")[:2] == ["SEPA", "CORE"]
    assert texts(xml, "IBAN") == [ACCOUNT_IBAN, CUSTOMER_IBAN]
    assert "Mueller + Soehne GmbH" in texts(xml, "Nm")
    # claimed: not collected twice; the mandate's next collection is RCUR
    assert PaymentClaim.objects(id=f"direct-debit:{inv.pk}").count() == 1
    assert [p.invoice_number for p in direct_debit.proposals(date(2026, 4, 30))] == []
    nxt = issued(customer, issue_date=date(2026, 4, 1))
    [p] = direct_debit.proposals(date(2026, 4, 30))
    assert p.invoice_number == nxt.number and p.item.sequence == "RCUR"
    assert SepaMandate.objects.get().first_collected_on == MONDAY


def test_two_drafts_cannot_both_send_a_mandates_first_collection(app, creditor):
    customer = make_customer()
    mandate(customer)
    first = issued(customer)
    run_a = direct_debit.create_run(MONDAY, creditor.pk, "clerk@firma", today=date(2026, 3, 26))
    second = issued(customer)
    run_b = direct_debit.create_run(MONDAY, creditor.pk, "other@firma", today=date(2026, 3, 26))
    run_b = direct_debit.remove_item(run_b.pk, f"direct-debit:{first.pk}", "other@firma",
                                     run_b.version)
    assert [(i.number, i.sequence) for i in run_a.items] == [(first.number, "FRST")]
    assert [(i.number, i.sequence) for i in run_b.items] == [(second.number, "FRST")]
    direct_debit.release_run(run_a.pk, "boss@firma", run_a.version, today=date(2026, 3, 27))
    with pytest.raises(BusinessRuleError, match="schon erstmals eingezogen"):
        direct_debit.release_run(run_b.pk, "boss@firma", run_b.version, today=date(2026, 3, 27))
    assert DirectDebitRun.objects.get(pk=run_b.pk).status == "draft"
    assert PaymentClaim.objects(run=run_b.pk).count() == 0  # nothing of B stays claimed
    assert SepaMandate.objects.get().first_run == run_a.pk
    # releasing A again (as after a crash) finds its own claim
    assert direct_debit._claim_first_collections(DirectDebitRun.objects.get(pk=run_a.pk)) is None


def test_pre_notification_days_at_the_edge_and_mandate_problems(app, creditor):
    on_time, late = make_customer(), make_customer()
    mandate(on_time, "M-15", pre_notification_days=15)      # 15 March + 15 days = 30 March
    mandate(late, "M-16", pre_notification_days=16)
    unsigned, revoked = make_customer(), make_customer()
    mandate(unsigned, "M-LATER", signed_on=date(2026, 3, 31))
    mandate(revoked, "M-REV", status="revoked")
    for c in (on_time, late, unsigned, revoked):
        issued(c)
    found = {p.invoice_number: p for p in direct_debit.proposals(MONDAY)}
    assert len(found) == 3  # the revoked mandate is not used at all
    problems = sorted(str(p.problem) for p in found.values() if p.problem)
    assert len(problems) == 2
    assert problems[0].startswith("Mandat M-LATER ist erst ab 31.03.2026")
    assert "nur 15 Tage" in problems[1] and "vereinbart sind 16" in problems[1]
    run = direct_debit.create_run(MONDAY, creditor.pk, "clerk@firma", today=date(2026, 3, 26))
    assert [i.mandate for i in run.items] == ["M-15"]


def test_b2b_and_one_off_go_in_their_own_blocks(app, creditor):
    core, b2b = make_customer(), make_customer()
    mandate(core, "M-CORE", mandate_type="one_off")
    mandate(b2b, "M-B2B", scheme="B2B", iban=OTHER_IBAN)
    issued(core), issued(b2b)
    run = direct_debit.create_run(MONDAY, creditor.pk, "clerk@firma", today=date(2026, 3, 26))
    done = direct_debit.release_run(run.pk, "boss@firma", run.version, today=date(2026, 3, 26))
    xml = read_file(done.file)
    xmlschema.XMLSchema(str(XSD)).validate(xml.decode())
    root = etree.fromstring(xml)
    blocks = [el for el in root.iter() if etree.QName(el).localname == "PmtInf"]
    kinds = sorted((texts(etree.tostring(b), "Cd")[1], texts(etree.tostring(b), "SeqTp")[0])
                   for b in blocks)
    assert kinds == [("B2B", "FRST"), ("CORE", "OOFF")]
    assert texts(xml, "NbOfTxs")[0] == "2" and texts(xml, "CtrlSum")[0] == f"{2 * GROSS:.2f}"
    # a one-off mandate is used up
    issued(core, issue_date=date(2026, 3, 1))
    problem = [str(p.problem) for p in direct_debit.proposals(MONDAY) if p.problem]
    assert problem == ["Einmal-Mandat M-CORE wurde schon eingezogen"]


def test_refused_without_creditor_id_or_on_a_closed_day(app):
    make_company()
    plain = BankAccount(name="Giro", iban=ACCOUNT_IBAN, ledger_account="1200").save()
    customer = make_customer()
    mandate(customer)
    issued(customer)
    with pytest.raises(BusinessRuleError, match="Gläubiger-ID"):
        direct_debit.create_run(MONDAY, plain.pk, "clerk@firma", today=date(2026, 3, 26))
    plain.update(creditor_id=CREDITOR_ID)
    with pytest.raises(BusinessRuleError, match="kein TARGET2-Geschäftstag"):
        direct_debit.create_run(date(2026, 4, 6), plain.pk, "clerk@firma", today=date(2026, 3, 26))
    assert DirectDebitRun.objects.count() == 0
    assert Invoice.objects.get().status == "issued"


# ---------------------------------------------------------------- last collection (FNAL)

APRIL_30 = date(2026, 4, 30)   # a Thursday, a TARGET2 day


def _follow_up_draft(creditor, customer, clerk="clerk@firma"):
    """A draft with the mandate's follow-up (RCUR) collection: the first one went out before."""
    inv = issued(customer, issue_date=date(2026, 4, 1))
    run = direct_debit.create_run(APRIL_30, creditor.pk, clerk, today=date(2026, 4, 27))
    assert [(i.number, i.sequence) for i in run.items] == [(inv.number, "RCUR")]
    return run, inv


def test_last_collection_fnal_closes_the_mandate_and_refuses_later_ones(app, creditor):
    customer = make_customer()
    mandate(customer, first_collected_on=date(2026, 2, 27), last_collected_on=date(2026, 2, 27))
    run, inv = _follow_up_draft(creditor, customer)
    [item], read = run.items, run.version
    # marked by the clerk: a change, so the clerk cannot release it either
    run = direct_debit.mark_final(run.pk, item.key, "clerk@firma", run.version)
    assert [i.sequence for i in run.items] == ["FNAL"] and run.version == read + 1
    with pytest.raises(BusinessRuleError, match="geändert"):   # the version read before the mark
        direct_debit.release_run(run.pk, "boss@firma", read, today=date(2026, 4, 27))
    with pytest.raises(BusinessRuleError, match="Vier-Augen"):
        direct_debit.release_run(run.pk, "clerk@firma", run.version, today=date(2026, 4, 27))
    done = direct_debit.release_run(run.pk, "boss@firma", run.version, today=date(2026, 4, 27))
    xml = read_file(done.file)
    xmlschema.XMLSchema(str(XSD)).validate(xml.decode())
    assert texts(xml, "SeqTp") == ["FNAL"] and texts(xml, "EndToEndId") == [inv.number]
    m = SepaMandate.objects.get()
    assert (m.status, m.closed_on, m.final_run) == ("closed", APRIL_30, run.pk)
    # a later invoice of the customer is not collected on the closed mandate
    later = issued(customer, issue_date=date(2026, 5, 4))
    [p] = direct_debit.proposals(date(2026, 5, 29))
    assert (p.invoice_number, p.item) == (later.number, None)
    assert str(p.problem) == ("Mandat M-0001 ist mit der letzten Lastschrift vom 30.04.2026 "
                              "beendet; für weitere Einzüge braucht es ein neues Mandat")
    with pytest.raises(BusinessRuleError, match="keine Rechnung per Lastschrift einziehbar"):
        direct_debit.create_run(date(2026, 5, 29), creditor.pk, "clerk@firma", today=date(2026, 5, 26))
    # a new mandate of the same customer starts again with FRST
    mandate(customer, "M-0002", signed_on=date(2026, 5, 4))
    [p] = direct_debit.proposals(date(2026, 5, 29))
    assert (p.item.mandate, p.item.sequence) == ("M-0002", "FRST")


def test_only_a_follow_up_collection_can_be_the_last_and_the_mark_can_be_taken_back(app, creditor):
    first, follow = make_customer(), make_customer()
    mandate(first, "M-NEW")
    mandate(follow, "M-OLD", iban=OTHER_IBAN, first_collected_on=date(2026, 2, 27))
    issued(first, issue_date=date(2026, 4, 1)), issued(follow, issue_date=date(2026, 4, 1))
    run = direct_debit.create_run(APRIL_30, creditor.pk, "clerk@firma", today=date(2026, 4, 27))
    frst = next(i for i in run.items if i.mandate == "M-NEW")
    rcur = next(i for i in run.items if i.mandate == "M-OLD")
    assert (frst.sequence, rcur.sequence) == ("FRST", "RCUR")
    read = run.version
    with pytest.raises(BusinessRuleError, match="Nur eine Folgelastschrift.*M-NEW.*FRST"):
        direct_debit.mark_final(run.pk, frst.key, "clerk@firma", run.version)
    run = direct_debit.mark_final(run.pk, rcur.key, "clerk@firma", run.version)
    run = direct_debit.mark_final(run.pk, rcur.key, "clerk@firma", run.version, final=False)
    assert sorted(i.sequence for i in run.items) == ["FRST", "RCUR"] and run.version == read + 2
    done = direct_debit.release_run(run.pk, "boss@firma", run.version, today=date(2026, 4, 27))
    assert sorted(texts(read_file(done.file), "SeqTp")) == ["FRST", "RCUR"]
    assert set(SepaMandate.objects.scalar("status")) == {"active"}


def test_a_collection_after_the_last_one_is_refused_at_release(app, creditor):
    """Two drafts of one mandate: once the FNAL one is released, the other is refused whole."""
    customer = make_customer()
    mandate(customer, first_collected_on=date(2026, 2, 27))
    run_a, inv_a = _follow_up_draft(creditor, customer)
    inv_b = issued(customer, issue_date=date(2026, 4, 2))
    run_b = direct_debit.create_run(APRIL_30, creditor.pk, "other@firma", today=date(2026, 4, 27))
    run_b = direct_debit.remove_item(run_b.pk, f"direct-debit:{inv_a.pk}", "other@firma", run_b.version)
    assert [(i.number, i.sequence) for i in run_b.items] == [(inv_b.number, "RCUR")]
    run_a = direct_debit.mark_final(run_a.pk, run_a.items[0].key, "clerk@firma", run_a.version)
    direct_debit.release_run(run_a.pk, "boss@firma", run_a.version, today=date(2026, 4, 27))
    with pytest.raises(BusinessRuleError, match=f"M-0001 endet mit der letzten Lastschrift in .*{run_a.number}"):
        direct_debit.release_run(run_b.pk, "boss@firma", run_b.version, today=date(2026, 4, 27))
    assert DirectDebitRun.objects.get(pk=run_b.pk).status == "draft"
    assert PaymentClaim.objects(run=run_b.pk).count() == 0     # nothing of B stays claimed
    m = SepaMandate.objects.get()
    assert (m.status, m.final_run) == ("closed", run_a.pk)     # A's end is untouched
    # releasing A again (as after a crash) finds its own claim
    assert direct_debit._claim_final_collections(DirectDebitRun.objects.get(pk=run_a.pk)) is None


def test_a_second_fnal_of_the_same_mandate_is_refused_and_undoes_its_claims(app, creditor):
    customer = make_customer()
    mandate(customer, first_collected_on=date(2026, 2, 27))
    run_a, inv_a = _follow_up_draft(creditor, customer)
    inv_b = issued(customer, issue_date=date(2026, 4, 2))
    run_b = direct_debit.create_run(APRIL_30, creditor.pk, "other@firma", today=date(2026, 4, 27))
    run_b = direct_debit.remove_item(run_b.pk, f"direct-debit:{inv_a.pk}", "other@firma", run_b.version)
    run_a = direct_debit.mark_final(run_a.pk, run_a.items[0].key, "clerk@firma", run_a.version)
    run_b = direct_debit.mark_final(run_b.pk, run_b.items[0].key, "other@firma", run_b.version)
    direct_debit.release_run(run_b.pk, "boss@firma", run_b.version, today=date(2026, 4, 27))
    with pytest.raises(BusinessRuleError, match=f"endet mit der letzten Lastschrift in .*{run_b.number}"):
        direct_debit.release_run(run_a.pk, "boss@firma", run_a.version, today=date(2026, 4, 27))
    assert PaymentClaim.objects(run=run_a.pk).count() == 0
    assert PaymentClaim.objects(id=f"direct-debit:{inv_b.pk}").get().run == run_b.pk
    assert SepaMandate.objects.get().final_run == run_b.pk


MAY_29 = date(2026, 5, 29)     # a Friday, a TARGET2 day


def _two_follow_up_drafts(creditor, b_date):
    """Draft A: the mandate's follow-up collection of 30.04.; draft B: another follow-up
    of the same mandate (a second invoice) on `b_date`."""
    customer = make_customer()
    mandate(customer, first_collected_on=date(2026, 2, 27))
    run_a, inv_a = _follow_up_draft(creditor, customer)
    inv_b = issued(customer, issue_date=date(2026, 4, 2))
    run_b = direct_debit.create_run(b_date, creditor.pk, "other@firma", today=date(2026, 4, 27))
    run_b = direct_debit.remove_item(run_b.pk, f"direct-debit:{inv_a.pk}", "other@firma",
                                     run_b.version)
    assert [(i.number, i.sequence) for i in run_b.items] == [(inv_b.number, "RCUR")]
    return run_a, run_b


def _final_and_later_follow_up(creditor):
    """Draft A (30.04.) marked final; draft B a follow-up on 29.05. (after the final one)."""
    run_a, run_b = _two_follow_up_drafts(creditor, MAY_29)
    run_a = direct_debit.mark_final(run_a.pk, run_a.items[0].key, "clerk@firma", run_a.version)
    return run_a, run_b


def test_a_final_collection_dated_before_a_released_follow_up_is_refused(app, creditor):
    """B (29.05.) released first, then A's FNAL of 30.04.: the last collection would not be
    the last, so A is refused and nothing of it stays claimed; the mandate stays active."""
    run_a, run_b = _final_and_later_follow_up(creditor)
    direct_debit.release_run(run_b.pk, "boss@firma", run_b.version, today=date(2026, 4, 27))
    with pytest.raises(BusinessRuleError, match="schon eine Folgelastschrift zum 29.05.2026"):
        direct_debit.release_run(run_a.pk, "boss@firma", run_a.version, today=date(2026, 4, 27))
    assert DirectDebitRun.objects.get(pk=run_a.pk).status == "draft"
    assert PaymentClaim.objects(run=run_a.pk).count() == 0
    m = SepaMandate.objects.get()
    assert (m.status, m.final_run, m.released_until) == ("active", None, MAY_29)


def test_a_final_collection_on_the_same_day_as_a_released_follow_up_goes_out(app, creditor):
    """The edge: a follow-up released for 30.04. and the final one of 30.04. in another run."""
    run_a, run_b = _two_follow_up_drafts(creditor, APRIL_30)
    direct_debit.release_run(run_b.pk, "boss@firma", run_b.version, today=date(2026, 4, 27))
    run_a = direct_debit.mark_final(run_a.pk, run_a.items[0].key, "clerk@firma", run_a.version)
    direct_debit.release_run(run_a.pk, "boss@firma", run_a.version, today=date(2026, 4, 27))
    assert SepaMandate.objects.get().status == "closed"


def test_final_and_later_follow_up_released_at_the_same_moment_never_both_go_out(app, creditor):
    import threading

    run_a, run_b = _final_and_later_follow_up(creditor)
    start, outcome = threading.Barrier(2), {}

    def release(name, run):
        start.wait(timeout=30)
        try:
            direct_debit.release_run(run.pk, "boss@firma", run.version, today=date(2026, 4, 27))
            outcome[name] = "released"
        except BusinessRuleError:
            outcome[name] = "refused"

    threads = [threading.Thread(target=release, args=(n, r)) for n, r in (("A", run_a), ("B", run_b))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(outcome.values()) == ["refused", "released"], outcome
    released = {s for s in DirectDebitRun.objects.scalar("status")}
    assert released == {"released", "draft"}
