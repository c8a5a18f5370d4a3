"""/petugas: admins list, add, promote, demote and remove officers; every change audited."""

from __future__ import annotations

import pytest

from handlers.conversation.router import Router
from handlers.conversation.turn import Services
from storage import Storage
from tests.support.chat import Chat
from tests.support.officers import ADMIN, OFFICER, make_officer


@pytest.fixture
async def admin(router: Router, services: Services, storage: Storage) -> Chat:
    """Return an admin's chat; one officer exists too."""
    await make_officer(storage, ADMIN, "admin")
    await make_officer(storage, OFFICER)
    return Chat(router, services, ADMIN)


async def roles(storage: Storage) -> dict[str, str]:
    return {officer.address: officer.role for officer in await storage.officers.list_all()}


async def audit(storage: Storage) -> list[tuple[str, str, str | None]]:
    return [(entry.actor, entry.action, entry.target) for entry in await storage.audit.latest(3)]


async def test_list_shows_everyone_and_no_buttons_against_oneself(admin: Chat) -> None:
    await admin.text("/petugas")
    assert f"• {ADMIN} — admin" in admin.said and f"• {OFFICER} — petugas" in admin.said
    assert admin.labels() == [
        f"🔁 Ubah peran {OFFICER}",
        f"🗑 Hapus {OFFICER}",
        f"✏️ Nama {ADMIN}",
        f"✏️ Nama {OFFICER}",
        "➕ Tambah petugas",
    ]


async def test_add_an_officer_by_typed_id(admin: Chat, storage: Storage) -> None:
    await admin.text("/petugas")
    await admin.press("➕ Tambah petugas")
    await admin.text("bukan angka")
    assert "Itu bukan ID Telegram" in admin.said
    await admin.text("555666777")
    await admin.press("admin")
    assert "✅ 555666777 sekarang admin." in admin.said
    assert (await roles(storage))["555666777"] == "admin"
    assert (await audit(storage))[0] == ("officer:1", "officer.add.admin", "555666777")


async def test_add_an_officer_by_shared_contact(admin: Chat, storage: Storage) -> None:
    await admin.text("/petugas")
    await admin.press("➕ Tambah petugas")
    await admin.contact("+6281234567890", owner="4242")
    await admin.press("petugas")
    assert (await roles(storage))["4242"] == "officer"


async def test_change_role_and_remove(admin: Chat, storage: Storage) -> None:
    await admin.text("/petugas")
    await admin.press(f"🔁 Ubah peran {OFFICER}")
    assert f"Peran {OFFICER} sekarang: admin." in admin.said
    assert (await roles(storage))[OFFICER] == "admin"
    await admin.press(f"🗑 Hapus {OFFICER}")
    await admin.press("Tidak")
    assert OFFICER in await roles(storage)
    await admin.press(f"🗑 Hapus {OFFICER}")
    await admin.press("Ya, hapus")
    assert f"{OFFICER} bukan petugas lagi." in admin.said
    assert OFFICER not in await roles(storage)
    assert [entry[1] for entry in await audit(storage)][:2] == [
        "officer.remove",
        "officer.role.admin",
    ]


async def test_an_admin_cannot_remove_or_demote_themself(admin: Chat, storage: Storage) -> None:
    found = await storage.officers.get("telegram", ADMIN)
    assert found is not None
    await admin.payload(f"petugas:rmok:{found.id}")
    assert "tidak bisa menghapus atau mengubah peran Anda sendiri" in admin.said
    await admin.payload(f"petugas:role:{found.id}")
    assert (await roles(storage))[ADMIN] == "admin"


async def test_forged_and_old_buttons_change_nothing(admin: Chat, storage: Storage) -> None:
    before = await roles(storage)
    for payload in ("petugas:rmok:999", "petugas:rmok:x", "petugas:role", "petugas:nope:1"):
        await admin.payload(payload)
        assert "pesan lama" in admin.said
    assert await roles(storage) == before


async def test_an_admin_cannot_add_themself_as_an_officer(admin: Chat, storage: Storage) -> None:
    # The same rule the web console's Petugas page follows (handlers/officers/roster.py).
    await admin.text("/petugas")
    await admin.press("➕ Tambah petugas")
    await admin.text(str(ADMIN))
    await admin.press("petugas")
    assert "tidak bisa menghapus atau mengubah peran Anda sendiri" in admin.said
    assert (await roles(storage))[str(ADMIN)] == "admin"


async def test_an_admin_names_an_officer_and_the_list_shows_it(
    admin: Chat, storage: Storage
) -> None:
    await admin.text("/petugas")
    await admin.press(f"✏️ Nama {OFFICER}")
    assert "Nama tampilan untuk" in admin.said
    await admin.text("  Budi   Santoso ")
    assert "Nama 9001 sekarang: Budi Santoso." in admin.said.replace(OFFICER, "9001")
    assert f"• {OFFICER} (Budi Santoso) — petugas" in admin.said
    officer = await storage.officers.get("telegram", OFFICER)
    assert officer is not None and officer.display_name == "Budi Santoso"
    assert ("officer.rename", OFFICER) in [
        (action, target) for _, action, target in await audit(storage)
    ]


@pytest.mark.parametrize("typed", ["", "   ", "x" * 65])
async def test_a_bad_display_name_is_asked_again(
    admin: Chat, storage: Storage, typed: str
) -> None:
    await admin.text("/petugas")
    await admin.press(f"✏️ Nama {OFFICER}")
    await admin.text(typed)
    assert "Ketik nama 1 sampai 64 karakter." in admin.said
    officer = await storage.officers.get("telegram", OFFICER)
    assert officer is not None and officer.display_name is None
