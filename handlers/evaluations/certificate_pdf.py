"""The certificate as an A4 landscape PDF: DejaVu Sans embedded, a QR code of its check page."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Final

import segno
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from handlers.conversation import texts
from handlers.documents.fonts import add_unicode_font

QR_SIZE_MM: Final = 38
QR_SCALE: Final = 10


@dataclass(frozen=True)
class CertificateView:
    """Everything a certificate shows, already in words."""

    number: str
    holder_name: str
    session_title: str
    dates: str
    hours: int | None
    issued_on: str
    signatory_name: str | None
    signatory_title: str
    # The check page's address, or the number alone when PUBLIC_BASE_URL is not set.
    qr_content: str
    generated_at: datetime


def qr_png(content: str) -> bytes:
    """Return a PNG QR code of the content, sharp enough to print and scan."""
    code = segno.make(content, error="m", micro=False)
    image = io.BytesIO()
    code.save(image, kind="png", scale=QR_SCALE, border=2)
    return image.getvalue()


class _Page:
    def __init__(self, view: CertificateView, language: str) -> None:
        self.view = view
        self.language = language
        self.pdf = FPDF(orientation="L", unit="mm", format="A4")
        self.font = add_unicode_font(self.pdf)
        self.pdf.set_creation_date(view.generated_at)
        self.pdf.set_title(self.t("cert.pdf.title") + " " + view.number)
        self.pdf.set_author(self.t("bast.issuer"))
        self.pdf.set_auto_page_break(auto=False)
        self.pdf.set_margins(25, 18, 25)
        self.pdf.add_page()

    def t(self, key: str, **values: object) -> str:
        return texts.text(self.language, key, **values)

    def centred(self, text: str, size: float, style: str = "", gap: float = 0) -> None:
        self.pdf.set_font(self.font, style, size)
        self.pdf.multi_cell(0, size * 0.45, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if gap:
            self.pdf.ln(gap)

    def render(self) -> bytes:
        pdf, view = self.pdf, self.view
        pdf.set_draw_color(30, 70, 120)
        pdf.set_line_width(1.2)
        pdf.rect(8, 8, pdf.w - 16, pdf.h - 16)
        pdf.set_line_width(0.3)
        pdf.rect(11, 11, pdf.w - 22, pdf.h - 22)
        pdf.set_y(20)
        self.centred(self.t("bast.issuer"), 13, "B")
        self.centred(self.t("bast.programme"), 10.5, gap=6)
        self.centred(self.t("cert.pdf.title").upper(), 30, "B", gap=1)
        self.centred(self.t("cert.pdf.number", number=view.number), 11, gap=7)
        self.centred(self.t("cert.pdf.given_to"), 12, gap=2)
        self.centred(view.holder_name, 24, "B", gap=3)
        self.centred(self.t("cert.pdf.for"), 12, gap=2)
        self.centred(view.session_title, 16, "B", gap=2)
        when = view.dates
        if view.hours is not None:
            when = self.t("cert.pdf.dates_hours", dates=view.dates, hours=view.hours)
        self.centred(when, 12)
        self.signature()
        self.qr()
        return bytes(pdf.output())

    def signature(self) -> None:
        pdf, view = self.pdf, self.view
        width = 95
        left = pdf.w - pdf.r_margin - width
        pdf.set_xy(left, 150)
        pdf.set_font(self.font, "", 11)
        lines = [view.issued_on, view.signatory_title]
        pdf.multi_cell(width, 5.5, "\n".join(lines), align="C")
        pdf.set_xy(left, 178)
        pdf.set_font(self.font, "B", 11)
        pdf.multi_cell(width, 5.5, view.signatory_name or " ", align="C")

    def qr(self) -> None:
        pdf, view = self.pdf, self.view
        top = pdf.h - 18 - QR_SIZE_MM - 8
        pdf.image(io.BytesIO(qr_png(view.qr_content)), x=28, y=top, w=QR_SIZE_MM)
        pdf.set_xy(28 + QR_SIZE_MM + 4, top + QR_SIZE_MM - 16)
        pdf.set_font(self.font, "", 8)
        caption = self.t("cert.pdf.check", target=view.qr_content)
        pdf.multi_cell(90, 4, caption, align="L")


def render_certificate(view: CertificateView, language: str = "id") -> bytes:
    """Return the certificate as PDF bytes (in Indonesian unless told otherwise)."""
    return _Page(view, language).render()
