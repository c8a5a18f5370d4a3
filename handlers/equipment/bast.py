"""The Berita Acara Serah Terima (BAST): one PDF per participant of what was handed over.

Every text is drawn in DejaVu Sans (`handlers.documents.fonts`), so names keep their letters as
registered; only characters the font lacks (other scripts, emoji) become `?`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from handlers.conversation import texts
from handlers.conversation.timefmt import format_date, format_datetime
from handlers.documents.fonts import add_unicode_font, drawable
from handlers.equipment.rules import EquipmentRefused
from handlers.participants.validation import mask_nik
from storage import Storage
from storage.models import Allocation, Participant


@dataclass(frozen=True)
class Bast:
    """Everything a BAST shows, read from the database."""

    participant: Participant
    sessions: tuple[str, ...]
    allocations: tuple[Allocation, ...]

    @property
    def number(self) -> str:
        """Return the document number: participant id and the year of the first handover."""
        first = min(a.handed_over_at for a in self.allocations if a.handed_over_at is not None)
        return f"BAST/WUB-IKM/{self.participant.id:05d}/{first.year}"


async def load_bast(storage: Storage, participant: Participant) -> Bast:
    """Collect a participant's handed-over allocations and sessions, or refuse when none."""
    if participant.deleted_at is not None:
        raise EquipmentRefused("unknown_nik")
    handed = tuple(
        allocation
        for allocation in await storage.allocations.for_participant(participant.id)
        if allocation.handed_over_at is not None
    )
    if not handed:
        raise EquipmentRefused("nothing_handed_over")
    sessions = tuple(
        f"{item.session.title} ({item.session.code})"
        for item in await storage.enrollments.for_participant(participant.id)
        if item.enrollment.status == "enrolled" and item.session.cancelled_at is None
    )
    return Bast(participant, sessions, handed)


def pdf_text(text: str) -> str:
    """Return the text as the PDF draws it: every letter the font has kept as it is."""
    return drawable(text)


def bast_filename(bast: Bast) -> str:
    """Return a file name for the BAST that carries no personal data."""
    return f"BAST-{bast.participant.id:05d}.pdf"


class _Document:
    """Draw the BAST page by page with fpdf2."""

    def __init__(self, bast: Bast, zone: ZoneInfo, language: str, generated_at: datetime) -> None:
        self.bast = bast
        self.zone = zone
        self.language = language
        self.generated_at = generated_at
        self.pdf = FPDF(orientation="P", unit="mm", format="A4")
        self.font = add_unicode_font(self.pdf)
        self.pdf.set_creation_date(generated_at)
        self.pdf.set_title(pdf_text(self.t("bast.title")))
        self.pdf.set_author(pdf_text(self.t("bast.issuer")))
        self.pdf.set_auto_page_break(auto=True, margin=15)
        self.pdf.add_page()

    def t(self, key: str, **values: object) -> str:
        return texts.text(self.language, key, **values)

    def when(self, moment: datetime | None) -> str:
        return "-" if moment is None else format_datetime(moment, self.zone, self.language)

    def line(self, text: str, *, size: int = 10, style: str = "", align: str = "L") -> None:
        self.pdf.set_font(self.font, style, size)
        self.pdf.multi_cell(
            0, size * 0.5, pdf_text(text), align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )

    def render(self) -> bytes:
        self.heading()
        self.participant()
        self.items()
        self.signatures()
        self.pdf.ln(6)
        self.line(self.t("bast.generated", when=self.when(self.generated_at)), size=8)
        return bytes(self.pdf.output())

    def heading(self) -> None:
        self.line(self.t("bast.issuer"), size=11, style="B", align="C")
        self.line(self.t("bast.title"), size=14, style="B", align="C")
        self.line(self.t("bast.programme"), size=10, align="C")
        self.line(self.t("bast.number", number=self.bast.number), size=10, align="C")
        self.pdf.ln(4)
        self.line(self.t("bast.intro"))
        self.pdf.ln(2)

    def participant(self) -> None:
        person = self.bast.participant
        allocations = self.bast.allocations
        dates = sorted({a.handed_over_at for a in allocations if a.handed_over_at})
        shown_dates = dict.fromkeys(format_date(d, self.zone, self.language) for d in dates)
        confirmed = [a.confirmed_at for a in allocations if a.confirmed_at is not None]
        if len(confirmed) == len(allocations):
            confirmation = self.when(max(confirmed))
        else:
            confirmation = self.t("bast.confirmation_pending")
        for key, value in (
            ("bast.name", person.full_name or "-"),
            ("bast.nik", mask_nik(person.nik or "")),
            ("bast.business", person.business_name or "-"),
            ("bast.kecamatan", person.kecamatan or "-"),
            ("bast.sessions", ", ".join(self.bast.sessions) or "-"),
            ("bast.handover_dates", ", ".join(shown_dates)),
            ("bast.officers", ", ".join(self.officers())),
            ("bast.confirmed_at", confirmation),
        ):
            self.line(f"{self.t(key)}: {value}")
        self.pdf.ln(3)

    def officers(self) -> list[str]:
        return sorted({a.handed_over_by or "-" for a in self.bast.allocations})

    def items(self) -> None:
        self.pdf.set_font(self.font, "", 9)
        headers = (
            "bast.col.no",
            "bast.col.item",
            "bast.col.qty",
            "bast.col.handed_over",
            "bast.col.confirmation",
        )
        with self.pdf.table(col_widths=(8, 42, 22, 59, 59), line_height=5) as table:
            header = table.row()
            for key in headers:
                header.cell(pdf_text(self.t(key)))
            for number, allocation in enumerate(self.bast.allocations, start=1):
                row = table.row()
                for value in self.item_cells(number, allocation):
                    row.cell(pdf_text(value))
        self.pdf.ln(3)

    def item_cells(self, number: int, allocation: Allocation) -> tuple[str, ...]:
        handed = self.t(
            "bast.handed_over",
            when=self.when(allocation.handed_over_at),
            officer=allocation.handed_over_by or "-",
        )
        if allocation.confirmation is None:
            confirmed = self.t("bast.unconfirmed")
        else:
            confirmed = self.t(
                "bast.confirmed",
                answer=self.t(f"alat.answer.{allocation.confirmation}"),
                when=self.when(allocation.confirmed_at),
            )
        quantity = f"{allocation.quantity} {allocation.item_unit}"
        return (str(number), allocation.item_name, quantity, handed, confirmed)

    def signatures(self) -> None:
        self.pdf.ln(6)
        width = (self.pdf.w - self.pdf.l_margin - self.pdf.r_margin) / 2
        columns = (
            (self.t("bast.sign.officer"), ", ".join(self.officers())),
            (self.t("bast.sign.participant"), self.bast.participant.full_name or "-"),
        )
        self.pdf.set_font(self.font, "", 10)
        top = self.pdf.get_y()
        for index, (role, name) in enumerate(columns):
            self.pdf.set_xy(self.pdf.l_margin + index * width, top)
            self.pdf.multi_cell(width, 5, pdf_text(f"{role}\n\n\n\n({name})"), align="C")


def render_bast(bast: Bast, zone: ZoneInfo, generated_at: datetime, language: str = "id") -> bytes:
    """Return the BAST as PDF bytes (in Indonesian unless told otherwise)."""
    return _Document(bast, zone, language, generated_at).render()
