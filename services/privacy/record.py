"""The record of processing activities (Art. 30 DSGVO) as a printable PDF."""
import html
from datetime import datetime, timezone

from models.privacy import ProcessingActivity

FIELDS = (("purpose", "Zweck"), ("legal_basis", "Rechtsgrundlage"),
          ("data_subjects", "Kategorien betroffener Personen"),
          ("data_categories", "Kategorien personenbezogener Daten"),
          ("recipients", "Empfänger"), ("third_country_transfers", "Übermittlung in Drittländer"),
          ("deletion_periods", "Löschfristen"),
          ("retention_categories", "Aufbewahrungsregeln (Archivkategorien)"),
          ("toms", "Technische und organisatorische Maßnahmen (Art. 32)"),
          ("collections", "Datenbestände"))


def record_html(company_name: str) -> str:
    """The record as HTML (one section per activity)."""
    from services.core.pdf import FONT_CSS

    e = html.escape
    parts = []
    for act in ProcessingActivity.objects.order_by("code"):
        rows = "".join(
            f"<tr><th>{e(label)}</th><td>{e(', '.join(v) if isinstance(v, list) else v or '')}"
            "</td></tr>" for label, v in ((lbl, getattr(act, name)) for name, lbl in FIELDS))
        parts.append(f"<h2>{e(act.name)} ({e(act.code)})</h2><table>{rows}</table>")
    return (f"<html><head><meta charset='utf-8'><style>{FONT_CSS} body {{ font-family: "
            "'DejaVu Sans'; font-size: 9pt; }} th {{ text-align: left; width: 30%; "
            "vertical-align: top; }} td, th {{ padding: 2px; border-bottom: 0.5pt solid #999; }}"
            f"</style></head><body><h1>Verzeichnis von Verarbeitungstätigkeiten "
            f"(Art. 30 DSGVO)</h1><p>{e(company_name)} · Stand "
            f"{datetime.now(timezone.utc):%d.%m.%Y}</p>{''.join(parts)}</body></html>")


def record_pdf() -> bytes:
    """Render the record with the company's name from the master data."""
    from services.core.pdf import company_letterhead, html_to_pdf

    return html_to_pdf(record_html(company_letterhead().get("name", "")))
