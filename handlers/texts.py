"""Every sentence a person reads, one catalogue per language, keyed by message id."""

from __future__ import annotations

from typing import Final

DEFAULT_LANGUAGE: Final = "id"

ID: Final[dict[str, str]] = {
    # Menu labels: the main-menu keyboard sends these back as text.
    "menu.register": "📝 Daftar",
    "menu.schedule": "📅 Jadwal saya",
    "menu.profile": "👤 Profil saya",
    "menu.language": "🌐 Bahasa",
    "menu.help": "❓ Bantuan",
    "welcome": (
        "Selamat datang di layanan WUB IKM Kementerian Perindustrian! 👋\n\n"
        "Di sini Anda bisa mendaftar bimbingan teknis (bimtek), melihat jadwal, "
        "dan mengonfirmasi bantuan alat.\n\n"
        "Pilih menu di bawah, atau ketik /bantuan untuk melihat semua perintah."
    ),
    "welcome.registered": (
        "Selamat datang kembali, {name}! 👋\nPilih menu di bawah untuk melihat jadwal atau data Anda."
    ),
    "help": (
        "Perintah yang bisa Anda gunakan:\n"
        "/daftar — daftar bimtek\n"
        "/jadwal — jadwal bimtek saya\n"
        "/profil — lihat atau ubah data saya\n"
        "/hapus — hapus data saya\n"
        "/bahasa — ganti bahasa\n"
        "/batal — batalkan langkah yang sedang berjalan\n"
        "/bantuan — pesan ini\n\n"
        "Ada kendala? Hubungi petugas Dinas di lokasi bimtek."
    ),
    "group_only": (
        "Mohon maaf, layanan ini hanya melayani chat pribadi. "
        "Silakan kirim pesan langsung ke bot ini."
    ),
    "not_understood": (
        "Maaf, saya belum mengerti pesan itu. Pilih menu di bawah atau ketik /bantuan."
    ),
    "unknown_command": "Perintah {command} tidak dikenal. Ketik /bantuan untuk daftar perintah.",
    "unsupported": (
        "Maaf, saya hanya bisa membaca pesan teks dan tombol. "
        "Stiker, pesan suara dan video belum bisa saya proses."
    ),
    "edited": "Pesan yang diedit tidak diproses. Silakan kirim jawabannya sebagai pesan baru.",
    "stale_button": "Tombol itu berasal dari pesan lama dan sudah tidak berlaku.",
    "busy": "Anda sedang mengisi {flow}. Selesaikan dulu, atau ketik /batal untuk berhenti.",
    "cancelled": "Baik, dibatalkan. Data yang belum selesai tidak disimpan.",
    "nothing_to_cancel": "Tidak ada langkah yang sedang berjalan.",
    "error": "Maaf, terjadi gangguan di sistem kami. Silakan coba lagi sebentar lagi.",
    "flow.registration": "pendaftaran",
    "flow.profile": "perubahan data",
    "flow.erase": "penghapusan data",
    # Language
    "language.ask": "Pilih bahasa:",
    "language.set": "Bahasa diganti ke Bahasa Indonesia.",
    # Registration
    "reg.already": (
        "Anda sudah terdaftar sebagai {name}. Ketik /profil untuk melihat atau mengubah data Anda."
    ),
    "reg.consent": (
        "Sebelum mendaftar, kami meminta persetujuan Anda.\n\n"
        "Kami akan menyimpan nama, NIK, nomor HP, nama usaha, sektor dan kecamatan Anda "
        "untuk keperluan program WUB IKM Kementerian Perindustrian, sesuai UU No. 27 Tahun "
        "2022 tentang Pelindungan Data Pribadi. Data Anda bisa dilihat, diubah atau dihapus "
        "kapan saja lewat /profil dan /hapus.\n\nApakah Anda setuju?"
    ),
    "reg.consent.yes": "Setuju",
    "reg.consent.no": "Tidak setuju",
    "reg.consent.refused": (
        "Baik, pendaftaran tidak dilanjutkan dan tidak ada data yang disimpan. "
        "Anda bisa mendaftar kapan saja dengan /daftar."
    ),
    "reg.step": "Langkah {step} dari {total}",
    "reg.ask.full_name": "Tulis nama lengkap Anda sesuai KTP.",
    "reg.ask.nik": "Tulis NIK Anda (16 angka, ada di KTP).",
    "reg.ask.phone": (
        "Berapa nomor HP Anda? Tekan tombol «{share}» di bawah, atau ketik nomornya "
        "(contoh: 0812 3456 7890)."
    ),
    "reg.ask.phone.whatsapp": (
        "Berapa nomor HP Anda? Tekan «{this_number}» untuk memakai nomor WhatsApp ini, "
        "atau ketik nomor lain (contoh: 0812 3456 7890)."
    ),
    "reg.share_phone": "📱 Bagikan nomor",
    "reg.use_this_number": "Pakai nomor ini",
    "reg.ask.business_name": "Apa nama usaha Anda?",
    "reg.ask.sector": "Pilih sektor usaha Anda:",
    "reg.ask.kecamatan": "Di kecamatan mana usaha Anda? Pilih di bawah atau ketik namanya.",
    "reg.kecamatan.confirm": "Maksud Anda Kecamatan {name}?",
    "reg.kecamatan.yes": "Ya, benar",
    "reg.kecamatan.no": "Bukan",
    "reg.ask.session": "Pilih sesi bimtek yang ingin Anda ikuti:",
    "reg.session.label": "{title} — {date} ({free} tempat)",
    "reg.session.label_full": "{title} — {date} (penuh, daftar tunggu)",
    "reg.session.none": (
        "Saat ini belum ada sesi bimtek yang dibuka. Anda tetap bisa mendaftar; "
        "kami akan mengabari Anda saat sesi dibuka."
    ),
    "reg.session.skip": "Daftar tanpa sesi",
    "reg.session.full": (
        "Sesi «{title}» sudah penuh. Anda bisa masuk daftar tunggu: jika ada tempat kosong, "
        "kami langsung mengabari Anda."
    ),
    "reg.session.join_waitlist": "Masuk daftar tunggu",
    "reg.session.other": "Pilih sesi lain",
    "reg.summary": (
        "Periksa kembali data Anda:\n\n"
        "Nama: {full_name}\nNIK: {nik}\nNo. HP: {phone}\nNama usaha: {business_name}\n"
        "Sektor: {sector}\nKecamatan: {kecamatan}\nSesi: {session}\n\nSudah benar?"
    ),
    "reg.summary.no_session": "belum memilih sesi",
    "reg.summary.waitlist": "{title} (daftar tunggu)",
    "reg.confirm": "Benar",
    "reg.change": "Ubah",
    "reg.pick_field": "Bagian mana yang ingin Anda ubah?",
    "reg.done": "Pendaftaran berhasil! Terima kasih, {name}. 🎉",
    "reg.done.enrolled": (
        "Anda terdaftar di sesi:\n{title}\n🗓 {when}\n📍 {venue}{maps}\n\n"
        "Kami akan mengirim pengingat sebelum sesi dimulai."
    ),
    "reg.done.waitlisted": (
        "Anda masuk daftar tunggu sesi «{title}» ({when}). Jika ada tempat kosong, "
        "kami langsung mengabari Anda."
    ),
    "reg.done.became_full": "Mohon maaf, sesi itu baru saja penuh, jadi Anda masuk daftar tunggu.",
    "reg.nik_taken": (
        "NIK ini sudah terdaftar dari nomor lain. Jika ini NIK Anda, silakan hubungi petugas "
        "Dinas agar data Anda bisa diperiksa."
    ),
    "reg.session.closed": "Sesi itu sudah tidak menerima pendaftaran. Silakan pilih sesi lain.",
    # Field names (summary editing, profile)
    "field.full_name": "Nama",
    "field.nik": "NIK",
    "field.phone": "No. HP",
    "field.business_name": "Nama usaha",
    "field.sector": "Sektor",
    "field.kecamatan": "Kecamatan",
    "field.session": "Sesi",
    # Validation answers
    "invalid.full_name.empty": "Nama belum diisi. Tulis nama lengkap Anda.",
    "invalid.full_name.too_short": "Nama terlalu pendek. Tulis nama lengkap, minimal 3 huruf.",
    "invalid.full_name.too_long": "Nama terlalu panjang (maksimal 100 huruf).",
    "invalid.full_name.chars": (
        "Nama hanya boleh berisi huruf, spasi, titik, koma, tanda petik dan tanda hubung. "
        "Tulis nama lengkap sesuai KTP."
    ),
    "invalid.nik.chars": "NIK hanya berisi angka. Tulis 16 angka NIK Anda.",
    "invalid.nik.length": "NIK harus 16 angka. Periksa kembali KTP Anda.",
    "invalid.nik.date": (
        "NIK itu tidak valid: bagian tanggal lahirnya (angka ke-7 sampai ke-12) tidak cocok. "
        "Periksa kembali KTP Anda."
    ),
    "invalid.nik.repeated": "NIK itu tidak valid. Periksa kembali KTP Anda.",
    "invalid.nik.region": "NIK itu tidak valid: kode wilayahnya tidak dikenal.",
    "invalid.nik.empty": "NIK belum diisi. Tulis 16 angka NIK Anda.",
    "invalid.nik.too_long": "NIK harus 16 angka. Periksa kembali KTP Anda.",
    "invalid.phone.invalid": (
        "Nomor HP itu tidak valid. Ketik nomor seperti 0812 3456 7890 atau +62 812 3456 7890."
    ),
    "invalid.phone.empty": "Nomor HP belum diisi.",
    "invalid.phone.too_long": "Nomor HP itu terlalu panjang.",
    "invalid.phone.not_own": (
        "Kontak yang dibagikan bukan nomor Anda sendiri. Tekan tombol «{share}» atau ketik "
        "nomor HP Anda."
    ),
    "invalid.business_name.empty": "Nama usaha belum diisi.",
    "invalid.business_name.too_long": "Nama usaha terlalu panjang (maksimal 100 huruf).",
    "invalid.business_name.chars": "Nama usaha berisi karakter yang tidak bisa dipakai.",
    "invalid.choice": "Silakan pilih salah satu tombol di atas.",
    "invalid.kecamatan": (
        "Kecamatan «{text}» tidak ditemukan di {regency}. Pilih dari tombol, atau ketik lagi."
    ),
    "invalid.text_expected": "Di langkah ini saya menunggu jawaban berupa teks.",
    # Profile
    "profile.not_registered": "Anda belum terdaftar. Ketik /daftar untuk mendaftar.",
    "profile.show": (
        "Data Anda:\n\nNama: {full_name}\nNIK: {nik}\nNo. HP: {phone}\n"
        "Nama usaha: {business_name}\nSektor: {sector}\nKecamatan: {kecamatan}\n\n"
        "Tekan tombol di bawah untuk mengubah data."
    ),
    "profile.edit": "Ubah {field}",
    "profile.erase": "🗑 Hapus data saya",
    "profile.updated": "{field} berhasil diubah.",
    # Erasure
    "erase.confirm": (
        "Yakin ingin menghapus data Anda? Nama, NIK, nomor HP dan nama usaha Anda akan "
        "dihapus permanen, dan Anda tidak akan menerima pesan dari kami lagi. "
        "Yang tersisa hanya hitungan anonim (jumlah peserta)."
    ),
    "erase.yes": "Ya, hapus data saya",
    "erase.no": "Tidak jadi",
    "erase.done": "Data Anda sudah dihapus. Terima kasih telah mengikuti program WUB IKM.",
    "erase.kept": "Baik, data Anda tidak dihapus.",
    # Schedule
    "schedule.none": "Anda belum terdaftar di sesi bimtek mana pun.",
    "schedule.header": "Jadwal bimtek Anda:",
    "schedule.item": "• {title}\n  🗓 {when}\n  📍 {venue}{maps}\n  Status: {status}",
    "schedule.maps": "\n  🗺 {url}",
    "session.maps": "\n🗺 {url}",
    "status.enrolled": "terdaftar",
    "status.waitlisted": "daftar tunggu",
    "status.cancelled": "dibatalkan",
    "status.session_cancelled": "sesi dibatalkan",
}

