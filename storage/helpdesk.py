"""The help desk's records: FAQ entries, tickets with their messages, and question counts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Literal

from storage.db import Database, db_time
from storage.models import Channel, Model

TicketStatus = Literal["open", "answered", "closed"]
TICKET_STATUSES: tuple[TicketStatus, ...] = ("open", "answered", "closed")
Author = Literal["participant", "officer"]
MessageKind = Literal["text", "photo", "document", "voice"]
QuestionOutcome = Literal["faq", "own_data", "ticket"]


class Faq(Model):
    """One question officers answered once for everyone."""

    id: int
    question: str
    answer: str
    keywords: str
    created_at: datetime
    updated_at: datetime


class Ticket(Model):
    """A thread between one person (or unregistered chat) and the officers."""

    id: int
    participant_id: int | None
    channel: Channel
    address: str
    status: TicketStatus
    officer_id: int | None
    started_by: Author
    opened_at: datetime
    first_answer_at: datetime | None
    answered_by: str | None
    last_answer_at: datetime | None
    last_message_at: datetime
    closed_at: datetime | None
    close_note: str | None
    erased_at: datetime | None


class TicketMessage(Model):
    """One message of a ticket's thread, either way."""

    id: int
    ticket_id: int
    author: Author
    officer_id: int | None
    kind: MessageKind
    text: str | None
    media: str | None
    alerted: bool
    created_at: datetime


class TicketRow(Model):
    """One line of the tickets export."""

    ticket_id: int
    opened_at: datetime
    channel: Channel
    nik: str | None
    full_name: str | None
    status: TicketStatus
    first_answer_at: datetime | None
    answered_by: str | None
    closed_at: datetime | None
    messages: int
    first_message: str | None


class FaqRepository:
    """Read and write FAQ entries; `version` changes on every write (for caches)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def list_all(self) -> list[Faq]:
        """Return every entry, oldest first."""
        rows = await self._db.fetch_all("SELECT * FROM faq ORDER BY id")
        return [Faq.model_validate(dict(row)) for row in rows]

    async def get(self, faq_id: int) -> Faq | None:
        """Return one entry."""
        row = await self._db.fetch_one("SELECT * FROM faq WHERE id = ?", (faq_id,))
        return None if row is None else Faq.model_validate(dict(row))

    async def get_by_question(self, question: str) -> Faq | None:
        """Return the entry with exactly this question."""
        row = await self._db.fetch_one("SELECT * FROM faq WHERE question = ?", (question,))
        return None if row is None else Faq.model_validate(dict(row))

    async def add(self, question: str, answer: str, keywords: str, now: datetime) -> Faq:
        """Store a new entry."""
        stamp = db_time(now)
        faq_id = await self._db.insert(
            "INSERT INTO faq (question, answer, keywords, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (question, answer, keywords, stamp, stamp),
        )
        found = await self.get(faq_id)
        assert found is not None  # noqa: S101 - inserted just above
        return found

    async def update(
        self, faq_id: int, question: str, answer: str, keywords: str, now: datetime
    ) -> bool:
        """Replace an entry's texts; False when there is no such entry."""
        changed = await self._db.execute(
            "UPDATE faq SET question = ?, answer = ?, keywords = ?, updated_at = ? WHERE id = ?",
            (question, answer, keywords, db_time(now), faq_id),
        )
        return changed == 1

    async def remove(self, faq_id: int) -> bool:
        """Delete an entry; False when there is no such entry."""
        return await self._db.execute("DELETE FROM faq WHERE id = ?", (faq_id,)) == 1

    async def version(self) -> str:
        """Return a value that changes whenever an entry is added, changed or removed."""
        row = await self._db.fetch_one(
            "SELECT COUNT(*) AS n, COALESCE(MAX(id), 0) AS top,"
            " COALESCE(MAX(updated_at), '') AS changed FROM faq"
        )
        assert row is not None  # noqa: S101 - an aggregate always returns a row
        return f"{row['n']}|{row['top']}|{row['changed']}"


