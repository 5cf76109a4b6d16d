"""The bulletin as a Word file (.docx, python-docx): A4, the office's fonts, a title, headed paragraphs.

Chinese text needs its East Asian font named on each run (w:eastAsia), or Word falls back to a
Latin font for the characters' metrics; numbers use the same font so a line reads evenly.
"""
from __future__ import annotations

from pathlib import Path

from report.bulletin import Bulletin

BODY_FONT, TITLE_FONT, HEADING_FONT = "仿宋", "方正小标宋简体", "黑体"


def _font(run, name: str, size_pt: float, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = name
    run.font.size = Pt(size_pt)
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)


def write_docx(bulletin: Bulletin, path: Path, subtitle: str | None = None) -> Path:
    """Write the bulletin to `path` (A4, 2.54/3.17 cm margins as in the office's own files)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2.54)
    section.left_margin = section.right_margin = Cm(3.17)
    doc.core_properties.title = bulletin.title
    doc.core_properties.author = "zonestat"

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(bulletin.title), TITLE_FONT, 18, bold=True)
    if subtitle:
        sub = doc.add_paragraph()
        sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(sub.add_run(subtitle), BODY_FONT, 12)
    for sec in bulletin.sections:
        heading = doc.add_paragraph()
        heading.paragraph_format.space_before = Pt(6)
        heading.paragraph_format.keep_with_next = True     # no heading alone at a page foot
        _font(heading.add_run(sec.heading), HEADING_FONT, 16)
        for text in sec.paragraphs:
            para = doc.add_paragraph()
            para.paragraph_format.first_line_indent = Pt(32)  # two characters, as printed bulletins are
            para.paragraph_format.line_spacing = Pt(28)
            _font(para.add_run(text), BODY_FONT, 16)
    for text in (bulletin.note, bulletin.stale_note):
        if text:
            _font(doc.add_paragraph().add_run(text), BODY_FONT, 12)
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    doc.save(str(tmp))
    tmp.replace(path)
    return path
