"""Dunning runs: propose letters for overdue invoices, a person confirms, letters go out.

Levels and the base rate are data (models.dunning). An invoice moves one level at a time,
once it is the level's days past its due date; blocked customers and invoices are left
out. One letter per customer at the highest level reached, with the level's fee and,
where the level says so, default interest (§ 288 BGB) per invoice.

Confirming writes each invoice's new level only if its paid total is still the one the
proposal read (compare-and-set on the invoice): a payment recorded after the run cancels
the pending letter. Fees and interest are posted (receivables to other income / interest
income, idempotency key per letter), the letter PDF on the letterhead is archived and
queued as e-mail to the customer (by post without an address).
"""
from datetime import date, datetime, timezone
from decimal import Decimal

from bson import ObjectId

from models.counter import next_number
from models.customer import Customer
from models.dunning import (BaseRate, DunnedInvoice, DunningBlock, DunningLetter,
                            DunningLevel, DunningRun)
from models.invoice import Invoice
from services.archive import store as archive_store
from services.banking.dunning_interest import default_interest, interest_days
from services.banking.dunning_letter import render_letter_pdf
from services.banking.dunning_mail import queue_letter_mail
from services.core.messages import N_, RuleError
from services.ledger import posting
from services.ledger.charts import DEFAULT_CHART, chart_in_use, posting_accounts

# Fees (not subject to VAT: damages) and interest income, per chart.
ACCOUNTS = {"SKR03": {"fees": "2700", "interest": "2650"},
            "SKR04": {"fees": "4830", "interest": "7100"}}
ZERO = Decimal("0.00")


def base_rates() -> list[tuple[date, Decimal]]:
    """The base rates (§ 247 BGB) as (valid_from, percent), oldest first."""
    return [(r.valid_from, r.rate) for r in BaseRate.objects.order_by("valid_from")]


def propose_run(as_of: date, user: str) -> DunningRun | None:
    """Propose the letters due on `as_of`; an open proposal is returned, not doubled."""
    existing = DunningRun.objects(status="draft").first()
    if existing is not None:
        return existing
    levels = {lv.level: lv for lv in DunningLevel.objects}
    if not levels:
        raise RuleError(N_("Es sind keine Mahnstufen angelegt (Stammdaten Mahnstufen)"))
    letters = _letters(as_of, levels, base_rates())
    if not letters:
        return None
    number = next_number(f"dunning-run:{as_of.year}")
    return DunningRun(number=f"MA-{as_of.year}-{number:05d}", as_of=as_of, letters=letters,
                      created_by=user).save()


def _letters(as_of, levels, rates) -> list[DunningLetter]:
    blocked_customers = {b.customer.pk for b in DunningBlock.objects(customer__ne=None)}
    blocked_invoices = {b.invoice.pk for b in DunningBlock.objects(invoice__ne=None)}
    per_customer: dict = {}
    for inv in Invoice.objects(status="issued", kind="invoice", due_date__lt=as_of):
        customer_id = inv._data["customer"].id
        if inv.pk in blocked_invoices or customer_id in blocked_customers:
            continue
        level = levels.get((inv.dunning_level or 0) + 1)
        due = _day(inv.due_date)
        days = interest_days(due, as_of)
        if level is None or days < level.days_after_due:
            continue
        per_customer.setdefault(customer_id, []).append((inv, level, days))
    letters = []
    for customer_id, found in per_customer.items():
        customer = Customer.objects.get(pk=customer_id)
        top = max(level.level for _, level, _ in found)
        letter = DunningLetter(key=f"{customer_id}", customer=customer_id,
                               customer_name=customer.name, level=top,
                               consumer=bool(customer.consumer), fee=levels[top].fee)
        for inv, _, days in found:
            open_amount = inv.gross_total - inv.paid_total
            interest = ZERO
            if levels[top].charge_interest:
                _check_rates(rates, _day(inv.due_date))
                interest = default_interest(open_amount, _day(inv.due_date), as_of, rates,
                                            letter.consumer)
            letter.invoices.append(DunnedInvoice(
                invoice=inv.pk, number=inv.number, due_date=_day(inv.due_date),
                open_amount=open_amount, paid_total=inv.paid_total, days_overdue=days,
                interest=interest))
        letter.interest = sum((i.interest for i in letter.invoices), ZERO)
        letter.open_total = sum((i.open_amount for i in letter.invoices), ZERO)
        letters.append(letter)
    return sorted(letters, key=lambda ln: ln.customer_name or "")