EN: Final[dict[str, str]] = {
    "menu.register": "📝 Register",
    "menu.schedule": "📅 My schedule",
    "menu.profile": "👤 My profile",
    "menu.language": "🌐 Language",
    "menu.help": "❓ Help",
    "welcome": (
        "Welcome to the WUB IKM service of the Ministry of Industry! 👋\n\n"
        "Here you can register for technical training (bimtek), see your schedule "
        "and confirm the equipment you received.\n\n"
        "Choose from the menu below, or type /bantuan to see every command."
    ),
    "welcome.registered": "Welcome back, {name}! 👋\nUse the menu below to see your schedule or data.",
    "help": (
        "Commands you can use:\n"
        "/daftar — register for a bimtek\n"
        "/jadwal — my bimtek schedule\n"
        "/profil — view or change my data\n"
        "/hapus — delete my data\n"
        "/bahasa — change language\n"
        "/batal — cancel the current step\n"
        "/bantuan — this message\n\n"
        "Need help? Contact the officers at the bimtek venue."
    ),
    "group_only": "Sorry, this service works in private chats only. Please message the bot directly.",
    "not_understood": "Sorry, I did not understand that. Use the menu below or type /bantuan.",
    "unknown_command": "Unknown command {command}. Type /bantuan for the list of commands.",
    "unsupported": (
        "Sorry, I can only read text messages and buttons. "
        "Stickers, voice notes and videos cannot be processed."
    ),
    "edited": "Edited messages are not processed. Please send your answer as a new message.",
    "stale_button": "That button comes from an old message and no longer works.",
    "busy": "You are in the middle of {flow}. Finish it first, or type /batal to stop.",
    "cancelled": "OK, cancelled. Nothing unfinished was saved.",
    "nothing_to_cancel": "There is nothing to cancel.",
    "error": "Sorry, something went wrong on our side. Please try again in a moment.",
    "flow.registration": "your registration",
    "flow.profile": "a change of your data",
    "flow.erase": "deleting your data",
    "language.ask": "Choose a language:",
    "language.set": "Language changed to English.",
    "reg.already": (
        "You are already registered as {name}. Type /profil to see or change your data."
    ),
    "reg.consent": (
        "Before you register, we ask for your consent.\n\n"
        "We will store your name, NIK, phone number, business name, sector and kecamatan "
        "for the Ministry of Industry's WUB IKM programme, under Law No. 27 of 2022 on "
        "Personal Data Protection. You can view, change or delete your data at any time "
        "with /profil and /hapus.\n\nDo you agree?"
    ),
    "reg.consent.yes": "I agree",
    "reg.consent.no": "I do not agree",
    "reg.consent.refused": (
        "OK, registration stopped and nothing was stored. You can register any time with /daftar."
    ),
    "reg.step": "Step {step} of {total}",
    "reg.ask.full_name": "Type your full name as on your KTP (ID card).",
    "reg.ask.nik": "Type your NIK (the 16 digits on your KTP).",
    "reg.ask.phone": (
        "What is your phone number? Tap «{share}» below, or type it (e.g. 0812 3456 7890)."
    ),
    "reg.ask.phone.whatsapp": (
        "What is your phone number? Tap «{this_number}» to use this WhatsApp number, "
        "or type another (e.g. 0812 3456 7890)."
    ),
    "reg.share_phone": "📱 Share my number",
    "reg.use_this_number": "Use this number",
    "reg.ask.business_name": "What is the name of your business?",
    "reg.ask.sector": "Choose your business sector:",
    "reg.ask.kecamatan": "In which kecamatan is your business? Choose below or type its name.",
    "reg.kecamatan.confirm": "Did you mean Kecamatan {name}?",
    "reg.kecamatan.yes": "Yes",
    "reg.kecamatan.no": "No",
    "reg.ask.session": "Choose the bimtek session you want to attend:",
    "reg.session.label": "{title} — {date} ({free} places)",
    "reg.session.label_full": "{title} — {date} (full, waiting list)",
    "reg.session.none": (
        "No bimtek session is open right now. You can still register; "
        "we will let you know when a session opens."
    ),
    "reg.session.skip": "Register without a session",
    "reg.session.full": (
        "Session «{title}» is full. You can join the waiting list: if a place frees up, "
        "we will tell you at once."
    ),
    "reg.session.join_waitlist": "Join waiting list",
    "reg.session.other": "Choose another session",
    "reg.summary": (
        "Please check your data:\n\n"
        "Name: {full_name}\nNIK: {nik}\nPhone: {phone}\nBusiness: {business_name}\n"
        "Sector: {sector}\nKecamatan: {kecamatan}\nSession: {session}\n\nIs this correct?"
    ),
    "reg.summary.no_session": "no session chosen",
    "reg.summary.waitlist": "{title} (waiting list)",
    "reg.confirm": "Correct",
    "reg.change": "Change",
    "reg.pick_field": "Which part do you want to change?",
    "reg.done": "Registration complete! Thank you, {name}. 🎉",
    "reg.done.enrolled": (
        "You are enrolled in:\n{title}\n🗓 {when}\n📍 {venue}{maps}\n\n"
        "We will send you a reminder before the session starts."
    ),
    "reg.done.waitlisted": (
        "You are on the waiting list of «{title}» ({when}). If a place frees up, "
        "we will tell you at once."
    ),
    "reg.done.became_full": "Sorry, that session just filled up, so you are on the waiting list.",
    "reg.nik_taken": (
        "This NIK is already registered from another number. If it is yours, please contact "
        "an officer so your data can be checked."
    ),
    "reg.session.closed": "That session no longer takes registrations. Please choose another.",
    "field.full_name": "Name",
    "field.nik": "NIK",
    "field.phone": "Phone",
    "field.business_name": "Business name",
    "field.sector": "Sector",
    "field.kecamatan": "Kecamatan",
    "field.session": "Session",
    "invalid.full_name.empty": "The name is empty. Type your full name.",
    "invalid.full_name.too_short": "That name is too short. Type your full name (3 letters or more).",
    "invalid.full_name.too_long": "That name is too long (100 letters at most).",
    "invalid.full_name.chars": (
        "A name may only contain letters, spaces, dots, commas, apostrophes and hyphens. "
        "Type your full name as on your KTP."
    ),
    "invalid.nik.chars": "A NIK contains digits only. Type the 16 digits of your NIK.",
    "invalid.nik.length": "A NIK has exactly 16 digits. Please check your KTP.",
    "invalid.nik.date": (
        "That NIK is not valid: its birth-date part (digits 7 to 12) does not fit. "
        "Please check your KTP."
    ),
    "invalid.nik.repeated": "That NIK is not valid. Please check your KTP.",
    "invalid.nik.region": "That NIK is not valid: its region code is unknown.",
    "invalid.nik.empty": "The NIK is empty. Type the 16 digits of your NIK.",
    "invalid.nik.too_long": "A NIK has exactly 16 digits. Please check your KTP.",
    "invalid.phone.invalid": (
        "That phone number is not valid. Type a number like 0812 3456 7890 or +62 812 3456 7890."
    ),
    "invalid.phone.empty": "The phone number is empty.",
    "invalid.phone.too_long": "That phone number is too long.",
    "invalid.phone.not_own": (
        "The shared contact is not your own number. Tap «{share}» or type your phone number."
    ),
    "invalid.business_name.empty": "The business name is empty.",
    "invalid.business_name.too_long": "That business name is too long (100 characters at most).",
    "invalid.business_name.chars": "That business name contains characters that cannot be used.",
    "invalid.choice": "Please choose one of the buttons above.",
    "invalid.kecamatan": (
        "Kecamatan «{text}» was not found in {regency}. Choose a button, or type it again."
    ),
    "invalid.text_expected": "At this step I am waiting for a text answer.",
    "profile.not_registered": "You are not registered yet. Type /daftar to register.",
    "profile.show": (
        "Your data:\n\nName: {full_name}\nNIK: {nik}\nPhone: {phone}\n"
        "Business: {business_name}\nSector: {sector}\nKecamatan: {kecamatan}\n\n"
        "Tap a button below to change something."
    ),
    "profile.edit": "Change {field}",
    "profile.erase": "🗑 Delete my data",
    "profile.updated": "{field} updated.",
    "erase.confirm": (
        "Do you really want to delete your data? Your name, NIK, phone number and business "
        "name will be deleted for good, and you will get no more messages from us. "
        "Only anonymous counts remain."
    ),
    "erase.yes": "Yes, delete my data",
    "erase.no": "No, keep it",
    "erase.done": "Your data has been deleted. Thank you for taking part in WUB IKM.",
    "erase.kept": "OK, your data was not deleted.",
    "schedule.none": "You are not enrolled in any bimtek session.",
    "schedule.header": "Your bimtek schedule:",
    "schedule.item": "• {title}\n  🗓 {when}\n  📍 {venue}{maps}\n  Status: {status}",
    "schedule.maps": "\n  🗺 {url}",
    "session.maps": "\n🗺 {url}",
    "status.enrolled": "enrolled",
    "status.waitlisted": "waiting list",
    "status.cancelled": "cancelled",
    "status.session_cancelled": "session cancelled",
}

CATALOGUES: Final = {"id": ID, "en": EN}


def text(language: str, key: str, **values: object) -> str:
    """Return the sentence for key in the language (Indonesian when unknown), filled in."""
    catalogue = CATALOGUES.get(language, ID)
    template = catalogue.get(key) or ID[key]
    return template.format(**values) if values else template


def labels(key: str) -> set[str]:
    """Return the text of key in every language, to recognise menu buttons sent back."""
    return {catalogue[key] for catalogue in CATALOGUES.values() if key in catalogue}
