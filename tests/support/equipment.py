"""Support for the equipment tests: participants with a chat, allocations, handovers, outbox."""

from __future__ import annotations

from handlers.conversation.messages import Inbound, Reply
from handlers.conversation.outbox import reply_of
from handlers.conversation.router import Router
from handlers.conversation.turn import Services
from handlers.equipment.service import Handover, hand_over, set_allocation
from storage import Storage
from storage.models import Allocation, NewParticipant, Participant
from storage.outbox import OutboxMessage
from tests.support.chat import GOOD_NIK, NOW, Chat

PARTICIPANT = "2001"
OFFICER = "9001"


async def participant_with_chat(
    storage: Storage,
    address: str = PARTICIPANT,
    *,
    nik: str = GOOD_NIK,
    name: str = "Siti Aminah",
) -> Participant:
    """Store a registered participant whose Telegram chat is `address`."""
    async with storage.db.transaction():
        participant = await storage.participants.create(
            NewParticipant(
                nik=nik,
                full_name=name,
                phone="+6281234567890",
                business_name="Batik Siti",
                sector="Batik & Tekstil",
                kecamatan="Cikarang Utara",
            ),
            NOW,
        )
        if address:
            await storage.contacts.touch("telegram", address, NOW)
            await storage.contacts.link("telegram", address, participant.id)
    return participant


async def allocate(
    storage: Storage, participant: Participant, *items: tuple[str, int]
) -> list[Allocation]:
    """Allocate items (name, quantity) to a participant."""
    allocated = []
    for name, quantity in items:
        item = await storage.equipment_items.get_by_name(name)
        assert item is not None
        done = await set_allocation(storage, participant, item, quantity, actor="cli", now=NOW)
        allocated.append(done.allocation)
    return allocated


async def handed_over(
    storage: Storage, participant: Participant, *items: tuple[str, int], officer: str = "Budi"
) -> Handover:
    """Allocate items and record their handover now."""
    await allocate(storage, participant, *items)
    return await hand_over(storage, participant, officer=officer, actor="cli", now=NOW)


async def officer_chat(router: Router, services: Services, address: str = OFFICER) -> Chat:
    """Make `address` an officer with a chat, and return the chat."""
    storage = services.storage
    async with storage.db.transaction():
        await storage.officers.add("telegram", address, "officer", NOW)
        await storage.contacts.touch("telegram", address, NOW)
    return Chat(router, services, address)


async def outbox_to(storage: Storage, address: str) -> list[OutboxMessage]:
    """Return every outbox row for a chat, oldest first."""
    rows = await storage.db.fetch_all(
        "SELECT key FROM outbox WHERE address = ? ORDER BY id", (address,)
    )
    found = []
    for row in rows:
        message = await storage.outbox.get_by_key(row["key"])
        assert message is not None
        found.append(message)
    return found


async def latest_to(storage: Storage, address: str) -> Reply:
    """Return the newest outbox message for a chat as the reply it renders."""
    messages = await outbox_to(storage, address)
    assert messages, f"nothing queued for {address}"
    return reply_of(messages[-1].body)


async def photo(chat: Chat, file_id: str) -> None:
    """Send a photo from the chat."""
    await chat.send(
        Inbound(
            channel="telegram",
            address=chat.address,
            sender_id=chat.address,
            kind="photo",
            photo_id=file_id,
        )
    )


async def from_outbox(chat: Chat) -> Reply:
    """Put the newest outbox message for the chat on its screen, as if it just arrived."""
    reply = await latest_to(chat.services.storage, chat.address)
    chat.last = [reply]
    return reply
