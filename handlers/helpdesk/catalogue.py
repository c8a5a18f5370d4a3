"""The help desk's sentences and typed-answer questions; bot/features.py installs them."""

from __future__ import annotations

from typing import Final

ID: Final[dict[str, str]] = {
    "menu.ask": "💬 Tanya petugas",
    "flow.tanya_ask": "pertanyaan untuk petugas",
    "flow.tiket_reply": "jawaban tiket",
    "flow.tiket_close": "penutupan tiket",
    "flow.tiket_new": "pesan ke peserta",
    # Typed answers at choice steps
    # Participant side
    "tanya.ask": (
        "Silakan tulis pertanyaan Anda untuk petugas (boleh dengan foto, dokumen atau pesan "
        "suara). Ketik /batal bila tidak jadi."
    ),
    "tanya.faq": "💡 {answer}\n\nApakah ini menjawab pertanyaan Anda?",
    "tanya.btn.answered": "👍 Terjawab",
    "tanya.btn.ask": "💬 Tanya petugas",
    "tanya.btn.done": "👍 Terjawab",
    "tanya.thanks": "Terima kasih! Senang bisa membantu. 🙏",
    "tanya.own_more": "Masih ada yang ingin ditanyakan? Tekan tombol di bawah.",
    "tanya.opened": (
        "Pertanyaan Anda sudah kami teruskan ke petugas (tiket #{ticket}). "
        "Jawabannya akan dikirim di sini."
    ),
    "tanya.joined": "Pesan Anda sudah ditambahkan ke tiket #{ticket}.",
    "tanya.after_hours": (
        "Petugas sedang di luar jam layanan; mereka kembali {when}. Pesan Anda tetap tersimpan."
    ),
    "tanya.empty": "Pesan Anda kosong. Silakan tulis pertanyaan Anda.",
    "tanya.officer": (
        "Anda terdaftar sebagai petugas, jadi /tanya tidak membuka tiket. Pertanyaan peserta"
        " masuk ke /tiket; jawab dengan membalas notifikasinya. Untuk mencoba /tanya sebagai"
        " peserta, pakai akun yang bukan petugas."
    ),
    "tanya.closed": (
        "Terima kasih! Tiket #{ticket} kami tutup. Ketik /tanya bila ada pertanyaan lain."
    ),
    "tanya.already_closed": (
        "Tiket #{ticket} sudah ditutup. Ketik /tanya bila ada pertanyaan lain."
    ),
    "tanya.gone": (
        "Pertanyaan itu sudah tidak tersimpan. Silakan tulis lagi pertanyaan Anda "
        "(atau ketik /batal)."
    ),
    "tanya.not_yours": "Tombol itu bukan untuk Anda.",
    # Officer alerts
    "tiket.alert.new": "🆕 Tiket #{ticket}",
    "tiket.alert.more": "💬 Tiket #{ticket} — pesan baru",
    "tiket.alert.hint": "↩️ Balas (reply) pesan ini untuk menjawab, atau buka /tiket.",
    "tiket.who": "👤 {name} · sesi {session} · Kec. {kecamatan} · {channel}",
    "tiket.who.unregistered": "👤 Belum terdaftar · {channel}",
    "tiket.kind.text": "(teks)",
    "tiket.kind.photo": "📷 (foto)",
    "tiket.kind.document": "📄 (dokumen)",
    "tiket.kind.voice": "🎤 (pesan suara)",
    "tiket.btn.take": "✋ Saya tangani",
    "tiket.btn.close": "✅ Tutup",
    "tiket.btn.reply": "✍️ Balas",
    "tiket.state.taken": "✋ Ditangani oleh {who}",
    "tiket.state.answered": "💬 Dijawab oleh {who}",
    "tiket.state.closed": "✅ Ditutup oleh {who}",
    "tiket.by_system": "sistem",
    "tiket.answer": "💬 Jawaban petugas (tiket #{ticket}):\n{text}\n\n— {who}",
    "tiket.answer.team": "Petugas WUB IKM",
    # Officer desk
    "tiket.menu": (
        "Meja tiket\nTerbuka: {open} · Dijawab: {answered} · Ditutup: {closed}\n"
        "Notifikasi tiket Anda: {alerts}"
    ),
    "tiket.alerts.on": "menyala 🔔",
    "tiket.alerts.off": "mati 🔕",
    "tiket.btn.open": "📥 Terbuka ({count})",
    "tiket.btn.mine": "🙋 Milik saya",
    "tiket.btn.answered": "💬 Dijawab",
    "tiket.btn.mute": "🔕 Matikan notifikasi",
    "tiket.btn.unmute": "🔔 Nyalakan notifikasi",
    "tiket.list": "Tiket ({what}), yang terlama di atas:",
    "tiket.list.none": "Tidak ada tiket di sini.",
    "tiket.list.open": "terbuka",
    "tiket.list.mine": "milik saya",
    "tiket.list.answered": "dijawab",
    "tiket.row": "#{ticket} {name} · {status}",
    "tiket.show": (
        "Tiket #{ticket} · {status}\n{who}\nDibuka: {opened}\nPetugas: {officer}\n\n{thread}"
    ),
    "tiket.status.open": "terbuka",
    "tiket.status.answered": "dijawab",
    "tiket.status.closed": "ditutup",
    "tiket.line.participant": "👤 {when}: {text}",
    "tiket.line.officer": "🧑‍💼 {when}: {text}",
    "tiket.thread.erased": "(isi sudah dihapus)",
    "tiket.taken": "✋ Tiket #{ticket} Anda tangani. Balas alertnya atau tekan ✍️ Balas.",
    "tiket.ask_reply": "Tulis jawaban untuk tiket #{ticket} (teks atau foto). /batal untuk batal.",
    "tiket.sent": "✅ Jawaban untuk tiket #{ticket} sudah dikirim ke peserta.",
    "tiket.ask_note": (
        "Menutup tiket #{ticket}. Tulis catatan penutupan, atau tekan tombol di bawah."
    ),
    "tiket.btn.no_note": "Tutup tanpa catatan",
    "tiket.closed": "✅ Tiket #{ticket} ditutup.",
    "tiket.alerts.now_on": "🔔 Notifikasi tiket dinyalakan.",
    "tiket.alerts.now_off": "🔕 Notifikasi tiket dimatikan. Tiket tetap bisa dilihat di /tiket.",
    "tiket.refused.unknown": "Tiket itu tidak ditemukan.",
    "tiket.refused.closed": "Tiket itu sudah ditutup; tidak ada yang dikirim.",
    "tiket.refused.erased": ("Data peserta tiket itu sudah dihapus; tidak ada yang dikirim."),
    "tiket.refused.empty": "Jawaban kosong tidak dikirim. Tulis jawabannya.",
    "tiket.refused.not_now": "Tindakan itu tidak bisa dilakukan pada tiket ini sekarang.",
    "tiket.refused.no_contact": "Peserta itu tidak punya chat yang bisa dihubungi.",
    "tiket.refused.too_long": (
        "Teks itu terlalu panjang (paling banyak {limit} karakter); tidak ada yang dikirim."
    ),
    "tiket.not_alert": (
        "Pesan yang Anda balas bukan notifikasi tiket. Untuk menjawab tiket, balas "
        "notifikasinya atau buka /tiket."
    ),
    "tiket.text_expected": "Di langkah ini saya menunggu teks (atau /batal).",
    # /peserta
    "peserta.ask": "Ketik nama, NIK atau nomor HP peserta: /peserta TEKS",
    "peserta.none": "Tidak ada peserta yang cocok.",
    "peserta.found": "Peserta yang cocok:\n{lines}",
    "peserta.line": "• {name} · NIK {nik} · Kec. {kecamatan}",
    "peserta.btn.message": "✉️ Kirim pesan: {name}",
    "peserta.ask_message": "Tulis pesan untuk {name}. /batal untuk batal.",
    "peserta.gone": "Peserta itu tidak ditemukan (mungkin datanya sudah dihapus).",
    # /rekap
    "faq.list": "❓ FAQ — jawaban yang langsung diberikan bot:\n\n{entries}",
    "faq.none": "Belum ada entri.",
    "faq.more": "\n\n…dan {count} entri lagi (lihat python -m bot faq list).",
    "faq.btn.edit": "✏️ #{id} {question}",
    "faq.btn.remove": "🗑 #{id}",
    "faq.btn.add": "➕ Tambah FAQ",
    "faq.btn.no_keywords": "Tanpa kata kunci",
    "faq.gone": "Entri FAQ itu sudah tidak ada.",
    "faq.invalid": (
        "Pertanyaan 3 sampai 500 karakter, jawaban 1 sampai 2000 karakter, kata kunci paling"
        " banyak 500 karakter. Silakan ketik lagi."
    ),
    "faq.exists": "Sudah ada entri dengan pertanyaan itu. Ketik pertanyaan lain, atau /batal.",
    "faq.ask.question": (
        "Ketik pertanyaannya (seperti yang biasa ditanyakan peserta). /batal untuk batal."
    ),
    "faq.ask.answer": "Ketik jawabannya.",
    "faq.ask.keywords": (
        "Kata kunci, dipisah koma (misalnya: oven, alat diambil), atau pilih tombol."
    ),
    "faq.ask.field": "{entry}\n\nBagian mana yang diubah?",
    "faq.ask.value": "Ketik {field} yang baru.",
    "faq.field.question": "pertanyaan",
    "faq.field.answer": "jawaban",
    "faq.field.keywords": "kata kunci",
    "faq.added": "✅ FAQ ditambahkan:\n{entry}",
    "faq.changed": "✅ FAQ diubah:\n{entry}",
    "faq.remove.confirm": "Hapus entri ini?\n{entry}",
    "faq.remove.yes": "Ya, hapus",
    "faq.remove.no": "Tidak",
    "faq.removed": "FAQ #{id} dihapus.",
    "faq.btn.import": "📥 Impor dari file",
    "faq.import.ask": (
        "Kirim file .xlsx atau .csv sebagai dokumen, dengan kolom question, answer dan"
        " (boleh) keywords di baris pertama. Pertanyaan yang sudah ada diperbarui. /batal untuk"
        " membatalkan."
    ),
    "faq.import.not_document": (
        "Kirim file .xlsx atau .csv sebagai dokumen (📎 → File), atau /batal."
    ),
    "faq.import.unreadable": "File itu tidak bisa diambil. Kirim sekali lagi, atau /batal.",
    "faq.import.too_big": "File lebih dari {mb} MB. Bagi menjadi beberapa file, atau /batal.",
    "faq.import.bad_file": (
        "File tidak bisa dibaca sebagai tabel FAQ: {reason}\n"
        "Perbaiki lalu kirim lagi, atau /batal."
    ),
    "faq.import.empty": (
        "File tidak berisi entri di bawah judul kolom. Kirim file lain, atau /batal."
    ),
    "faq.import.done": (
        "📥 Impor FAQ selesai: {added} baru, {changed} diubah, {unchanged} sama,"
        " {bad} baris salah (dilewati).{problems}"
    ),
    "faq.import.more": (
        "…dan {count} baris salah lagi (python -m bot faq import FILE menampilkan semua)."
    ),
    "rekap.chart.helpdesk": "Meja tanya (tiket)",
    "rekap.chart.ticket_open": "Terbuka",
    "rekap.chart.ticket_answered": "Dijawab",
    "rekap.chart.ticket_closed": "Ditutup",
    "rekap.chart.helpdesk_note": (
        "Jawaban pertama (jam kerja): median {median}, 90% {p90} · dijawab FAQ: {faq_share}"
    ),
    "rekap.helpdesk": (
        "\n\n💬 Meja tiket\nTerbuka: {open} · Dijawab: {answered} · Ditutup: {closed}\n"
        "Waktu jawab pertama (jam layanan): median {median} · P90 {p90}\n"
        "Pertanyaan dijawab FAQ/data sendiri: {faq_share} dari {questions}"
    ),
    "rekap.none_yet": "-",
}