class TicketRepository:
    """Tickets and their messages."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, ticket_id: int) -> Ticket | None:
        """Return one ticket."""
        row = await self._db.fetch_one("SELECT * FROM ticket WHERE id = ?", (ticket_id,))
        return None if row is None else Ticket.model_validate(dict(row))

    async def current_for_chat(
        self, channel: str, address: str, participant_id: int | None, since: datetime
    ) -> Ticket | None:
        """Return the chat's (or person's) open ticket, or one answered after `since`."""
        row = await self._db.fetch_one(
            "SELECT * FROM ticket WHERE erased_at IS NULL AND"
            # `participant_id = NULL` matches nothing, so an unregistered chat goes by address
            # alone (a bare `? IS NOT NULL` has no type PostgreSQL can infer).
            " ((channel = ? AND address = ?) OR participant_id = ?)"
            " AND (status = 'open' OR (status = 'answered' AND last_answer_at >= ?))"
            " ORDER BY id DESC LIMIT 1",
            (channel, address, participant_id, db_time(since)),
        )
        return None if row is None else Ticket.model_validate(dict(row))

    async def open(
        self,
        channel: Channel,
        address: str,
        participant_id: int | None,
        now: datetime,
        *,
        started_by: Author = "participant",
    ) -> Ticket:
        """Open a new ticket."""
        stamp = db_time(now)
        ticket_id = await self._db.insert(
            "INSERT INTO ticket (participant_id, channel, address, status, started_by,"
            " opened_at, last_message_at) VALUES (?, ?, ?, 'open', ?, ?, ?)",
            (participant_id, channel, address, started_by, stamp, stamp),
        )
        found = await self.get(ticket_id)
        assert found is not None  # noqa: S101 - inserted just above
        return found

    async def add_message(
        self,
        ticket_id: int,
        author: Author,
        kind: MessageKind,
        text: str | None,
        media: str | None,
        now: datetime,
        *,
        officer_id: int | None = None,
        alerted: bool = False,
    ) -> int:
        """Append a message to the thread; return its id."""
        stamp = db_time(now)
        message_id = await self._db.insert(
            "INSERT INTO ticket_message (ticket_id, author, officer_id, kind, text, media,"
            " alerted, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (ticket_id, author, officer_id, kind, text, media, int(alerted), stamp),
        )
        if author == "participant":
            await self._db.execute(
                "UPDATE ticket SET last_message_at = ? WHERE id = ?", (stamp, ticket_id)
            )
        return message_id

    async def messages(self, ticket_id: int, limit: int = 200) -> list[TicketMessage]:
        """Return the thread, oldest first (the latest `limit` messages)."""
        rows = await self._db.fetch_all(
            "SELECT * FROM (SELECT * FROM ticket_message WHERE ticket_id = ?"
            " ORDER BY id DESC LIMIT ?) AS latest ORDER BY id",  # PostgreSQL needs the alias
            (ticket_id, limit),
        )
        return [TicketMessage.model_validate(dict(row)) for row in rows]

    async def alerts_since(self, ticket_id: int, since: datetime) -> int:
        """Return how many of the ticket's messages alerted officers after `since`."""
        value = await self._db.fetch_value(
            "SELECT COUNT(*) FROM ticket_message WHERE ticket_id = ? AND alerted = 1"
            " AND created_at >= ?",
            (ticket_id, db_time(since)),
        )
        return int(value or 0)

    async def take(self, ticket_id: int, officer_id: int) -> bool:
        """Record which officer handles a ticket that is not closed."""
        changed = await self._db.execute(
            "UPDATE ticket SET officer_id = ? WHERE id = ? AND status != 'closed'"
            " AND erased_at IS NULL",
            (officer_id, ticket_id),
        )
        return changed == 1

    async def record_answer(
        self, ticket_id: int, officer_id: int | None, answered_by: str, now: datetime
    ) -> bool:
        """Mark the ticket answered (the first answer's time and author are kept)."""
        stamp = db_time(now)
        changed = await self._db.execute(
            "UPDATE ticket SET status = 'answered', last_answer_at = ?,"
            " first_answer_at = COALESCE(first_answer_at, ?),"
            " answered_by = COALESCE(answered_by, ?),"
            " officer_id = COALESCE(officer_id, ?)"
            " WHERE id = ? AND status != 'closed' AND erased_at IS NULL",
            (stamp, stamp, answered_by, officer_id, ticket_id),
        )
        return changed == 1

    async def reopen(self, ticket_id: int) -> None:
        """Put an answered ticket back in front of officers after the person wrote again."""
        await self._db.execute(
            "UPDATE ticket SET status = 'open' WHERE id = ? AND status = 'answered'",
            (ticket_id,),
        )

    async def close(self, ticket_id: int, note: str | None, now: datetime) -> bool:
        """Close a ticket; False when it was already closed or is gone."""
        changed = await self._db.execute(
            "UPDATE ticket SET status = 'closed', closed_at = ?, close_note = ?"
            " WHERE id = ? AND status != 'closed'",
            (db_time(now), note, ticket_id),
        )
        return changed == 1

    async def list_by_status(
        self, statuses: tuple[TicketStatus, ...], limit: int = 50, offset: int = 0
    ) -> list[Ticket]:
        """Return tickets in these states, oldest first."""
        marks = ", ".join("?" for _ in statuses)
        rows = await self._db.fetch_all(
            f"SELECT * FROM ticket WHERE status IN ({marks})"  # noqa: S608 - placeholders only
            " ORDER BY opened_at, id LIMIT ? OFFSET ?",
            (*statuses, limit, offset),
        )
        return [Ticket.model_validate(dict(row)) for row in rows]

    async def list_for_officer(self, officer_id: int, limit: int = 50) -> list[Ticket]:
        """Return the tickets an officer took that are not closed, oldest first."""
        rows = await self._db.fetch_all(
            "SELECT * FROM ticket WHERE officer_id = ? AND status != 'closed'"
            " ORDER BY opened_at, id LIMIT ?",
            (officer_id, limit),
        )
        return [Ticket.model_validate(dict(row)) for row in rows]

    async def for_participant(self, participant_id: int, limit: int = 50) -> list[Ticket]:
        """Return a participant's tickets, newest first."""
        rows = await self._db.fetch_all(
            "SELECT * FROM ticket WHERE participant_id = ? ORDER BY id DESC LIMIT ?",
            (participant_id, limit),
        )
        return [Ticket.model_validate(dict(row)) for row in rows]

    async def message(self, ticket_id: int, message_id: int) -> TicketMessage | None:
        """Return one message of a ticket's thread (None when it belongs to another ticket)."""
        row = await self._db.fetch_one(
            "SELECT * FROM ticket_message WHERE id = ? AND ticket_id = ?",
            (message_id, ticket_id),
        )
        return None if row is None else TicketMessage.model_validate(dict(row))

    async def due_for_autoclose(self, answered_before: datetime, limit: int = 200) -> list[int]:
        """Return answered tickets whose last answer is older than the cut-off."""
        rows = await self._db.fetch_all(
            "SELECT id FROM ticket WHERE status = 'answered' AND last_answer_at < ?"
            " ORDER BY id LIMIT ?",
            (db_time(answered_before), limit),
        )
        return [int(row["id"]) for row in rows]

    async def count_all(self) -> int:
        """Return how many tickets there are (what the tickets export holds)."""
        value = await self._db.fetch_value("SELECT COUNT(*) FROM ticket")
        return int(value)

    async def counts(self) -> dict[str, int]:
        """Return how many tickets are in each state."""
        rows = await self._db.fetch_all("SELECT status, COUNT(*) AS n FROM ticket GROUP BY status")
        found: dict[str, int] = dict.fromkeys(TICKET_STATUSES, 0)
        found.update({row["status"]: int(row["n"]) for row in rows})
        return found

    async def answer_times(self) -> list[tuple[datetime, datetime]]:
        """Return (opened, first answer) of every answered ticket a participant started."""
        rows = await self._db.fetch_all(
            "SELECT opened_at, first_answer_at FROM ticket WHERE first_answer_at IS NOT NULL"
            " AND started_by = 'participant' ORDER BY id"
        )
        return [
            (
                datetime.fromisoformat(row["opened_at"]),
                datetime.fromisoformat(row["first_answer_at"]),
            )
            for row in rows
        ]

    async def ids_for(self, participant_id: int, chats: list[tuple[str, str]]) -> list[int]:
        """Return the tickets of a participant and of their chats."""
        ids = {
            int(row["id"])
            for row in await self._db.fetch_all(
                "SELECT id FROM ticket WHERE participant_id = ?", (participant_id,)
            )
        }
        for channel, address in chats:
            rows = await self._db.fetch_all(
                "SELECT id FROM ticket WHERE channel = ? AND address = ?", (channel, address)
            )
            ids.update(int(row["id"]) for row in rows)
        return sorted(ids)

    async def erase(self, ticket_ids: list[int], now: datetime) -> None:
        """Empty the texts, media and address of these tickets; close them (counts stay)."""
        stamp = db_time(now)
        for ticket_id in ticket_ids:
            await self._db.execute(
                "UPDATE ticket_message SET text = NULL, media = NULL WHERE ticket_id = ?",
                (ticket_id,),
            )
            await self._db.execute(
                "UPDATE ticket SET erased_at = COALESCE(erased_at, ?), close_note = NULL,"
                " address = '-', status = 'closed', closed_at = COALESCE(closed_at, ?)"
                " WHERE id = ?",
                (stamp, stamp, ticket_id),
            )

    async def media_of(self, ticket_ids: list[int]) -> list[str]:
        """Return the media references of these tickets (to delete stored files)."""
        found: list[str] = []
        for ticket_id in ticket_ids:
            rows = await self._db.fetch_all(
                "SELECT media FROM ticket_message WHERE ticket_id = ? AND media IS NOT NULL",
                (ticket_id,),
            )
            found.extend(str(row["media"]) for row in rows)
        return found

    async def export_rows(self, page_size: int = 1000) -> AsyncIterator[TicketRow]:
        """Yield every ticket as an export line, page by page."""
        last = 0
        while True:
            rows = await self._db.fetch_all(
                "SELECT t.id AS ticket_id, t.opened_at, t.channel, p.nik, p.full_name,"
                " t.status, t.first_answer_at, t.answered_by, t.closed_at,"
                " (SELECT COUNT(*) FROM ticket_message m WHERE m.ticket_id = t.id) AS messages,"
                " (SELECT m.text FROM ticket_message m WHERE m.ticket_id = t.id"
                "  AND m.author = 'participant' ORDER BY m.id LIMIT 1) AS first_message"
                " FROM ticket t LEFT JOIN participant p ON p.id = t.participant_id"
                " WHERE t.id > ? ORDER BY t.id LIMIT ?",
                (last, page_size),
            )
            if not rows:
                return
            for row in rows:
                yield TicketRow.model_validate(dict(row))
            last = int(rows[-1]["ticket_id"])


