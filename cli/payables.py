"""CLI: backoffice payables import FILE... [--json] (supplier invoices to drafts)."""
import getpass
import json
import os
from pathlib import Path

import click
from flask.cli import AppGroup

group = AppGroup("payables", help=__doc__.splitlines()[0])


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())


def _amount(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def result_json(result) -> dict:
    """The issue's keys: amounts as strings with two decimals, dates ISO."""
    inv = result.invoice
    data = result.data or {}
    if inv is not None:
        seller = inv.supplier_data or {}
        fields = dict(invoice_number=inv.number, issue_date=inv.issue_date, currency=inv.currency,
                      supplier_name=inv.supplier.name if inv.supplier else seller.get("name"),
                      supplier_vat_id=(inv.supplier.vat_id if inv.supplier and inv.supplier.vat_id
                                       else seller.get("vat_id")),
                      net_total=inv.net_total, vat_total=inv.vat_total, gross_total=inv.gross_total,
                      amount_due=inv.amount_due, line_count=len(inv.lines),
                      vat_breakdown=[(r.category, r.rate, r.base, r.amount) for r in inv.vat_breakdown])
    else:
        seller = data.get("seller") or {}
        fields = dict(invoice_number=data.get("number"), issue_date=data.get("issue_date"),
                      currency=data.get("currency"), supplier_name=seller.get("name"),
                      supplier_vat_id=seller.get("vat_id"), net_total=data.get("net_total"),
                      vat_total=data.get("vat_total"), gross_total=data.get("gross_total"),
                      amount_due=data.get("amount_due"), line_count=len(data.get("lines") or []),
                      vat_breakdown=[(r["category"], r["rate"], r["base"], r["amount"])
                                     for r in data.get("vat_breakdown") or []])
    return {
        "invoice_number": fields["invoice_number"],
        "issue_date": fields["issue_date"].isoformat() if fields["issue_date"] else None,
        "currency": fields["currency"], "supplier_name": fields["supplier_name"],
        "supplier_vat_id": fields["supplier_vat_id"],
        **{k: _amount(fields[k]) for k in ("net_total", "vat_total", "gross_total", "amount_due")},
        "line_count": fields["line_count"],
        "vat_breakdown": [{"category": c, "rate": _amount(r), "base": _amount(b), "amount": _amount(a)}
                          for c, r, b, a in fields["vat_breakdown"]],
        "status": result.status, "errors": list(result.errors)}


@group.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file.")
def import_files(files, as_json):
    """Import supplier invoice FILES (XRechnung, ZUGFeRD/Factur-X, UBL, PDF, image) as drafts.

    Exit 0 when every file was read (drafts and duplicates), 1 when some were rejected.
    """
    from services.payables.intake import import_files as import_batches

    user = f"cli:{_os_user()}"
    rejected = False

    def show(name, result):  # after each batch, in the order of FILES
        nonlocal rejected
        rejected |= result.status == "rejected"
        if as_json:
            click.echo(json.dumps(result_json(result), ensure_ascii=False))
        else:
            row = result_json(result)
            click.echo(f"{name}: {row['status']} {row['invoice_number'] or ''} "
                       f"{row['supplier_name'] or ''} {row['gross_total'] or ''} {row['currency'] or ''}")
            for error in result.errors:
                click.echo(f"  - {error}")

    import_batches(files, user=user, on_result=show)
    raise click.exceptions.Exit(1 if rejected else 0)


@group.command("import-rates")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def import_rates(file):
    """Read exchange rates (Währung;Art;Datum;Kurs or the ECB's CSV) for foreign invoices.

    Exit 0 with the number of rates stored; 1 with the row and what to fix (nothing stored).
    """
    from services.core.errors import BusinessRuleError
    from services.payables.fx import import_rates_csv

    try:
        count = import_rates_csv(Path(file).read_bytes(), f"cli:{_os_user()}", Path(file).name)
    except BusinessRuleError as exc:
        click.echo(f"Fehler: {exc}", err=True)
        raise click.exceptions.Exit(1) from None
    click.echo(f"{count} Kurse gespeichert.")
