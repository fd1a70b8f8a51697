"""The PDF report: always exactly one A4 page, with the given texts (read back from the PDF),
text that shrinks and then is cut with "…" rather than running off the page or into the chart,
and bad input refused."""

from __future__ import annotations

import io
import itertools
from concurrent.futures import ThreadPoolExecutor

import pytest
from pypdf import PdfReader

from bot.charts import TextWidth
from bot.report import BODY_SIZES, MARGIN, PAGE_H, PAGE_W, Report, layout, render_report
from tests.conftest import LEGEND, profile

SECTIONS = (
    ("Jouw archetype: Manager (Leider 2,9 · Manager 3,8)",
     ("Je richt de interne IT-organisatie goed in, werkt met structuur, procedures en dashboards en stuurt op de "
      "harde kant van verandering. Je volgt vaak de visie van een ander.",)),
    ("Lagenprofiel", ("Richten 3,1 · Inrichten 3,9 · Verrichten 4,2 — thuis ben je in verrichten.",)),
    ("Begin hier", ("Schrijf in vijf zinnen waar IT over twee jaar moet staan en toets die bij twee "
                    "businessmanagers.",)),
    ("Top ontwikkelpunten", ("• Bedrijfsstrategie (2 → 5): vertaal drie doelen uit het jaarplan naar IT-keuzes.",
                             "- Organisatiesensitiviteit (3 → 5): breng in kaart wie over IT-budgetten beslist.")),
    ("Sterke punten", ("Technische problemen oplossen en aandacht voor detail; let op dat je het team ruimte laat.",)),
    ("Jouw plan", ("Deze maand: visie in vijf zinnen.\nVolgende maand: een maanddashboard met vijf kengetallen.",)),
)
REPORT = Report(title="Regiecoach — jouw IT Regisseur-profiel", subtitle="Anna de Vries · 2 december 2026",
                sections=SECTIONS, chart=tuple(profile()), legend=LEGEND,
                footer="Gemaakt met Regiecoach · alleen jij bepaalt met wie je dit deelt")
FILLER = ("Dit is een lange alinea over coaching die maar doorgaat, met woorden als één, reünie en "
          "geïnteresseerd, zodat de pagina vol raakt. ")


def pages(pdf: bytes) -> list:
    assert pdf.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(pdf)).pages


def flat(text: str) -> str:
    return " ".join(text.split())


def with_sections(sections, **changes) -> Report:
    return Report(**{**REPORT.__dict__, "sections": sections, **changes})


def test_one_a4_page_with_every_text_on_it():
    (page,) = pages(render_report(REPORT))
    assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx((595.3, 841.9), abs=0.5)
    text = flat(page.extract_text())
    for expected in [REPORT.title, REPORT.subtitle, REPORT.footer]:
        assert flat(expected) in text
    for heading, paragraphs in SECTIONS:
        assert flat(heading) in text
        for paragraph in paragraphs:
            for piece in paragraph.split("\n"):
                assert flat(piece.lstrip("•- ")) in text
    for group in REPORT.chart:  # the chart is drawn as text and lines, not as a picture
        assert group.title in text
        assert all(row.label.split()[0] in text for row in group.rows)
    assert "…" not in text  # nothing had to be cut
    assert layout(REPORT).body_size == BODY_SIZES[0]


def test_text_shrinks_before_anything_is_cut():
    sections = SECTIONS + tuple((f"Extra {n}", (FILLER * 4,)) for n in range(4))
    page = layout(with_sections(sections))
    assert page.complete and page.body_size < BODY_SIZES[0]
    text = flat(pages(render_report(with_sections(sections)))[0].extract_text())
    assert text.count(flat(FILLER * 4)) == 4 and "…" not in text


@pytest.mark.parametrize("sections", [
    tuple((f"Sectie {n}", (FILLER * 12, FILLER * 6)) for n in range(8)),  # long paragraphs: each is cut
    tuple((f"Sectie {n}", tuple(f"• punt {i}: {FILLER}" for i in range(12))) for n in range(12)),  # too many
    (("Eén woord", ("Informatievoorzieningsarchitectuurontwikkelingsvaardigheden" * 400,)),),
])
def test_very_long_text_stays_one_page_and_ends_in_an_ellipsis(sections):
    report = with_sections(sections, title="Titel " * 60, footer="Voettekst " * 80)
    page = layout(report)
    assert not page.complete
    (header_rule, footer_rule) = sorted(y for _, _, y, _ in page.rules)
    body = [line for line in page.lines if header_rule < line.y < footer_rule]
    assert body[-1].text.endswith("…")  # the page ends in an ellipsis, where it was cut
    (pdf_page,) = pages(render_report(report))
    text = flat(pdf_page.extract_text())
    assert flat(sections[0][0]) in text and text.count("…") >= 3  # title, body and footer cut


