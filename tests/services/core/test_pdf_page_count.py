"""html_to_pdf's "page n of m" footer: laid out once when the count is 1, right when longer."""
import io

from pypdf import PdfReader

from services.core.pdf import FONT_CSS, html_to_pdf

PAGE = """<html><head><style>{css}
@page {{ size: a4 portrait; @frame footer {{ -pdf-frame-content: footer; left: 20mm;
        top: 280mm; width: 170mm; height: 10mm; }}
        @frame content {{ left: 20mm; top: 20mm; width: 170mm; height: 250mm; }} }}
body {{ font-family: "DejaVu Sans"; }}</style></head><body>
<div id="footer">Seite <pdf:pagenumber> von <pdf:pagecount></div>
{body}</body></html>"""


def _pages(rows: int) -> list[str]:
    body = "".join(f"<p>Zeile {i}: Größe €</p>" for i in range(1, rows + 1))
    pdf = html_to_pdf(PAGE.format(css=FONT_CSS, body=body))
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_one_page_says_page_1_of_1():
    pages = _pages(3)
    assert len(pages) == 1
    assert "Seite 1 von 1" in pages[0] and "Zeile 3: Größe €" in pages[0]


def test_a_longer_document_counts_all_its_pages():
    pages = _pages(200)   # about 45 lines a page: five pages, not the guessed one
    assert len(pages) >= 3
    for n, text in enumerate(pages, start=1):
        assert f"Seite {n} von {len(pages)}" in text, text[-80:]
    assert "Zeile 200: Größe €" in pages[-1] and "Zeile 1:" in pages[0]


def test_without_a_page_count_the_text_is_left_alone():
    pdf = html_to_pdf("<html><body><p>Nur ein Satz</p></body></html>")
    assert "Nur ein Satz" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
