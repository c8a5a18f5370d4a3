"""Messages the bot sends on its own initiative, through the outbox.

A `Reply` goes into the outbox as storage's `ReplyBody` (`stored`) and comes back out as a
`Reply` for the channel that sends it (`reply_of`); the mapping lives here so storage never
imports the layers above.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Final

from handlers.conversation.messages import AttachmentLoader, Button, Document, Reply
from storage import Storage
from storage.outbox import ReplyBody

# Direct replies whose send failed wait in the outbox under this prefix (bot/channels/fallback).
REPLY_PREFIX: Final = "reply:"


def chat_prefix(channel: str, address: str) -> str:
    """Return the key prefix of one chat's queued replies."""
    return f"{REPLY_PREFIX}{channel}:{address}:"


def reply_key(channel: str, address: str, turn: int | str, index: int) -> str:
    """Return the outbox key of the `index`th reply of a turn (an update or inbox entry)."""
    return f"{chat_prefix(channel, address)}{turn}:{index}"


def stored(reply: Reply) -> ReplyBody:
    """Return the form a reply takes in the outbox."""
    return ReplyBody.model_validate(reply, from_attributes=True)


def reply_of(body: ReplyBody) -> Reply:
    """Return a queued message's body as the Reply a channel renders, buttons included."""
    return Reply(
        text=body.text,
        buttons=tuple(
            tuple(Button(button.label, button.payload) for button in row) for row in body.buttons
        ),
        menu=body.menu,
        request_contact=body.request_contact,
        remove_menu=body.remove_menu,
        photo_file_id=body.photo_file_id,
        attachment=body.attachment,
        document_file_id=body.document_file_id,
        voice_file_id=body.voice_file_id,
        edits=body.edits,
    )


async def attached_document(loader: AttachmentLoader | None, reply: Reply) -> Document | None:
    """Return a queued reply's file with the reply's text as its caption; None when it is gone."""
    if loader is None or reply.attachment is None:
        return None
    document = await loader(reply.attachment)
    if document is None:
        return None
    return Document(document.filename, document.content, reply.text)


async def notify_participant(
    storage: Storage,
    participant_id: int,
    key: str,
    compose: Callable[[str], Reply],
    now: datetime,
    *,
    not_before: datetime | None = None,
    expires_at: datetime | None = None,
) -> int:
    """Queue a message to every reachable contact of a participant; return rows queued.

    `key` names the message for this participant (e.g. `reminder:3:7200:...:12`); the
    contact id is appended, so queueing the same message twice is a no-op.
    `compose` builds the message in the contact's language. `expires_at` is when the message
    stops being useful (default: the outbox's give-up time for notices).
    """
    queued = 0
    for contact in await storage.contacts.for_participant(participant_id):
        if contact.blocked_at is not None:
            continue
        inserted = await storage.outbox.enqueue(
            f"{key}:c{contact.id}",
            contact.channel,
            contact.address,
            stored(compose(contact.language)),
            now,
            not_before=not_before,
            expires_at=expires_at,
        )
        queued += int(inserted)
    return queued
