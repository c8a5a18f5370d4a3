"""The FAQ at the officers' desk in chat (/faq): list, add, change, remove, import a sheet.

The same rules as `python -m bot faq ...` (`FaqInput`, one entry per question, every change
audited); the running bot's FAQ index sees a change at the next question, as for the CLI.
A sheet sent as a document goes through the CLI's own reader and import (`faqs.py`).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

from pydantic import ValidationError

from handlers.conversation import flows
from handlers.conversation.access import OfficersOnly, officer_actor, require_officer
from handlers.conversation.messages import Button
from handlers.conversation.payloads import Payload
from handlers.conversation.router import Feature, on
from handlers.conversation.turn import Turn
from handlers.helpdesk.faqs import FaqInput, describe, import_faqs, read_faq_sheet
from handlers.spreadsheets.reading import SheetError
from handlers.spreadsheets.reasons import BadRow, render
from storage.helpdesk import Faq

# Entries listed in one message; more are listed by the CLI.
MAX_LISTED: Final = 20
# How much of a question a button label shows.
LABEL_CHARS: Final = 24
FIELDS: Final = ("question", "answer", "keywords")
# A sheet sent in chat: its size (5,000 FAQ rows fit well within), and bad lines listed.
MAX_SHEET_BYTES: Final = 2 * 2**20
MAX_PROBLEMS_SHOWN: Final = 15
# An .xlsx is a zip archive; anything else is read as CSV (the reader refuses what is not).
_ZIP_MAGIC: Final = b"PK\x03\x04"
Field = Literal["question", "answer", "keywords"]


@dataclass(frozen=True)
class FaqButton(Payload, prefix="faq", officers="faq"):
    """The FAQ desk, `faq:<action>[:<entry>]`; every press re-checks the officer role."""


class ListFaqs(FaqButton, tag="list"):
    """The entries."""


class AddFaq(FaqButton, tag="add"):
    """Add an entry (a flow)."""


class ImportFaqs(FaqButton, tag="imp"):
    """Import entries from a sheet sent as a document (a flow)."""


@dataclass(frozen=True)
class EntryButton(FaqButton):
    """A desk button about one entry: `faq:<action>:<entry>`."""

    faq_id: int


class EditFaq(EntryButton, tag="edit"):
    """Change an entry (a flow)."""


class AskRemoveFaq(EntryButton, tag="rm"):
    """Ask to confirm removing an entry."""


class RemoveFaq(EntryButton, tag="rmok"):
    """Remove the entry."""


async def faq_command(turn: Turn, _arg: str) -> None:
    """/faq: the entries with buttons to change or remove them, and one to add."""
    if await require_officer(turn, "faq") is None:
        return
    await show_faqs(turn)


async def show_faqs(turn: Turn) -> None:
    """List the entries."""
    entries = await turn.storage.faqs.list_all()
    shown = entries[:MAX_LISTED]
    buttons: list[tuple[Button, ...]] = [
        (
            Button(
                turn.t("faq.btn.edit", id=faq.id, question=_short(faq)), EditFaq(faq.id).pack()
            ),
            Button(turn.t("faq.btn.remove", id=faq.id), AskRemoveFaq(faq.id).pack()),
        )
        for faq in shown
    ]
    buttons.append(
        (
            Button(turn.t("faq.btn.add"), AddFaq().pack()),
            Button(turn.t("faq.btn.import"), ImportFaqs().pack()),
        )
    )
    body = "\n\n".join(describe(faq) for faq in shown) or turn.t("faq.none")
    more = turn.t("faq.more", count=len(entries) - len(shown)) if len(entries) > len(shown) else ""
    turn.say("faq.list", buttons=tuple(buttons), entries=body + more)


def _short(faq: Faq) -> str:
    question = faq.question
    return question if len(question) <= LABEL_CHARS else question[: LABEL_CHARS - 1] + "…"


async def list_faqs(turn: Turn, _pressed: ListFaqs) -> None:
    """List the entries again."""
    await show_faqs(turn)


async def start_add(turn: Turn, _pressed: AddFaq) -> None:
    """Begin a new entry: ask its question."""
    await ADD_FLOW.begin(turn)


async def start_import(turn: Turn, _pressed: ImportFaqs) -> None:
    """Begin an import: ask for the sheet."""
    await IMPORT_FLOW.begin(turn)


async def start_edit(turn: Turn, pressed: EditFaq) -> None:
    """Begin changing an entry: ask which part."""
    faq = await turn.storage.faqs.get(pressed.faq_id)
    if faq is None:
        turn.say("faq.gone")
        return
    await EDIT_FLOW.begin(turn, {"faq_id": faq.id})


async def ask_remove(turn: Turn, pressed: AskRemoveFaq) -> None:
    """Ask to confirm removing an entry."""
    faq = await turn.storage.faqs.get(pressed.faq_id)
    if faq is None:
        turn.say("faq.gone")
        return
    buttons = (
        (
            Button(turn.t("faq.remove.yes"), RemoveFaq(faq.id).pack()),
            Button(turn.t("faq.remove.no"), ListFaqs().pack()),
        ),
    )
    turn.say("faq.remove.confirm", buttons=buttons, entry=describe(faq))


async def remove(turn: Turn, pressed: RemoveFaq) -> None:
    """Remove an entry."""
    storage = turn.storage
    if not await storage.faqs.remove(pressed.faq_id):
        turn.say("faq.gone")
        return
    actor = officer_actor(turn.checked_officer())
    await storage.audit.record(actor, "faq.remove", f"faq:{pressed.faq_id}", turn.now)
    turn.say("faq.removed", id=pressed.faq_id)
    await show_faqs(turn)


def _checked(turn: Turn, **values: str) -> FaqInput | None:
    """Return the entry validated, or None after saying what is wrong."""
    try:
        return FaqInput.model_validate(values)
    except ValidationError:
        turn.say("faq.invalid")
        return None


# Adding: question, answer, keywords (or none), then saved.


async def _ask_question(turn: Turn, _data: flows.Data) -> flows.Prompt:
    return flows.Prompt(turn.t("faq.ask.question"))


async def _on_question(turn: Turn, data: flows.Data, answer: flows.Answer) -> flows.Outcome:
    text = answer.text
    entry = None if text is None else _checked(turn, question=text, answer="-")
    if entry is None:
        return flows.Stay(ask=text is None)
    if await turn.storage.faqs.get_by_question(entry.question) is not None:
        turn.say("faq.exists")
        return flows.Stay(ask=False)
    return flows.Go("answer", {**data, "question": entry.question})


async def _ask_answer(turn: Turn, _data: flows.Data) -> flows.Prompt:
    return flows.Prompt(turn.t("faq.ask.answer"))


async def _on_answer(turn: Turn, data: flows.Data, answer: flows.Answer) -> flows.Outcome:
    text = answer.text
    entry = None if text is None else _checked(turn, question="---", answer=text)
    if entry is None:
        return flows.Stay(ask=text is None)
    return flows.Go("keywords", {**data, "answer": entry.answer})


async def _ask_keywords(turn: Turn, _data: flows.Data) -> flows.Prompt:
    return flows.Prompt(turn.t("faq.ask.keywords"))


async def _keyword_choices(turn: Turn, _data: flows.Data) -> flows.Rows:
    return ((flows.Choice(turn.t("faq.btn.no_keywords"), "none"),),)


async def _on_keywords(turn: Turn, data: flows.Data, answer: flows.Answer) -> flows.Outcome:
    if answer.value not in (None, "none") or (answer.value is None and answer.text is None):
        turn.say("invalid.choice" if answer.value is not None else "invalid.text_expected")
        return flows.Stay()
    keywords = "" if answer.value == "none" else str(answer.text)
    entry = _checked(
        turn,
        question=str(data.get("question", "")),
        answer=str(data.get("answer", "")),
        keywords=keywords,
    )
    if entry is None:
        return flows.Stay(ask=False)
    storage = turn.storage
    if await storage.faqs.get_by_question(entry.question) is not None:
        turn.say("faq.exists")
        return flows.End()
    faq = await storage.faqs.add(entry.question, entry.answer, entry.keywords, turn.now)
    actor = officer_actor(turn.checked_officer())
    await storage.audit.record(actor, "faq.add", f"faq:{faq.id}", turn.now)
    turn.say("faq.added", entry=describe(faq))
    return flows.End()


# Changing: which part, then its new text.


async def _entry(turn: Turn, data: flows.Data) -> Faq | None:
    faq_id = data.get("faq_id")
    faq = await turn.storage.faqs.get(faq_id) if isinstance(faq_id, int) else None
    if faq is None:
        turn.say("faq.gone")
    return faq


async def _ask_field(turn: Turn, data: flows.Data) -> flows.Prompt | flows.End:
    faq = await _entry(turn, data)
    if faq is None:
        return flows.End()
    return flows.Prompt(turn.t("faq.ask.field", entry=describe(faq)))


async def _field_choices(turn: Turn, _data: flows.Data) -> flows.Rows:
    return (tuple(flows.Choice(turn.t(f"faq.field.{field}"), field) for field in FIELDS),)


async def _on_field(turn: Turn, data: flows.Data, answer: flows.Answer) -> flows.Outcome:
    field = next((known for known in FIELDS if known == answer.value), None)
    if field is None:
        turn.say("invalid.choice")
        return flows.Stay()
    return flows.Go("value", {**data, "field": field})


async def _ask_value(turn: Turn, data: flows.Data) -> flows.Prompt:
    field = str(data.get("field", "answer"))
    return flows.Prompt(turn.t("faq.ask.value", field=turn.t(f"faq.field.{field}")))


async def _on_value(turn: Turn, data: flows.Data, answer: flows.Answer) -> flows.Outcome:
    faq = await _entry(turn, data)
    if faq is None:
        return flows.End()
    if answer.text is None:
        turn.say("invalid.text_expected")
        return flows.Stay()
    values = {"question": faq.question, "answer": faq.answer, "keywords": faq.keywords}
    field = str(data.get("field", ""))
    if field not in values:
        return flows.Go("field", {"faq_id": faq.id})
    values[field] = answer.text
    entry = _checked(turn, **values)
    if entry is None:
        return flows.Stay(ask=False)
    storage = turn.storage
    same = await storage.faqs.get_by_question(entry.question)
    if same is not None and same.id != faq.id:
        turn.say("faq.exists")
        return flows.Stay(ask=False)
    await storage.faqs.update(faq.id, entry.question, entry.answer, entry.keywords, turn.now)
    actor = officer_actor(turn.checked_officer())
    await storage.audit.record(actor, "faq.edit", f"faq:{faq.id}", turn.now)
    changed = await storage.faqs.get(faq.id)
    turn.say("faq.changed", entry=describe(changed) if changed is not None else "-")
    return flows.End()


# Importing: the sheet as a document, then counts and bad lines.


async def _ask_sheet(turn: Turn, _data: flows.Data) -> flows.Prompt:
    return flows.Prompt(turn.t("faq.import.ask"))


async def _on_sheet(turn: Turn, _data: flows.Data, answer: flows.Answer) -> flows.Outcome:
    inbound = answer.inbound
    if inbound.kind != "document" or not inbound.media_id:
        turn.say("faq.import.not_document")
        return flows.Stay(ask=False)
    source = turn.services.files
    found = None if source is None else await source.fetch(inbound.media_id)
    if found is None:
        turn.say("faq.import.unreadable")
        return flows.Stay(ask=False)
    content = found[0]
    if len(content) > MAX_SHEET_BYTES:
        turn.say("faq.import.too_big", mb=MAX_SHEET_BYTES // 2**20)
        return flows.Stay(ask=False)
    try:
        good, problems = _read_sheet(content)
    except SheetError as error:
        turn.say("faq.import.bad_file", reason=render(error, turn.language))
        return flows.Stay(ask=False)
    if not good and not problems:
        turn.say("faq.import.empty")
        return flows.Stay(ask=False)
    storage = turn.storage
    result = await import_faqs(storage, good, turn.now)
    actor = officer_actor(turn.checked_officer())
    counts = f"{result.added} added, {result.changed} changed, {len(problems)} bad"
    await storage.audit.record(actor, "faq.import", counts, turn.now)
    shown = "\n".join(render(problem, turn.language) for problem in problems[:MAX_PROBLEMS_SHOWN])
    if len(problems) > MAX_PROBLEMS_SHOWN:
        shown += "\n" + turn.t("faq.import.more", count=len(problems) - MAX_PROBLEMS_SHOWN)
    turn.say(
        "faq.import.done",
        added=result.added,
        changed=result.changed,
        unchanged=result.unchanged,
        bad=len(problems),
        problems=f"\n\n{shown}" if shown else "",
    )
    return flows.End()


def _read_sheet(content: bytes) -> tuple[list[tuple[int, FaqInput]], list[BadRow]]:
    """Read the sent bytes with the CLI's reader (the format told by the content, not a name)."""
    suffix = ".xlsx" if content.startswith(_ZIP_MAGIC) else ".csv"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"faq{suffix}"
        path.write_bytes(content)
        return read_faq_sheet(path)


