"""Make a rendered PDF conform to PDF/A-3b (ISO 19005-3) after the XML is embedded.

xhtml2pdf draws in DeviceRGB and factur-x writes the PDF/A-3 XMP, but neither adds the
OutputIntent PDF/A requires for device colours (clause 6.2.4.3). This adds one with the
bundled sRGB ICC profile (static/icc, zlib licence) and makes sure no page refers to a
font that is not embedded: reportlab selects Helvetica (never embedded) before some
tables without drawing a glyph with it; such a name is pointed at an embedded font.
"""
import io
from pathlib import Path

from services.core.errors import BusinessRuleError

ICC_PROFILE = Path(__file__).resolve().parents[2] / "static" / "icc" / "sRGB.icc"
OUTPUT_CONDITION = "sRGB IEC61966-2.1"


def make_pdfa3b(pdf: bytes) -> bytes:
    """Return the PDF with an sRGB OutputIntent and only embedded fonts."""
    import pikepdf  # imported when used: its import logs a line, which CLI help must not show

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        _add_output_intent(doc)
        for page in doc.pages:
            _replace_unembedded_fonts(page)
        out = io.BytesIO()
        doc.save(out, deterministic_id=False)
    return out.getvalue()


def _add_output_intent(doc) -> None:
    import pikepdf

    profile = pikepdf.Stream(doc, ICC_PROFILE.read_bytes())
    profile.N = 3
    intent = pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFA1,
        OutputConditionIdentifier=pikepdf.String(OUTPUT_CONDITION),
        Info=pikepdf.String(OUTPUT_CONDITION), RegistryName=pikepdf.String("http://www.color.org"),
        DestOutputProfile=doc.make_indirect(profile))
    doc.Root.OutputIntents = pikepdf.Array([doc.make_indirect(intent)])


def _is_embedded(font) -> bool:
    if "/DescendantFonts" in font:
        font = font.DescendantFonts[0]
    descriptor = font.get("/FontDescriptor")
    return descriptor is not None and any(
        key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def _replace_unembedded_fonts(page) -> None:
    fonts = page.resources.get("/Font")
    if fonts is None:
        return
    embedded = [font for font in fonts.values() if _is_embedded(font)]
    for name in list(fonts.keys()):
        if _is_embedded(fonts[name]):
            continue
        if not embedded or _draws_text_with(page, name):
            raise BusinessRuleError(f"the PDF uses the font {fonts[name].get('/BaseFont')} "
                                    "without embedding it; PDF/A needs every font embedded")
        fonts[name] = embedded[0]


def _draws_text_with(page, name: str) -> bool:
    """Tell whether any text is shown while the font `name` is selected."""
    import pikepdf

    selected = None
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "Tf":
            selected = str(operands[0])
        elif op in ("Tj", "TJ", "'", '"') and selected == name:
            return True
    return False
