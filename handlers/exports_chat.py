"""Officers' spreadsheets in chat (/ekspor): pick an export and a format, get the file.

Buttons carry `ekspor:<kind>:<format>`; every press re-checks the officer role, since
exports carry personal data.
"""

from __future__ import annotations

import io
from typing import Final

from handlers.core import Button, Document
from handlers.exports import FORMATS
from handlers.officers_auth import officer_actor, require_officer
from handlers.participant_exports import EXPORT_KINDS, EXPORTS, write_export
from handlers.router import Feature
from handlers.turn import Turn

PREFIX: Final = "ekspor"


async def offer_exports(turn: Turn, _arg: str) -> None:
    """Show one button per export and format (/ekspor)."""
    if await require_officer(turn, "ekspor") is None:
        return
    buttons = tuple(
        tuple(
            Button(
                turn.t(f"ekspor.kind.{kind}", format=export_format.upper()),
                f"{PREFIX}:{kind}:{export_format}",
            )
            for export_format in FORMATS
        )
        for kind in EXPORT_KINDS
    )
    turn.say("ekspor.ask", buttons=buttons)


async def on_button(turn: Turn, pressed: str) -> None:
    """Build the chosen export and send it as a file."""
    officer = await require_officer(turn, "ekspor.file")
    if officer is None:
        return
    parts = pressed.split(":")
    kind = next((known for known in EXPORT_KINDS if parts[1:2] == [known]), None)
    export_format = next((known for known in FORMATS if parts[2:3] == [known]), None)
    if kind is None or export_format is None or len(parts) != 3:
        turn.say("stale_button")
        return
    buffer = io.BytesIO()
    written = await write_export(turn.storage, turn.services.zone, kind, buffer, export_format)
    stamp = turn.now.astimezone(turn.services.zone).strftime("%Y%m%d-%H%M")
    filename = f"{EXPORTS[kind].filename}-{stamp}.{export_format}"
    caption = turn.t(f"ekspor.caption.{kind}", rows=written)
    turn.replies.append(Document(filename, buffer.getvalue(), caption))
    await turn.storage.audit.record(
        officer_actor(officer), f"export.{kind}.{export_format}", str(written), turn.now
    )


FEATURE = Feature(commands={"ekspor": offer_exports}, buttons={PREFIX: on_button})