def confirm_run(run_id, user: str) -> DunningRun:
    """Send the pending letters of a proposal (cancel those a payment overtook); repeat-safe."""
    run = DunningRun.objects(pk=run_id).first()
    if run is None or run.status not in ("draft",):
        raise RuleError(N_("Nur ein offener Mahnvorschlag kann bestätigt werden"))
    for letter in run.letters:
        if letter.status == "pending":
            _send(run, letter, user)
    DunningRun._get_collection().update_one(
        {"_id": run.pk, "status": "draft"},
        {"$set": {"status": "confirmed", "confirmed_by": user,
                  "confirmed_at": datetime.now(timezone.utc)}})
    return DunningRun.objects.get(pk=run.pk)


def discard_run(run_id, user: str) -> DunningRun:
    """Discard an unconfirmed proposal."""
    done = DunningRun._get_collection().update_one(
        {"_id": ObjectId(str(run_id)), "status": "draft"},
        {"$set": {"status": "cancelled", "confirmed_by": user}})
    if not done.matched_count:
        raise RuleError(N_("Nur ein offener Mahnvorschlag kann verworfen werden"))
    return DunningRun.objects.get(pk=run_id)


def _send(run: DunningRun, letter: DunningLetter, user: str) -> None:
    moved = []
    for item in letter.invoices:
        done = Invoice._get_collection().update_one(
            {"_id": item.invoice, "status": "issued", "paid_total": _cents(item.paid_total),
             "dunning_level": {"$lte": letter.level}},
            {"$set": {"dunning_level": letter.level, "dunned_on": _midnight(run.as_of)}})
        if not done.matched_count:
            for other in moved:  # put the others back: the letter does not go out
                Invoice._get_collection().update_one(
                    {"_id": other.invoice, "dunning_level": letter.level},
                    {"$set": {"dunning_level": letter.level - 1}})
            _set_letter(run, letter, {"status": "cancelled", "cancel_reason":
                                      f"Zahlung zu {item.number} nach dem Mahnvorschlag"})
            return
        moved.append(item)
    entry = _post_charges(run, letter, user)
    level = DunningLevel.objects.get(level=letter.level)
    pdf = render_letter_pdf(run, letter, level)
    stored = archive_store.store_generated(
        pdf, f"{run.number}-{letter.customer_name}.pdf"[:120], "application/pdf", run.as_of,
        user, key=f"dunning:{run.pk}:{letter.key}", category="letter")
    mail = queue_letter_mail(run, letter, level, stored.pk, stored.sha256, user)
    _set_letter(run, letter, {"status": "sent", "pdf_file": stored.pk,
                              "entry_id": entry.pk if entry else None,
                              "mail_id": mail.pk if mail else None,
                              "delivery": "mail" if mail else "post"})


def _post_charges(run, letter, user):
    """Receivable to fee and interest income (nothing to post without either)."""
    if not letter.fee and not letter.interest:
        return None
    accounts = ACCOUNTS[chart_in_use() or DEFAULT_CHART]
    total = letter.fee + letter.interest
    lines = [{"account": posting_accounts()["receivables"], "debit": total,
              "text": letter.customer_name[:120]},
             {"account": accounts["fees"], "credit": letter.fee, "text": "Mahngebühr"},
             {"account": accounts["interest"], "credit": letter.interest,
              "text": "Verzugszinsen § 288 BGB"}]
    return posting.post_new_entry(
        date=run.as_of, text=f"{run.number} Mahnstufe {letter.level} {letter.customer_name}"[:200],
        lines=[ln for ln in lines if ln.get("debit") or ln.get("credit")], source="dunning",
        user=user, voucher_ref=run.number, idempotency_key=f"dunning:{run.pk}:{letter.key}")


def _set_letter(run, letter, values: dict) -> None:
    """Write a pending letter's outcome (by its position: the list never changes order)."""
    i = next(n for n, other in enumerate(run.letters) if other.key == letter.key)
    DunningRun._get_collection().update_one(
        {"_id": run.pk, f"letters.{i}.key": letter.key, f"letters.{i}.status": "pending"},
        {"$set": {f"letters.{i}.{k}": v for k, v in values.items()}})


def _check_rates(rates, due: date) -> None:
    if not rates or rates[0][0] > due:
        raise RuleError(N_("Der Basiszinssatz ab %(day)s fehlt (Stammdaten Basiszinssatz)"),
                        day=f"{due:%d.%m.%Y}")


def _day(value):
    return value.date() if isinstance(value, datetime) else value


def _midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time())


def _cents(value) -> int:
    return int((Decimal(value) * 100).to_integral_value())