class Question(Model):
    """A free-text question and how it was answered."""

    id: int
    channel: Channel
    address: str
    outcome: QuestionOutcome
    faq_id: int | None
    text: str | None
    at: datetime


class QuestionLog:
    """Count free-text questions by how they were answered."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(
        self,
        channel: str,
        address: str,
        outcome: QuestionOutcome,
        now: datetime,
        *,
        faq_id: int | None = None,
        text: str | None = None,
    ) -> int:
        """Count one question; the text is kept only for a later "Tanya petugas"."""
        return await self._db.insert(
            "INSERT INTO helpdesk_question (channel, address, outcome, faq_id, text, at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (channel, address, outcome, faq_id, text, db_time(now)),
        )

    async def get(self, question_id: int) -> Question | None:
        """Return one question."""
        row = await self._db.fetch_one(
            "SELECT * FROM helpdesk_question WHERE id = ?", (question_id,)
        )
        return None if row is None else Question.model_validate(dict(row))

    async def settle(self, question_id: int, outcome: QuestionOutcome) -> None:
        """Record the final outcome and forget the text."""
        await self._db.execute(
            "UPDATE helpdesk_question SET outcome = ?, text = NULL WHERE id = ?",
            (outcome, question_id),
        )

    async def forget_texts(self, before: datetime) -> int:
        """Empty the texts of questions older than the cut-off."""
        return await self._db.execute(
            "UPDATE helpdesk_question SET text = NULL WHERE at < ? AND text IS NOT NULL",
            (db_time(before),),
        )

    async def erase_chat(self, channel: str, address: str) -> None:
        """Forget the texts and address of a chat's questions (counts stay)."""
        await self._db.execute(
            "UPDATE helpdesk_question SET text = NULL, address = '-'"
            " WHERE channel = ? AND address = ?",
            (channel, address),
        )

    async def counts(self, since: datetime | None = None) -> dict[str, int]:
        """Return how many questions had each outcome."""
        start = db_time(since) if since is not None else ""
        rows = await self._db.fetch_all(
            "SELECT outcome, COUNT(*) AS n FROM helpdesk_question WHERE at >= ? GROUP BY outcome",
            (start,),
        )
        found = {"faq": 0, "own_data": 0, "ticket": 0}
        found.update({row["outcome"]: int(row["n"]) for row in rows})
        return found


def hour_ago(now: datetime) -> datetime:
    """Return the start of the rolling hour that alert limits count."""
    return now - timedelta(hours=1)
