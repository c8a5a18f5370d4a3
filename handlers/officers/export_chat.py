"""Officers' spreadsheets in chat (/ekspor): pick an export and a format, get the file.

The same exports as the CLI's `export`: participants, enrollments, allocations, and the
evaluations (one row per participant and questionnaire, a column per question).

Buttons carry `ekspor:<kind>:<format>`; every press re-checks the officer role, since
exports carry personal data.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Final, Literal, get_args

from handlers.conversation.access import officer_actor, require_officer
from handlers.conversation.messages import Button, Document
from handlers.conversation.payloads import Payload
from handlers.conversation.router import Feature, on
from handlers.conversation.turn import Turn
from handlers.evaluations.results import write_evaluations
from handlers.officers.exports import EXPORTS, ExportKind, write_export
from handlers.spreadsheets.writing import FORMATS, ExportFormat

# What /ekspor offers: the officer exports and the evaluations (whose columns follow the
# questionnaires, so it is written by the evaluations domain).
ChatExport = Literal[ExportKind, "evaluations"]
CHAT_EXPORTS: Final[tuple[ChatExport, ...]] = get_args(ChatExport)
EVALUATIONS_FILENAME: Final = "evaluasi"


@dataclass(frozen=True)
class ExportFile(Payload, prefix="ekspor", officers="ekspor", audit="ekspor.file"):
    """`ekspor:<kind>:<format>`: build one export; exports carry personal data."""

    kind: ChatExport
    format: ExportFormat


async def offer_exports(turn: Turn, _arg: str) -> None:
    """Show one button per export and format (/ekspor)."""
    if await require_officer(turn, "ekspor") is None:
        return
    buttons = tuple(
        tuple(
            Button(
                turn.t(f"ekspor.kind.{kind}", format=export_format.upper()),
                ExportFile(kind, export_format).pack(),
            )
            for export_format in FORMATS
        )
        for kind in CHAT_EXPORTS
    )
    turn.say("ekspor.ask", buttons=buttons)


async def send_export(turn: Turn, pressed: ExportFile) -> None:
    """Build the chosen export and send it as a file."""
    officer = turn.checked_officer()
    kind, export_format = pressed.kind, pressed.format
    buffer = io.BytesIO()
    zone = turn.services.zone
    if kind == "evaluations":
        written = await write_evaluations(turn.storage, zone, buffer, export_format)
        name = EVALUATIONS_FILENAME
    else:
        written = await write_export(turn.storage, zone, kind, buffer, export_format)
        name = EXPORTS[kind].filename
    stamp = turn.now.astimezone(zone).strftime("%Y%m%d-%H%M")
    filename = f"{name}-{stamp}.{export_format}"
    caption = turn.t(f"ekspor.caption.{kind}", rows=written)
    turn.replies.append(Document(filename, buffer.getvalue(), caption))
    await turn.storage.audit.record(
        officer_actor(officer), f"export.{kind}.{export_format}", str(written), turn.now
    )


FEATURE = Feature(
    "officers.export_chat",
    commands={"ekspor": offer_exports},
    buttons=(on(ExportFile, send_export),),
)
