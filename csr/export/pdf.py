"""The pack as a Danish A4 PDF (fpdf2): title page, the targets, the charts, the tables, the method.

fpdf2 is pure Python and needs no browser. The text is set in DejaVu Sans from `csr/fonts` (embedded
as a subset), so æ, ø, å, "–" and "−" print on any machine. Charts are PNG images from vl-convert
with at least `charts.PRINT_PPI` pixels per printed inch (`csr.export.images`), never printed larger
than drawn. Not SVG: fpdf2's SVG reader rejects vl-convert's SVG (paths with an empty `d`, lines
without `x1`) and would set its text in a core font without "−".
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import Align, TableBordersLayout, XPos, YPos
from fpdf.fonts import FontFace

from csr import text
from csr.export.content import SOFT_HYPHEN, TEXT, TEXTUAL, Pack, Table, cell_text
from csr.export.images import Png
from csr.store import danish_time

FONTS = Path(__file__).resolve().parents[1] / "fonts"
FONT = "DejaVu"

MARGIN = 20.0
WIDTH = 210.0 - 2 * MARGIN
INK = (34, 34, 34)
MUTED = (90, 90, 90)
ACCENT = (0, 76, 129)
RULE = (200, 200, 200)
HEAD_FILL = (234, 240, 246)
STATUS_COLOURS = {True: (0, 114, 178), False: (213, 94, 0), None: MUTED}  # Okabe-Ito, as the charts
PROVISIONAL_COLOUR = (160, 90, 0)
PADDING = 1.2

# A number and its unit stay on one line: "22,4 %", "+1,9 pp", "kl. 04.16", "nr. 3".
_KEEP_TOGETHER = re.compile(r"(?<=\d) (?=%|pp\b)|(?<=\bkl\.) (?=\d)|(?<=\bnr\.) (?=\d)")


def keep_together(body: str) -> str:
    """`body` with no-break spaces where a line break would split a number from its unit."""
    return _KEEP_TOGETHER.sub("\u00a0", body)


class _Document(FPDF):
    def __init__(self, pack: Pack):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.pack = pack
        self._widths: dict[tuple[str, str], float] = {}
        self.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_margins(MARGIN, 18, MARGIN)
        self.set_auto_page_break(True, margin=20)
        self.alias_nb_pages()
        self.set_title(f"{pack.title}: {pack.strategy}")
        self.set_author(f"{pack.organisation}, HR")
        self.set_subject(f"Evaluering af {pack.strategy} for {pack.year_label}")
        self.set_lang("da")
        self.set_creation_date(pack.generated)

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_font(FONT, "", 8)
        self.set_text_color(*MUTED)
        label = f"{self.pack.title} · {self.pack.strategy} · {self.pack.organisation}"
        self.cell(WIDTH / 2, 5, label, new_x=XPos.RIGHT, new_y=YPos.TOP)
        if self.pack.provisional:
            self.set_text_color(*PROVISIONAL_COLOUR)
            self.cell(WIDTH / 2, 5, f"Foreløbige tal for {self.pack.year}", align=Align.R)
        self.ln(9)
        self.set_text_color(*INK)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_draw_color(*RULE)
        self.line(MARGIN, self.get_y() - 1, MARGIN + WIDTH, self.get_y() - 1)
        self.set_font(FONT, "", 8)
        self.set_text_color(*MUTED)
        self.cell(WIDTH * 0.75, 5, self.pack.provenance.version_text(), new_x=XPos.RIGHT, new_y=YPos.TOP)
        self.cell(WIDTH * 0.25, 5, f"Side {self.page_no()} af {{nb}}", align=Align.R)
        self.set_text_color(*INK)

    # ---- building blocks -----------------------------------------------------------------------

    def space_left(self) -> float:
        return self.page_break_trigger - self.get_y()

    def heading(self, title: str, size: float = 15, before: float = 2) -> None:
        if self.space_left() < 40:  # never a heading alone at the foot of a page
            self.add_page()
        self.ln(before)
        self.set_font(FONT, "B", size)
        self.set_text_color(*ACCENT)
        self.multi_cell(WIDTH, size * 0.5, title, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*INK)
        self.ln(2)

    def paragraph(
        self, body: str, size: float = 10, colour: tuple[int, int, int] = INK, bold: bool = False, after: float = 2.5
    ) -> None:
        self.set_font(FONT, "B" if bold else "", size)
        self.set_text_color(*colour)
        self.multi_cell(WIDTH, size * 0.5, keep_together(body), align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*INK)
        self.ln(after)

    def bullets(self, lines: list[str] | tuple[str, ...], size: float = 9) -> None:
        self.set_font(FONT, "", size)
        for line in lines:
            self.cell(5, size * 0.5, "•")
            self.multi_cell(
                WIDTH - 5, size * 0.5, keep_together(line), align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )
            self.ln(1)
        self.ln(1.5)

    def status(self, met: bool | None, size: float = 10) -> None:
        """Mark and word together, in colour as well (never colour alone)."""
        self.set_font(FONT, "B", size)
        self.set_text_color(*STATUS_COLOURS[met])
        self.cell(
            0, size * 0.5, f"{text.status_mark(met)} {text.status_word(met)}", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        self.set_text_color(*INK)

    def text_width(self, body: str, style: str, size: float) -> float:
        """The printed width of `body` in mm; measured once per text and style (width grows with size)."""
        key = (body, style)
        if key not in self._widths:
            current = (self.font_style, self.font_size_pt)
            self.set_font(FONT, style, 10)
            self._widths[key] = self.get_string_width(body)
            self.set_font(FONT, *current)
        return self._widths[key] * size / 10

    def column_widths(self, table: Table, cells: list[list[str]], size: float) -> tuple[float, ...] | None:
        """Widths that never break a word: numbers and headers get what their longest word needs,
        text columns share the rest by their weights. None when the words do not fit at `size`."""

        def width(texts: list[str], style: str, whole: bool) -> float:
            parts = texts if whole else [w for t in texts for w in re.split(f"[ {SOFT_HYPHEN}]", t)]
            return max((self.text_width(p, style, size) for p in parts), default=0.0)

        need = []
        for i, column in enumerate(table.columns):
            plain = [row[i] for r, row in enumerate(cells) if r not in table.bold_rows]
            bold = [row[i] for r, row in enumerate(cells) if r in table.bold_rows]
            whole = column.kind != TEXT  # numbers and a status stay on one line; text may wrap between words
            words = max(width([column.printed_header], "B", False), width(plain, "", whole), width(bold, "B", whole))
            need.append(words + 2 * PADDING + 0.6)
        spare = WIDTH - sum(need)
        if spare < 0:
            return None
        text_columns = [i for i, c in enumerate(table.columns) if c.kind == TEXT] or list(range(len(need)))
        weights = sum(table.columns[i].width for i in text_columns)
        return tuple(
            n + (spare * table.columns[i].width / weights if i in text_columns else 0.0) for i, n in enumerate(need)
        )

    def table_height(self, cells: list[list[str]], headers: list[str], widths: tuple[float, ...], size: float) -> float:
        """About how tall the table will be (to keep a short table on one page)."""
        line = size * 0.48
        height = 0.0
        for row in [headers, *cells]:
            lines = max(
                max(1, math.ceil(self.text_width(c, "", size) / max(1.0, w - 2 * PADDING)))
                for c, w in zip(row, widths, strict=True)
            )
            height += lines * line + 2 * PADDING
        return height

    def table_block(self, table: Table, size: float = 8.5, title: bool = True) -> None:
        cells = [
            [keep_together(cell_text(c.kind, v)) for c, v in zip(table.columns, row, strict=True)] for row in table.rows
        ]
        widths = self.column_widths(table, cells, size)
        while widths is None and size > 6.0:  # smaller type before words break
            size -= 0.5
            widths = self.column_widths(table, cells, size)
        if widths is None:
            widths = tuple(WIDTH * c.width / sum(c.width for c in table.columns) for c in table.columns)
        headers = [c.printed_header for c in table.columns]
        height = self.table_height(cells, headers, widths, size) + (8 if title else 0)
        if height > self.space_left() and height < self.page_break_trigger - self.t_margin - 15:
            self.add_page()
        if title:
            self.paragraph(table.title, size=10.5, bold=True, after=1.5)
        aligns = tuple("LEFT" if c.kind in TEXTUAL else "RIGHT" for c in table.columns)
        self.set_font(FONT, "", size)
        self.set_draw_color(*RULE)
        bold = FontFace(emphasis="BOLD")
        with self.table(
            col_widths=widths,
            text_align=aligns,
            width=WIDTH,
            line_height=size * 0.48,
            borders_layout=TableBordersLayout.HORIZONTAL_LINES,
            padding=PADDING,
            headings_style=FontFace(emphasis="BOLD", color=ACCENT, fill_color=HEAD_FILL),
            v_align="MIDDLE",
        ) as grid:
            grid.row(headers)
            for i, row in enumerate(cells):
                grid.row(row, style=bold if i in table.bold_rows else None)
        self.ln(1.5)
        if table.note:
            self.paragraph(table.note, size=8, colour=MUTED)
        self.ln(2)

    def chart(self, png: Png, heading: str, caption: str, max_width: float = WIDTH) -> None:
        """A chart (with a heading if given) and the sentence under it, kept together on one page."""
        self.set_font(FONT, "", 9.5)
        lines = self.multi_cell(WIDTH, 4.75, keep_together(caption), dry_run=True, output="LINES")
        caption_height = (len(lines) if isinstance(lines, list) else 1) * 4.75 + (12 if heading else 6)
        usable = self.page_break_trigger - self.t_margin - 12 - caption_height
        width, height = png.fit(max_width, usable)
        if self.space_left() < height + caption_height:
            self.add_page()
        if heading:
            self.paragraph(heading, size=10.5, bold=True, after=1)
        x = MARGIN + (WIDTH - width) / 2
        self.image(
            png.rgb if png.rgb is not None else png.data, x=x, y=self.get_y(), w=width, h=height, alt_text=caption
        )
        self.set_y(self.get_y() + height + 1.5)
        self.paragraph(caption, size=9.5, colour=MUTED, after=4)


def _title_page(pdf: _Document, pack: Pack) -> None:
    pdf.add_page()
    pdf.set_y(28)
    pdf.paragraph(f"{pack.organisation.upper()} · HR", size=9, colour=MUTED, after=1)
    pdf.set_font(FONT, "B", 28)
    pdf.set_text_color(*ACCENT)
    pdf.multi_cell(WIDTH, 13, pack.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.paragraph(f"Social ansvarlighed: evaluering af {pack.strategy} for {pack.year_label}", size=13, after=2)
    if pack.provisional:
        pdf.paragraph(
            f"Foreløbige tal: {pack.year} er ikke et helt år i data endnu.",
            size=11,
            colour=PROVISIONAL_COLOUR,
            bold=True,
            after=2,
        )
    if pack.provenance.sample:
        pdf.paragraph(
            "Eksempeldata: tallene kommer fra de medfølgende eksempelfiler, ikke fra HR's egne tal.",
            size=10,
            colour=PROVISIONAL_COLOUR,
            bold=True,
            after=2,
        )
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.6)
    pdf.line(MARGIN, pdf.get_y() + 1, MARGIN + WIDTH, pdf.get_y() + 1)
    pdf.set_line_width(0.2)
    pdf.ln(5)
    pdf.heading(f"Året kort: {pack.year_label}", size=13, before=0)
    for sentence in pack.summary:
        pdf.paragraph(sentence, size=10.5)
    for note in pack.notes:
        pdf.paragraph(note, size=9.5, colour=MUTED)
    pdf.table_block(pack.tables["maal"], size=8, title=False)
    pdf.set_y(max(pdf.get_y(), pdf.page_break_trigger - 12))
    pdf.paragraph(
        f"{pack.provenance.version_text()}. Lavet {danish_time(pack.generated)}. Hvor tallene kommer "
        "fra, og hvordan de er regnet: se det sidste afsnit.",
        size=8,
        colour=MUTED,
        after=0,
    )


def _targets(pdf: _Document, pack: Pack, number: int) -> None:
    pdf.add_page()
    pdf.heading(f"{number}. Målene i {pack.year_label}")
    for result in pack.targets:
        if pdf.space_left() < 28:
            pdf.add_page()
        pdf.set_font(FONT, "B", 10.5)
        pdf.multi_cell(WIDTH, 5.2, result.name, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.status(result.met, size=9.5)
        pdf.ln(0.8)
        pdf.paragraph(result.sentence, size=10, after=4)


def _section_charts(pdf: _Document, pack: Pack, images: Mapping[str, Png], names: list[str]) -> None:
    for name in names:
        item = pack.chart(name)
        if item is not None and name in images:
            pdf.chart(images[name], item.heading, item.caption, item.width_mm)
        elif name in pack.chart_notes:
            pdf.paragraph(pack.chart_notes[name])


def pdf_bytes(pack: Pack, images: Mapping[str, Png]) -> bytes:
    """The pack as a PDF (A4, Danish, page numbers "Side 1 af N")."""
    pdf = _Document(pack)
    _title_page(pdf, pack)
    sections = iter(range(1, 20))
    _targets(pdf, pack, next(sections))
    _section_charts(pdf, pack, images, ["figur1"])

    pdf.add_page()
    pdf.heading(f"{next(sections)}. Udviklingen år for år")
    _section_charts(pdf, pack, images, ["udvikling"])
    pdf.table_block(pack.tables["aar"])

    pdf.add_page()
    pdf.heading(f"{next(sections)}. Omegnskommunerne")
    for note in pack.neighbour_notes:
        pdf.paragraph(note, size=9.5)
    neighbour_charts = [c.name for c in pack.charts if c.name.startswith("omegn_")]
    _section_charts(pdf, pack, images, neighbour_charts)
    for key, table in pack.tables.items():
        if key.startswith("omegn_"):
            pdf.table_block(table, size=7.5)

    pdf.add_page()
    pdf.heading(f"{next(sections)}. Praktik- og elevpladser")
    _section_charts(pdf, pack, images, ["praktikpladser"])
    if "praktikpladser" in pack.tables:
        pdf.table_block(pack.tables["praktikpladser"])

    pdf.add_page()
    pdf.heading(f"{next(sections)}. Ordningerne")
    pdf.table_block(pack.tables["ordninger"], size=8)

    if pack.outlook is not None:
        outlook = pack.outlook
        pdf.add_page()
        pdf.heading(f"{next(sections)}. Udsigt: scenariet «{outlook.name}» for {outlook.year}")
        pdf.paragraph(
            "Et scenarie fra planlægningen: hvad målene ville vise, hvis planen gennemføres. Det er en "
            "beregning, ikke et resultat.",
            size=9.5,
            colour=MUTED,
        )
        pdf.paragraph(outlook.sentence)
        for note in outlook.notes:
            pdf.paragraph(note, size=9.5, colour=MUTED)
        if outlook.plan.rows:
            pdf.table_block(outlook.plan)
        pdf.table_block(outlook.targets)

    pdf.add_page()
    pdf.heading(f"{next(sections)}. Metode og datagrundlag")
    for paragraph in pack.method:
        pdf.paragraph(paragraph, size=9.5)
    pdf.paragraph("Filerne bag tallene", size=10.5, bold=True, after=1.5)
    pdf.bullets(pack.sources or ("Ingen filer er oplyst.",))
    pdf.paragraph(
        f"Rapporten er lavet {danish_time(pack.generated)} af csr-dashboard ud fra {pack.strategy}.",
        size=9,
        colour=MUTED,
    )
    return bytes(pdf.output())