def test_many_paragraphs_keep_every_heading_by_cutting_each_paragraph():
    sections = tuple((f"Sectie {n}", (FILLER * 12, FILLER * 6)) for n in range(8))
    page = layout(with_sections(sections))
    assert page.paragraph_lines is not None  # cut per paragraph, not at the end of the page
    text = flat(pages(render_report(with_sections(sections)))[0].extract_text())
    assert all(f"Sectie {n}" in text for n in range(8))


def line_boxes(page):
    measure = TextWidth()
    for line in page.lines:
        width = measure(line.text, line.size, line.bold)
        yield line, (line.x, line.y - line.size * 0.95, line.x + width, line.y + line.size * 0.25)


def overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("sections, copies", [
    (SECTIONS, 1),
    (tuple((f"Sectie {n}", (FILLER * 12, "• " + FILLER * 3)) for n in range(8)), 1),
    (tuple((f"Sectie {n}", (FILLER * 3,)) for n in range(3)), 3),  # 84 rows: the chart shrinks to fit
])
def test_text_never_overlaps_the_chart_other_text_or_the_margins(sections, copies):
    chart = tuple(profile()) * copies
    page = layout(with_sections(sections, chart=chart))
    x, y, width, height = page.chart
    assert MARGIN - 0.5 <= x and x + width <= PAGE_W - MARGIN + 0.5 and y + height <= PAGE_H - MARGIN
    boxes = list(line_boxes(page))
    for line, box in boxes:
        assert MARGIN - 0.5 <= box[0] and box[2] <= PAGE_W - MARGIN + 0.5, line.text
        assert MARGIN - 10 <= box[1] and box[3] <= PAGE_H - MARGIN + 12, line.text
        assert not overlaps(box, (x, y, x + width, y + height)), line.text
    for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
        assert not overlaps(box_a, box_b), (a.text, b.text)
    assert len(pages(render_report(with_sections(sections, chart=chart)))) == 1


def test_the_text_positions_in_the_pdf_stay_inside_the_page():
    sections = tuple((f"Sectie {n}", (FILLER * 10,)) for n in range(10))
    positions = []
    pages(render_report(with_sections(sections)))[0].extract_text(
        visitor_text=lambda text, cm, tm, font, size: positions.append((cm[4], cm[5], text)) if text.strip() else None)
    assert len(positions) > 50
    for x, y, text in positions:
        assert MARGIN - 0.5 <= x <= PAGE_W - MARGIN and MARGIN - 12 <= y <= PAGE_H - MARGIN + 10, text


def test_dutch_letters_and_signs_come_through():
    sections = (("Één reünie, geïnteresseerd — “quote” ’s · 3,5 → 4 · 100 $ of €", ("Ĳverig, café, naïef.",)),)
    text = flat(pages(render_report(with_sections(sections)))[0].extract_text())
    assert flat(sections[0][0]) in text and "Ĳverig, café, naïef." in text


@pytest.mark.parametrize("change", [
    {"title": "  "},
    {"title": None},
    {"subtitle": 3},
    {"footer": b"bytes"},
    {"chart": ()},
    {"legend": {"target": "Doel"}},  # no label for the series in the chart
    {"sections": "tekst"},
    {"sections": (("Kop", "een tekst in plaats van een reeks"),)},
    {"sections": (("Kop", (3,)),)},
    {"sections": (("Kop",),)},
    {"chart": tuple(profile()) * 8},  # 224 rows: labels would be too small to read
])
def test_bad_reports_are_refused(change):
    with pytest.raises(ValueError):
        render_report(Report(**{**REPORT.__dict__, **change}))


def test_an_empty_report_body_is_fine():
    (page,) = pages(render_report(with_sections((), subtitle="", footer="")))
    assert REPORT.title in flat(page.extract_text())


def test_reports_in_threads_at_once():
    reports = [with_sections(SECTIONS, subtitle=f"Persoon {n}") for n in range(4)]
    with ThreadPoolExecutor(4) as pool:
        texts = [flat(pages(pdf)[0].extract_text()) for pdf in pool.map(render_report, reports)]
    assert all(f"Persoon {n}" in text for n, text in enumerate(texts))