EN: Final[dict[str, str]] = {
    "menu.ask": "💬 Ask an officer",
    "flow.tanya_ask": "a question for the officers",
    "flow.tiket_reply": "a ticket answer",
    "flow.tiket_close": "closing a ticket",
    "flow.tiket_new": "a message to a participant",
    "tanya.ask": (
        "Please write your question for the officers (a photo, document or voice note is fine "
        "too). Type /batal to stop."
    ),
    "tanya.faq": "💡 {answer}\n\nDoes this answer your question?",
    "tanya.btn.answered": "👍 Answered",
    "tanya.btn.ask": "💬 Ask an officer",
    "tanya.btn.done": "👍 Answered",
    "tanya.thanks": "Thank you! Glad we could help. 🙏",
    "tanya.own_more": "Anything else you would like to ask? Press the button below.",
    "tanya.opened": (
        "Your question has been passed on to the officers (ticket #{ticket}). "
        "The answer will be sent here."
    ),
    "tanya.joined": "Your message was added to ticket #{ticket}.",
    "tanya.after_hours": (
        "The officers are outside service hours; they are back {when}. Your message is kept."
    ),
    "tanya.empty": "Your message is empty. Please write your question.",
    "tanya.officer": (
        "You are registered as an officer, so /tanya opens no ticket. Participants' questions"
        " arrive in /tiket; answer one by replying to its alert. To try /tanya as a"
        " participant, use an account that is not an officer."
    ),
    "tanya.closed": (
        "Thank you! Ticket #{ticket} is closed. Type /tanya if you have another question."
    ),
    "tanya.already_closed": "Ticket #{ticket} is already closed. Type /tanya for a new question.",
    "tanya.gone": "That question is no longer kept. Please write it again (or type /batal).",
    "tanya.not_yours": "That button is not for you.",
    "tiket.alert.new": "🆕 Ticket #{ticket}",
    "tiket.alert.more": "💬 Ticket #{ticket} — new message",
    "tiket.alert.hint": "↩️ Reply to this message to answer, or open /tiket.",
    "tiket.who": "👤 {name} · session {session} · Kec. {kecamatan} · {channel}",
    "tiket.who.unregistered": "👤 Not registered · {channel}",
    "tiket.kind.text": "(text)",
    "tiket.kind.photo": "📷 (photo)",
    "tiket.kind.document": "📄 (document)",
    "tiket.kind.voice": "🎤 (voice note)",
    "tiket.btn.take": "✋ I'll handle it",
    "tiket.btn.close": "✅ Close",
    "tiket.btn.reply": "✍️ Reply",
    "tiket.state.taken": "✋ Handled by {who}",
    "tiket.state.answered": "💬 Answered by {who}",
    "tiket.state.closed": "✅ Closed by {who}",
    "tiket.by_system": "the system",
    "tiket.answer": "💬 Officer's answer (ticket #{ticket}):\n{text}\n\n— {who}",
    "tiket.answer.team": "WUB IKM officer",
    "tiket.menu": (
        "Ticket desk\nOpen: {open} · Answered: {answered} · Closed: {closed}\n"
        "Your ticket alerts: {alerts}"
    ),
    "tiket.alerts.on": "on 🔔",
    "tiket.alerts.off": "off 🔕",
    "tiket.btn.open": "📥 Open ({count})",
    "tiket.btn.mine": "🙋 Mine",
    "tiket.btn.answered": "💬 Answered",
    "tiket.btn.mute": "🔕 Turn alerts off",
    "tiket.btn.unmute": "🔔 Turn alerts on",
    "tiket.list": "Tickets ({what}), oldest first:",
    "tiket.list.none": "No tickets here.",
    "tiket.list.open": "open",
    "tiket.list.mine": "mine",
    "tiket.list.answered": "answered",
    "tiket.row": "#{ticket} {name} · {status}",
    "tiket.show": (
        "Ticket #{ticket} · {status}\n{who}\nOpened: {opened}\nOfficer: {officer}\n\n{thread}"
    ),
    "tiket.status.open": "open",
    "tiket.status.answered": "answered",
    "tiket.status.closed": "closed",
    "tiket.line.participant": "👤 {when}: {text}",
    "tiket.line.officer": "🧑‍💼 {when}: {text}",
    "tiket.thread.erased": "(content erased)",
    "tiket.taken": "✋ You handle ticket #{ticket}. Reply to its alert or press ✍️ Reply.",
    "tiket.ask_reply": "Write the answer to ticket #{ticket} (text or photo). /batal to cancel.",
    "tiket.sent": "✅ The answer to ticket #{ticket} was sent to the participant.",
    "tiket.ask_note": "Closing ticket #{ticket}. Write a closing note, or press the button below.",
    "tiket.btn.no_note": "Close without a note",
    "tiket.closed": "✅ Ticket #{ticket} closed.",
    "tiket.alerts.now_on": "🔔 Ticket alerts are on.",
    "tiket.alerts.now_off": "🔕 Ticket alerts are off. Tickets are still in /tiket.",
    "tiket.refused.unknown": "That ticket was not found.",
    "tiket.refused.closed": "That ticket is already closed; nothing was sent.",
    "tiket.refused.erased": "That ticket's participant data was erased; nothing was sent.",
    "tiket.refused.empty": "An empty answer is not sent. Write the answer.",
    "tiket.refused.not_now": "That cannot be done to this ticket now.",
    "tiket.refused.no_contact": "That participant has no chat we can reach.",
    "tiket.refused.too_long": (
        "That text is too long (at most {limit} characters); nothing was sent."
    ),
    "tiket.not_alert": (
        "The message you replied to is not a ticket alert. To answer a ticket, reply to its "
        "alert or open /tiket."
    ),
    "tiket.text_expected": "At this step I am waiting for text (or /batal).",
    "peserta.ask": "Type a participant's name, NIK or phone: /peserta TEXT",
    "peserta.none": "No participant matches.",
    "peserta.found": "Matching participants:\n{lines}",
    "peserta.line": "• {name} · NIK {nik} · Kec. {kecamatan}",
    "peserta.btn.message": "✉️ Message: {name}",
    "peserta.ask_message": "Write the message to {name}. /batal to cancel.",
    "peserta.gone": "That participant was not found (their data may have been erased).",
    "faq.list": "❓ FAQ — answers the bot gives at once:\n\n{entries}",
    "faq.none": "No entries yet.",
    "faq.more": "\n\n…and {count} more (see python -m bot faq list).",
    "faq.btn.edit": "✏️ #{id} {question}",
    "faq.btn.remove": "🗑 #{id}",
    "faq.btn.add": "➕ Add an FAQ entry",
    "faq.btn.no_keywords": "No keywords",
    "faq.gone": "That FAQ entry no longer exists.",
    "faq.invalid": (
        "A question has 3 to 500 characters, an answer 1 to 2000, keywords at most 500."
        " Please type it again."
    ),
    "faq.exists": "An entry with that question exists. Type another question, or /batal.",
    "faq.ask.question": "Type the question (as participants ask it). /batal to cancel.",
    "faq.ask.answer": "Type the answer.",
    "faq.ask.keywords": (
        "Keywords, separated by commas (e.g. oven, pick up equipment), or press the button."
    ),
    "faq.ask.field": "{entry}\n\nWhich part do you want to change?",
    "faq.ask.value": "Type the new {field}.",
    "faq.field.question": "question",
    "faq.field.answer": "answer",
    "faq.field.keywords": "keywords",
    "faq.added": "✅ FAQ entry added:\n{entry}",
    "faq.changed": "✅ FAQ entry changed:\n{entry}",
    "faq.remove.confirm": "Remove this entry?\n{entry}",
    "faq.remove.yes": "Yes, remove",
    "faq.remove.no": "No",
    "faq.removed": "FAQ #{id} removed.",
    "faq.btn.import": "📥 Import from a file",
    "faq.import.ask": (
        "Send an .xlsx or .csv file as a document, with the columns question, answer and"
        " (optionally) keywords in the first row. Existing questions are updated. /batal to"
        " cancel."
    ),
    "faq.import.not_document": "Send an .xlsx or .csv file as a document (📎 → File), or /batal.",
    "faq.import.unreadable": "That file could not be fetched. Send it again, or /batal.",
    "faq.import.too_big": "The file is over {mb} MB. Split it into several files, or /batal.",
    "faq.import.bad_file": (
        "The file cannot be read as an FAQ table: {reason}\nFix it and send it again, or /batal."
    ),
    "faq.import.empty": "The file holds no entries below the header row. Send another, or /batal.",
    "faq.import.done": (
        "📥 FAQ import done: {added} new, {changed} changed, {unchanged} unchanged,"
        " {bad} bad line(s) (skipped).{problems}"
    ),
    "faq.import.more": "…and {count} more bad lines (python -m bot faq import FILE lists all).",
    "rekap.chart.helpdesk": "Help desk (tickets)",
    "rekap.chart.ticket_open": "Open",
    "rekap.chart.ticket_answered": "Answered",
    "rekap.chart.ticket_closed": "Closed",
    "rekap.chart.helpdesk_note": (
        "First answer (office hours): median {median}, 90% {p90} · answered by FAQ: {faq_share}"
    ),
    "rekap.helpdesk": (
        "\n\n💬 Ticket desk\nOpen: {open} · Answered: {answered} · Closed: {closed}\n"
        "Time to first answer (service hours): median {median} · P90 {p90}\n"
        "Questions answered by FAQ/own data: {faq_share} of {questions}"
    ),
    "rekap.none_yet": "-",
}
