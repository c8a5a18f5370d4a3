"""The domain services the console calls: the same functions chat and the CLI call.

Every console page imports the rest of the code base through this module only, so the
console follows the code base's shape from one place.
"""

from __future__ import annotations

from handlers.broadcasts.audiences import AUDIENCE_KINDS, Audience, InvalidAudience, parse_audience
from handlers.broadcasts.service import (
    BroadcastRefused,
    cancel_scheduled,
    check_text,
    compose,
    count_audience,
    report,
    start_broadcast,
)
from handlers.conversation import texts
from handlers.conversation.access import officer_actor
from handlers.conversation.timefmt import (
    format_date,
    format_datetime,
    format_time,
    parse_local_datetime,
)
from handlers.conversation.turn import Services
from handlers.equipment.bast import bast_filename, load_bast, render_bast
from handlers.equipment.cases import load_case, resolve_case
from handlers.equipment.imports import ParsedSheet as ParsedAllocationSheet
from handlers.equipment.imports import parse_sheet as parse_allocation_sheet
from handlers.equipment.rules import EquipmentRefused, read_quantity
from handlers.equipment.service import (
    add_item,
    find_item,
    hand_over,
    import_allocations,
    set_allocation,
)
from handlers.helpdesk.rules import (
    MAX_MESSAGE,
    MAX_NOTE,
    TicketRefused,
    check_actionable,
    check_length,
)
from handlers.helpdesk.tickets import CHANNEL_NAMES, officer_label
from handlers.helpdesk.tickets import answer as answer_ticket
from handlers.helpdesk.tickets import close as close_ticket
from handlers.helpdesk.tickets import take as take_ticket
from handlers.officers.exports import EXPORT_KINDS, EXPORTS, ExportKind
from handlers.officers.numbers import SESSIONS_SINCE
from handlers.officers.roster import (
    RosterRefused,
    add_officer,
    read_role,
    remove_officer,
    rename_officer,
    set_role,
)
from handlers.participants.admin import (
    ParticipantEditRefused,
    edit_participant,
    erase_by_officer,
    reveal_nik,
)
from handlers.participants.validation import mask_nik
from handlers.sessions.qr import BotUsernameUnknown, bot_username, checkin_link
from handlers.sessions.service import (
    NewSession,
    SessionChangeRefused,
    SessionEdit,
    cancel_session,
    check_times,
    create_session,
    edit_session,
    mark_attended_by_officer,
    move_session,
    read_capacity,
    read_code,
    read_label,
    read_maps_url,
    set_registration,
)
from handlers.spreadsheets.reading import SheetError, TableError, TableLimits, read_table
from handlers.spreadsheets.reasons import BadRow, render
from handlers.spreadsheets.writing import FORMATS, CellValue, ExportFormat, write_table

__all__ = [
    "CHANNEL_NAMES",
    "MAX_MESSAGE",
    "MAX_NOTE",
    "TicketRefused",
    "check_actionable",
    "check_length",
    "answer_ticket",
    "close_ticket",
    "take_ticket",
    "officer_label",
    "AUDIENCE_KINDS",
    "EXPORTS",
    "EXPORT_KINDS",
    "FORMATS",
    "SESSIONS_SINCE",
    "Audience",
    "BadRow",
    "BotUsernameUnknown",
    "BroadcastRefused",
    "CellValue",
    "EquipmentRefused",
    "ExportFormat",
    "ExportKind",
    "InvalidAudience",
    "NewSession",
    "ParsedAllocationSheet",
    "ParticipantEditRefused",
    "RosterRefused",
    "Services",
    "SessionChangeRefused",
    "SessionEdit",
    "SheetError",
    "TableError",
    "TableLimits",
    "add_item",
    "add_officer",
    "bast_filename",
    "bot_username",
    "cancel_scheduled",
    "cancel_session",
    "check_text",
    "check_times",
    "checkin_link",
    "compose",
    "count_audience",
    "create_session",
    "edit_participant",
    "edit_session",
    "erase_by_officer",
    "find_item",
    "format_date",
    "format_datetime",
    "format_time",
    "hand_over",
    "import_allocations",
    "load_bast",
    "load_case",
    "mark_attended_by_officer",
    "mask_nik",
    "move_session",
    "officer_actor",
    "parse_allocation_sheet",
    "parse_audience",
    "parse_local_datetime",
    "read_capacity",
    "read_code",
    "read_label",
    "read_maps_url",
    "read_quantity",
    "read_role",
    "read_table",
    "render",
    "remove_officer",
    "rename_officer",
    "render_bast",
    "report",
    "resolve_case",
    "reveal_nik",
    "set_allocation",
    "set_registration",
    "set_role",
    "start_broadcast",
    "texts",
    "write_table",
]