ADD_FLOW: Final = flows.Flow(
    "faq_add",
    {
        "question": flows.Step(_ask_question, _on_question, saves="question"),
        "answer": flows.Step(_ask_answer, _on_answer, saves="answer"),
        "keywords": flows.Step(_ask_keywords, _on_keywords, _keyword_choices),
    },
    officers=OfficersOnly("faq.add"),
)
IMPORT_FLOW: Final = flows.Flow(
    "faq_import",
    {"sheet": flows.Step(_ask_sheet, _on_sheet, takes_documents=True)},
    officers=OfficersOnly("faq.import"),
)
EDIT_FLOW: Final = flows.Flow(
    "faq_edit",
    {
        "field": flows.Step(_ask_field, _on_field, _field_choices, saves="field"),
        "value": flows.Step(_ask_value, _on_value),
    },
    officers=OfficersOnly("faq.edit"),
    context=("faq_id",),
)

FEATURE = Feature(
    "helpdesk.faq",
    commands={"faq": faq_command},
    flows=(ADD_FLOW, EDIT_FLOW, IMPORT_FLOW),
    buttons=(
        on(ListFaqs, list_faqs),
        on(AddFaq, start_add, starts_flow=True),
        on(ImportFaqs, start_import, starts_flow=True),
        on(EditFaq, start_edit, starts_flow=True),
        on(AskRemoveFaq, ask_remove),
        on(RemoveFaq, remove),
    ),
)
