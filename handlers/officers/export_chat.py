"""Officers' spreadsheets in chat (/ekspor): pick an export and a format, get the file.

Buttons carry `ekspor:<kind>:<format>`; every press re-checks the officer role, since
exports carry personal data.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from handlers.conversation.access import officer_actor, require_officer
from handlers.conversation.messages import Button, Document
from handlers.conversation.payloads import Payload
from handlers.conversation.router import Feature, on
from handlers.conversation.turn import Turn
from handlers.officers.exports import EXPORT_KINDS, EXPORTS, ExportKind, write_export
from handlers.spreadsheets.writing import FORMATS, ExportFormat


@dataclass(frozen=True)
class ExportFile(Payload, prefix="ekspor", officers="ekspor", audit="ekspor.file"):
    """`ekspor:<kind>:<format>`: build one export; exports carry personal data."""

    kind: ExportKind
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
        for kind in EXPORT_KINDS
    )
    turn.say("ekspor.ask", buttons=buttons)


async def send_export(turn: Turn, pressed: ExportFile) -> None:
    """Build the chosen export and send it as a file."""
    officer = turn.checked_officer()
    kind, export_format = pressed.kind, pressed.format
    buffer = io.BytesIO()
    written = await write_export(turn.storage, turn.services.zone, kind, buffer, export_format)
    stamp = turn.now.astimezone(turn.services.zone).strftime("%Y%m%d-%H%M")
    filename = f"{EXPORTS[kind].filename}-{stamp}.{export_format}"
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
