"""Every sentence a person reads, one catalogue per language, keyed by message id."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
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
        "/alat — bantuan alat saya: konfirmasi penerimaan, BAST\n"
        "/profil — lihat atau ubah data saya\n"
        "/kuis — isi pre-test, post-test dan evaluasi bimtek\n"
        "/sertifikat — sertifikat bimtek saya\n"
        "/hapus — hapus data saya\n"
        "/bahasa — ganti bahasa\n"
        "/batal — batalkan langkah yang sedang berjalan\n"
        "/tanya — kirim pertanyaan ke petugas\n"
        "/bantuan — pesan ini\n\n"
        "Ada pertanyaan? Ketik saja pertanyaan Anda di sini."
    ),
    "help.officer": (
        "Untuk petugas:\n"
        "/sesi — kelola sesi bimtek, QR check-in, daftar hadir\n"
        "/kelolaalat — catat alokasi dan serah terima alat, unduh BAST\n"
        "/kasus — kasus alat belum diterima atau rusak\n"
        "/siaran — kirim pengumuman ke peserta pilihan\n"
        "/rekap — angka terkini dan grafik\n"
        "/ekspor — unduh data (CSV/XLSX)\n"
        "/tiket — pertanyaan peserta (meja tiket)\n"
        "/peserta — cari peserta dan kirim pesan\n"
        "/faq — tanya-jawab yang langsung dijawab bot\n"
        "/petugas — kelola petugas (khusus admin)"
    ),
    # Telegram's command menu (the "/" button): one line per command, at most 256 characters.
    "command.start": "Mulai dan menu utama",
    "command.daftar": "Daftar bimtek",
    "command.jadwal": "Jadwal bimtek saya",
    "command.alat": "Bantuan alat saya: konfirmasi penerimaan, BAST",
    "command.profil": "Lihat atau ubah data saya",
    "command.hapus": "Hapus data saya",
    "command.bahasa": "Ganti bahasa / change language",
    "command.batal": "Batalkan langkah yang sedang berjalan",
    "command.bantuan": "Bantuan dan daftar perintah",
    "command.sesi": "Petugas: kelola sesi bimtek, QR check-in, daftar hadir",
    "command.kelolaalat": "Petugas: alokasi dan serah terima alat, BAST",
    "command.kasus": "Petugas: kasus alat belum diterima atau rusak",
    "command.siaran": "Petugas: kirim pengumuman ke peserta pilihan",
    "command.rekap": "Petugas: angka terkini dan grafik",
    "command.ekspor": "Petugas: unduh data (CSV/XLSX)",
    "command.petugas": "Admin: kelola petugas",
    "command.tanya": "Kirim pertanyaan ke petugas",
    "command.tiket": "Petugas: pertanyaan peserta (tiket)",
    "command.peserta": "Petugas: cari peserta dan kirim pesan",
    "command.faq": "Petugas: tanya-jawab (FAQ) yang dijawab bot",
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
    "flow_restarted": "Maaf, langkah tempat Anda berhenti sudah tidak ada di versi bot yang baru. Kita lanjutkan dari pertanyaan yang belum terjawab; jawaban Anda sebelumnya tetap tersimpan.",
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
    "invalid.full_name.script": (
        "Tulis nama dengan huruf Latin (A-Z, boleh dengan tanda aksen seperti é), "
        "sama seperti di KTP."
    ),
    "invalid.nik.chars": "NIK hanya berisi angka. Tulis 16 angka NIK Anda.",
    "invalid.nik.length": "NIK harus 16 angka. Periksa kembali KTP Anda.",
    "invalid.nik.date": (
        "NIK itu tidak valid: angka ke-7 sampai ke-12 harus tanggal lahir yang ada "
        "(tanggal, bulan, tahun: 150890 untuk 15 Agustus 1990; pada NIK perempuan tanggalnya "
        "ditambah 40, jadi 550890). Periksa kembali KTP Anda."
    ),
    "invalid.nik.repeated": (
        "NIK itu tidak valid: angkanya tidak mungkin sama semua. Periksa kembali KTP Anda."
    ),
    "invalid.nik.region": (
        "NIK itu tidak valid: dua angka pertama harus kode provinsi (misalnya 32 untuk "
        "Jawa Barat). Periksa kembali KTP Anda."
    ),
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
    "typed.confirm": "Maksud Anda «{label}»?",
    "typed.yes": "Ya",
    "typed.no": "Bukan",
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
    # Reminders, RSVP and the waiting list
    "reminder.body": (
        "⏰ Pengingat bimtek\n\n{title}\n🗓 {when}\n📍 {venue}{maps}\n\nApakah Anda akan hadir?"
    ),
    "rsvp.yes": "✅ Saya hadir",
    "rsvp.no": "❌ Tidak bisa hadir",
    "rsvp.thanks_yes": "Terima kasih! Kehadiran Anda di «{title}» sudah kami catat. Sampai jumpa di lokasi.",
    "rsvp.thanks_no": (
        "Baik, terima kasih sudah mengabari. Tempat Anda di «{title}» kami berikan kepada "
        "peserta lain. Anda bisa mendaftar sesi lain kapan saja."
    ),
    "rsvp.too_late": "Sesi «{title}» sudah dimulai atau dibatalkan, jadi jawaban tidak bisa diubah lagi.",
    "rsvp.released": "Tempat Anda di «{title}» sudah dilepas sebelumnya, jadi jawaban ini tidak dicatat.",
    "waitlist.offer": (
        "🎉 Ada tempat kosong di «{title}» ({when}, {venue}).\n\n"
        "Tempat ini kami simpan untuk Anda sampai {until}. Mau ambil?"
    ),
    "waitlist.take": "Ambil tempat",
    "waitlist.skip": "Lewati",
    "waitlist.taken": (
        "Selamat! Anda sekarang terdaftar di:\n{title}\n🗓 {when}\n📍 {venue}{maps}\n\n"
        "Kami akan mengirim pengingat sebelum sesi dimulai."
    ),
    "waitlist.skipped": "Baik, tempat di «{title}» kami tawarkan ke peserta berikutnya.",
    "waitlist.expired": (
        "Maaf, waktu penawaran tempat di «{title}» sudah habis dan tempatnya sudah "
        "ditawarkan ke peserta lain."
    ),
    # Equipment (keys go below this line)
    "menu.equipment": "🧰 Alat saya",
    "flow.alat": "konfirmasi alat",
    "flow.alatp_alloc": "pencatatan alokasi alat",
    "flow.alatp_handover": "serah terima alat",
    "flow.alatp_resolve": "penyelesaian kasus alat",
    "flow.alatp_bast": "pembuatan BAST",
    "alat.item": "{name} — {qty} {unit}",
    "alat.state.allocated": "📦 akan diserahkan petugas",
    "alat.state.awaiting": "⏳ menunggu konfirmasi Anda",
    "alat.state.received": "✅ sudah diterima",
    "alat.state.not_received": "❌ belum diterima",
    "alat.state.damaged": "⚠️ rusak / tidak sesuai",
    "alat.answer.received": "Sudah diterima",
    "alat.answer.not_received": "Belum diterima",
    "alat.answer.damaged": "Rusak / tidak sesuai",
    "alat.question": "{item}\nApakah alat ini sudah Anda terima dalam keadaan baik?",
    "alat.question.current": "Jawaban Anda sekarang: {state}",
    "alat.handover": (
        "📦 Serah terima bantuan alat\n\nPetugas mencatat bahwa alat berikut sudah "
        "diserahkan kepada Anda:\n{items}\n\nMohon konfirmasi setiap alat dengan tombol di bawah."
    ),
    "alat.nudge": (
        "🔔 Pengingat: Anda belum mengonfirmasi penerimaan alat berikut:\n{items}\n\n"
        "Mohon konfirmasi dengan tombol di bawah."
    ),
    "alat.list": "Bantuan alat Anda:\n\n{lines}\n\nTekan tombol di bawah untuk mengonfirmasi atau mengubah jawaban.",
    "alat.none": "Belum ada bantuan alat yang tercatat untuk Anda.",
    "alat.case.open": "\n   Laporan Anda sedang ditangani petugas (kasus #{case}).",
    "alat.case.resolved": "\n   Ditangani petugas (kasus #{case}): {resolution}",
    "alat.extra.photo": "📷 foto terkirim",
    "alat.extra.note": "📝 catatan: {note}",
    "alat.btn.confirm": "Konfirmasi: {item}",
    "alat.btn.change": "Ubah jawaban: {item}",
    "alat.btn.bast": "📄 Unduh BAST",
    "alat.not_handed_over": "{item} belum diserahkan petugas, jadi belum bisa dikonfirmasi.",
    "alat.recorded": "Tercatat: {item} — {answer}.",
    "alat.recorded.case": (
        "Tercatat: {item} — {answer}.\nLaporan Anda sudah diteruskan ke petugas (kasus #{case})."
    ),
    "alat.proof.button": "📷 Tambah foto / catatan",
    "alat.proof.ask": (
        "Kirim foto {item} sebagai bukti dan/atau tulis catatan singkat (opsional). "
        "Tekan «Lanjut» bila sudah selesai atau tidak ada."
    ),
    "alat.proof.next": "Lanjut ›",
    "alat.proof.later": "Anda bisa menambahkan foto atau catatan nanti lewat /alat.",
    "alat.proof.expected": "Di langkah ini kirim foto atau tulis catatan, atau tekan «Lanjut».",
    "alat.proof.photo.saved": "📷 Foto {item} sudah disimpan. Tulis catatan bila perlu, atau tekan «Lanjut».",
    "alat.proof.photo.forwarded": (
        "📷 Foto {item} sudah disimpan dan diteruskan ke petugas (kasus #{case}). "
        "Tulis catatan bila perlu, atau tekan «Lanjut»."
    ),
    "alat.proof.note.saved": "📝 Catatan untuk {item} sudah disimpan. Kirim foto bila perlu, atau tekan «Lanjut».",
    "alat.proof.note.forwarded": (
        "📝 Catatan untuk {item} sudah disimpan dan diteruskan ke petugas (kasus #{case}). "
        "Kirim foto bila perlu, atau tekan «Lanjut»."
    ),
    "alat.note.invalid": "Catatan harus 1 sampai 500 huruf.",
    "alat.photo.where": (
        "Terima kasih atas fotonya. Supaya foto masuk ke alat yang tepat, buka /alat, pilih "
        "alatnya, tekan «Tambah foto / catatan», lalu kirim fotonya lagi."
    ),
    "alat.thanks": (
        "Terima kasih! Yang kami catat:\n{lines}\n\n"
        "Anda bisa melihat atau mengubah jawaban kapan saja lewat /alat."
    ),
    "alat.thanks.line": "• {item}: {answer}",
    "alat.bast.none": "BAST belum tersedia karena belum ada alat yang diserahkan kepada Anda.",
    "alat.bast.caption": "Berita Acara Serah Terima (BAST) bantuan alat Anda.",
    "alat.case_resolved": (
        "✅ Laporan Anda tentang {item} (kasus #{case}) sudah ditangani petugas.\n"
        "Catatan petugas: {resolution}\n\nJika alat sekarang sudah Anda terima dalam keadaan "
        "baik, ubah jawaban Anda dengan tombol di bawah atau lewat /alat."
    ),
    "alatp.menu": "Bantuan alat — pilih yang ingin dikerjakan:",
    "alatp.btn.allocate": "➕ Catat alokasi",
    "alatp.btn.handover": "🤝 Serah terima",
    "alatp.btn.cases": "⚠️ Kasus terbuka ({count})",
    "alatp.btn.bast": "📄 BAST peserta",
    "alatp.btn.more": "➕ Alat lain",
    "alatp.btn.hand_now": "🤝 Tandai sudah diserahkan",
    "alatp.btn.done": "Selesai",
    "alatp.btn.resolve": "✅ Selesaikan kasus #{case}",
    "alatp.btn.cases_back": "« Kasus terbuka",
    "alatp.ask_nik": "Tulis NIK peserta (16 angka).",
    "alatp.nik_invalid": (
        "NIK itu tidak valid: periksa ke-16 angkanya (dua angka pertama kode provinsi, angka "
        "ke-7 sampai ke-12 tanggal lahir)."
    ),
    "alatp.nik_unknown": "Tidak ada peserta terdaftar dengan NIK itu.",
    "alatp.text_expected": "Di langkah ini saya menunggu jawaban berupa teks (atau /batal untuk berhenti).",
    "alatp.participant": "Peserta: {name} (NIK {nik}), {business}",
    "alatp.ask_item": "{who}\n\nPilih alat yang dialokasikan:",
    "alatp.ask_qty": "Berapa jumlah {item} ({unit}) untuk {name}? Tulis angka 1 sampai 1000.",
    "alatp.refused.quantity": "Jumlah harus angka 1 sampai 1000.",
    "alatp.refused.handed_over": (
        "Alat itu sudah diserahkan dengan jumlah lain, jadi jumlahnya tidak bisa diubah lagi."
    ),
    "alatp.allocated": "✅ Alokasi tercatat: {item}, {qty} {unit}.",
    "alatp.allocations": "{who}\nAlokasi:\n{lines}",
    "alatp.state.allocated": "belum diserahkan",
    "alatp.state.awaiting": "diserahkan, menunggu konfirmasi",
    "alatp.state.received": "diterima",
    "alatp.state.not_received": "belum diterima (kasus)",
    "alatp.state.damaged": "rusak / tidak sesuai (kasus)",
    "alatp.done": "Baik, selesai.",
    "alatp.handover.confirm": "Serah terima kepada:\n{who}\n\n{lines}\n\nSemua alat ini sudah diserahkan sekarang?",
    "alatp.handover.yes": "Ya, sudah diserahkan",
    "alatp.handover.no": "Tidak jadi",
    "alatp.handover.nothing": "Tidak ada alat {name} yang menunggu serah terima. Catat alokasinya dulu.",
    "alatp.handover.aborted": "Baik, serah terima tidak dicatat.",
    "alatp.handover.done": "✅ Serah terima {count} jenis alat kepada {name} tercatat. Peserta diminta mengonfirmasi lewat chat.",
    "alatp.handover.no_contact": (
        "✅ Serah terima {count} jenis alat kepada {name} tercatat, tetapi peserta belum bisa "
        "dihubungi lewat chat: mintalah konfirmasinya langsung."
    ),
    "alatp.officer_label": "Petugas #{id}",
    "alatp.cases": "Kasus terbuka: {count} (ditampilkan {shown} yang paling lama). Pilih untuk melihat rinciannya:",
    "alatp.cases.empty": "Tidak ada kasus alat yang terbuka. 👍",
    "alatp.case.label": "#{case} {item} — {name}: {kind}",
    "alatp.case_gone": "Kasus itu tidak ditemukan.",
    "alatp.case.header.open": "⚠️ Masalah bantuan alat — kasus #{case}",
    "alatp.case.header.change": "⚠️ Kasus #{case} diperbarui: jawaban peserta berubah",
    "alatp.case.header.photo": "📷 Foto baru untuk kasus #{case}",
    "alatp.case.header.note": "📝 Catatan baru untuk kasus #{case}",
    "alatp.case.header.detail": "Kasus #{case}",
    "alatp.case.body": (
        "Peserta: {name} (NIK {nik}), {business}\nAlat: {item}\nJawaban peserta: {kind}\n"
        "Diserahkan: {handed} oleh {by}\nDilaporkan: {opened}"
    ),
    "alatp.case.note": "\nCatatan peserta: {note}",
    "alatp.case.resolved": "\nSelesai {when}: {resolution}",
    "alatp.case.by_participant": "peserta menyatakan alat sudah diterima",
    "alatp.case.closed_by_participant": (
        "✅ Kasus #{case} ({item}, {name}) ditutup: peserta sekarang menyatakan alat sudah diterima."
    ),
    "alatp.resolve.ask": (
        "Tulis catatan penyelesaian kasus #{case} (misalnya: alat pengganti sudah diantar). "
        "Catatan ini dikirim ke peserta."
    ),
    "alatp.note_invalid": "Catatan harus 1 sampai 500 huruf.",
    "alatp.resolve.done": "✅ Kasus #{case} selesai. Peserta sudah diberi tahu.",
    "alatp.resolve.already": "Kasus #{case} sudah diselesaikan sebelumnya.",
    "alatp.bast.none": "Belum ada alat yang diserahkan kepada {name}, jadi BAST belum bisa dibuat.",
    "alatp.bast.caption": "BAST bantuan alat — {name}",
    "bast.issuer": "KEMENTERIAN PERINDUSTRIAN REPUBLIK INDONESIA",
    "bast.title": "BERITA ACARA SERAH TERIMA (BAST) BANTUAN PERALATAN",
    "bast.programme": "Program Wirausaha Baru Industri Kecil Menengah (WUB IKM)",
    "bast.number": "Nomor: {number}",
    "bast.intro": (
        "Pihak Pertama (petugas) telah menyerahkan bantuan peralatan di bawah ini kepada Pihak "
        "Kedua (peserta), dan Pihak Kedua menyatakan penerimaannya sebagaimana tercantum."
    ),
    "bast.handover_dates": "Tanggal serah terima",
    "bast.officers": "Petugas",
    "bast.confirmed_at": "Konfirmasi peserta",
    "bast.confirmation_pending": "belum semua alat dikonfirmasi",
    "bast.name": "Nama",
    "bast.nik": "NIK",
    "bast.business": "Nama usaha",
    "bast.kecamatan": "Kecamatan",
    "bast.sessions": "Bimtek",
    "bast.col.no": "No",
    "bast.col.item": "Alat",
    "bast.col.qty": "Jumlah",
    "bast.col.handed_over": "Diserahkan (tanggal, petugas)",
    "bast.col.confirmation": "Konfirmasi peserta",
    "bast.handed_over": "{when}, {officer}",
    "bast.unconfirmed": "Belum dikonfirmasi",
    "bast.confirmed": "{answer}, {when}",
    "bast.sign.officer": "Pihak Pertama (yang menyerahkan)",
    "bast.sign.participant": "Pihak Kedua (yang menerima)",
    "bast.generated": "Dokumen ini dibuat oleh WUB IKM Bot pada {when}.",
    # Officer tools (keys go below this line)
    "flow.siaran": "penyusunan siaran",
    "flow.petugas_add": "penambahan petugas",
    "flow.petugas_name": "pemberian nama petugas",
    "flow.faq_add": "penambahan FAQ",
    "flow.faq_edit": "perubahan FAQ",
    "flow.faq_import": "impor FAQ",
    "broadcast.footer": "— Ketik BERHENTI untuk berhenti menerima pengumuman.",
    "broadcast.reason.chat_not_found": "chat tidak ditemukan",
    "broadcast.reason.outside_window": "di luar jendela 24 jam WhatsApp",
    "broadcast.reason.rate_limited": "dibatasi laju lalu menyerah",
    "broadcast.reason.invalid": "pesan ditolak",
    "broadcast.reason.other": "gangguan lain",
    "broadcast.reason.expired": "tidak terkirim sampai batas waktunya",
    "broadcast.progress": (
        "📣 Siaran #{id} sedang dikirim: {done}/{total}\n"
        "✅ terkirim {sent} · ❌ gagal {failed}{reasons} · 🚫 memblokir bot {blocked}"
    ),
    "broadcast.progress.done": (
        "📣 Siaran #{id} selesai: {done}/{total}\n"
        "✅ terkirim {sent} · ❌ gagal {failed}{reasons} · 🚫 memblokir bot {blocked}"
    ),
    "broadcast.report": (
        "📊 Laporan siaran #{id}\n"
        "Penerima: {total}\n"
        "✅ Terkirim: {sent}\n"
        "❌ Gagal: {failed}{reasons}\n"
        "🚫 Memblokir bot: {blocked}\n"
        "Tidak dikirim: {skipped_blocked} sudah memblokir bot sebelumnya, "
        "{opted_out} berhenti berlangganan"
    ),
    "siaran.ask.text": (
        "📣 Siaran baru. Tulis isi pengumuman (teks), atau kirim foto dengan keterangannya.\n"
        "Ketik /batal untuk berhenti."
    ),
    "siaran.ask.text_after_photo": "Foto diterima. Sekarang tulis teks pengumumannya.",
    "siaran.ask.photo": "Tambahkan foto? Kirim fotonya sekarang, atau tekan «Tanpa foto».",
    "siaran.no_photo": "Tanpa foto",
    "siaran.ask.audience": "Kirim ke siapa?",
    "siaran.kind.all": "👥 Semua peserta",
    "siaran.kind.session": "📅 Peserta satu sesi",
    "siaran.kind.waitlist": "⏳ Daftar tunggu satu sesi",
    "siaran.kind.kecamatan": "📍 Satu kecamatan",
    "siaran.kind.sector": "🏭 Satu sektor",
    "siaran.kind.unconfirmed": "📦 Alat belum dikonfirmasi",
    "siaran.kind.noshow": "🚷 Tidak hadir di satu sesi",
    "siaran.ask.pick_session": "Pilih sesinya:",
    "siaran.ask.pick_kecamatan": "Pilih kecamatannya:",
    "siaran.ask.pick_sector": "Pilih sektornya:",
    "siaran.back": "⬅️ Kembali",
    "siaran.no_sessions": "Tidak ada sesi yang cocok untuk pilihan ini.",
    "siaran.ask.time": "Kapan siaran dikirim? Tulis tanggal dan jam ({zone}), mis. 2026-12-01 08:00",
    "siaran.invalid.text_expected": "Kirim isi pengumuman sebagai teks, atau foto dengan keterangan.",
    "siaran.invalid.photo_expected": "Kirim fotonya, atau tekan «Tanpa foto».",
    "siaran.invalid.time": "Waktu itu tidak bisa dibaca. Tulis seperti 2026-12-01 08:00.",
    "siaran.refused.text_empty": "Isi pengumuman tidak boleh kosong.",
    "siaran.refused.text_too_long": "Isi pengumuman terlalu panjang (paling banyak 3500 karakter).",
    "siaran.refused.past": "Waktu itu sudah lewat. Tulis waktu yang akan datang.",
    "siaran.audience.all": "Semua peserta",
    "siaran.audience.session": "Peserta sesi {value}",
    "siaran.audience.waitlist": "Daftar tunggu sesi {value}",
    "siaran.audience.kecamatan": "Kecamatan {value}",
    "siaran.audience.sector": "Sektor {value}",
    "siaran.audience.unconfirmed": "Peserta yang belum mengonfirmasi alat",
    "siaran.audience.noshow": "Peserta yang tidak hadir di sesi {value}",
    "siaran.audience_invalid.malformed": "Audiens tidak dikenal.",
    "siaran.audience_invalid.unknown_kind": "Audiens «{value}» tidak dikenal.",
    "siaran.audience_invalid.no_value_expected": "Audiens «{value}» tidak memerlukan nilai.",
    "siaran.audience_invalid.value_missing": "Audiens «{value}» memerlukan nilai.",
    "siaran.audience_invalid.unknown_kecamatan": "Kecamatan «{value}» tidak dikenal.",
    "siaran.audience_invalid.unknown_sector": "Sektor «{value}» tidak dikenal.",
    "siaran.audience_invalid.unknown_session": "Sesi «{value}» tidak ditemukan.",
    "siaran.audience_invalid.not_started": "Sesi {value} belum dimulai, jadi belum ada yang tidak hadir.",
    "siaran.preview.empty": "Tidak ada penerima untuk «{audience}». Pilih audiens lain.",
    "siaran.preview.header": "👀 Pratinjau — begini pesan akan diterima:",
    "siaran.preview": (
        "Audiens: {audience}\n"
        "Akan dikirim ke {count} penerima.\n"
        "Dilewati: {skipped_blocked} memblokir bot, {opted_out} berhenti berlangganan."
    ),
    "siaran.send_now": "✅ Kirim sekarang",
    "siaran.schedule": "🕒 Jadwalkan",
    "siaran.cancel": "❌ Batal",
    "siaran.cancelled": "Siaran dibatalkan; tidak ada yang dikirim.",
    "siaran.started": (
        "📣 Siaran #{id} sedang dikirim ke {count} penerima. Kemajuannya akan tampil di pesan "
        "berikut, dan laporannya dikirim setelah selesai."
    ),
    "siaran.scheduled": (
        "🕒 Siaran #{id} dijadwalkan {when}. Saat ini audiensnya {count} penerima; daftar "
        "penerima dihitung ulang saat dikirim."
    ),
    "optout.done": (
        "🔕 Baik, Anda tidak akan menerima pengumuman (siaran) lagi dari kami. Pengingat untuk "
        "sesi bimtek yang Anda ikuti tetap dikirim.\nKetik MULAI kapan saja untuk menerima "
        "pengumuman lagi."
    ),
    "optout.already": (
        "Anda sudah berhenti menerima pengumuman. Ketik MULAI untuk menerimanya lagi."
    ),
    "optout.resumed": "🔔 Baik, Anda akan menerima pengumuman lagi. Ketik BERHENTI untuk berhenti.",
    "optout.not_out": "Anda sudah menerima pengumuman. Ketik BERHENTI untuk berhenti.",
    "rekap.text": (
        "📊 Rekap per {when}\n\n"
        "👥 Pendaftar: {registered}\n\n"
        "Menurut sektor:\n{by_sector}\n\n"
        "Menurut kecamatan:\n{by_kecamatan}\n\n"
        "📅 Sesi (terdaftar/kapasitas · tunggu · hadir RSVP ya/tidak · hadir):\n{sessions}\n\n"
        "📦 Alat: {allocations} alokasi\n"
        "• belum diserahkan: {not_handed_over}\n"
        "• belum dikonfirmasi: {unconfirmed}\n"
        "• diterima: {received}\n"
        "• belum diterima: {not_received}\n"
        "• rusak / tidak sesuai: {damaged}\n"
        "• kasus terbuka: {open_cases}"
    ),
    "rekap.session": (
        "• {code} ({date}): {enrolled}/{capacity} · tunggu {waitlisted} · "
        "RSVP {rsvp_yes}/{rsvp_no} · hadir {attended}"
    ),
    "rekap.none": "• belum ada",
    "rekap.others": "• lainnya: {count}",
    "rekap.caption": "Grafik rekap WUB IKM, {when}",
    "rekap.chart.title": "Rekap WUB IKM",
    "rekap.chart.by_sector": "Pendaftar per sektor",
    "rekap.chart.by_kecamatan": "Pendaftar per kecamatan",
    "rekap.chart.sessions": "Sesi bimtek",
    "rekap.chart.equipment": "Konfirmasi alat",
    "rekap.chart.enrolled": "Terdaftar",
    "rekap.chart.waitlisted": "Daftar tunggu",
    "rekap.chart.rsvp_yes": "Akan hadir",
    "rekap.chart.attended": "Hadir",
    "rekap.chart.received": "Diterima",
    "rekap.chart.unconfirmed": "Belum konfirmasi",
    "rekap.chart.not_received": "Belum diterima",
    "rekap.chart.damaged": "Rusak",
    "rekap.chart.not_handed_over": "Belum diserahkan",
    "rekap.chart.nothing": "Belum ada data",
    "ekspor.ask": "📥 Pilih data yang akan diekspor:",
    "ekspor.kind.participants": "Peserta ({format})",
    "ekspor.kind.enrollments": "Daftar hadir ({format})",
    "ekspor.kind.allocations": "Penerima bantuan ({format})",
    "ekspor.kind.evaluations": "Pre/post-test & evaluasi ({format})",
    "ekspor.caption.participants": "Data peserta: {rows} baris. Berisi data pribadi — simpan dengan aman.",
    "ekspor.caption.enrollments": "Daftar hadir: {rows} baris. Berisi data pribadi — simpan dengan aman.",
    "ekspor.caption.allocations": "Rekap penerima bantuan: {rows} baris. Berisi data pribadi — simpan dengan aman.",
    "ekspor.caption.evaluations": "Hasil pre-test, post-test dan evaluasi: {rows} baris, satu per peserta dan kuesioner. Berisi data pribadi — simpan dengan aman.",
    "ekspor.kind.tickets": "Tiket meja tanya ({format})",
    "ekspor.caption.tickets": "Tiket meja tanya: {rows} baris. Berisi data pribadi — simpan dengan aman.",
    "petugas.list": "👮 Petugas terdaftar:\n{lines}",
    "petugas.line": "• {address}{name} — {role}",
    "petugas.role.officer": "petugas",
    "petugas.role.admin": "admin",
    "petugas.btn.toggle": "🔁 Ubah peran {address}",
    "petugas.btn.remove": "🗑 Hapus {address}",
    "petugas.btn.add": "➕ Tambah petugas",
    "petugas.btn.name": "✏️ Nama {address}",
    "petugas.name.ask": (
        "Nama tampilan untuk {address}? Nama ini muncul di peringatan tiket dan log audit."
        " /batal untuk batal."
    ),
    "petugas.name.invalid": "Ketik nama 1 sampai {limit} karakter.",
    "petugas.name.set": "✅ Nama {address} sekarang: {name}.",
    "petugas.not_self": "Anda tidak bisa menghapus atau mengubah peran Anda sendiri.",
    "petugas.remove.confirm": "Hapus {address} dari daftar petugas?",
    "petugas.remove.yes": "Ya, hapus",
    "petugas.remove.no": "Tidak",
    "petugas.removed": "{address} bukan petugas lagi.",
    "petugas.role_set": "Peran {address} sekarang: {role}.",
    "petugas.add.ask_id": (
        "Kirim ID Telegram (angka) petugas baru, atau bagikan kontak Telegram-nya. "
        "Ketik /batal untuk berhenti."
    ),
    "petugas.add.invalid_id": (
        "Itu bukan ID Telegram. Kirim angkanya saja (mis. 123456789), atau bagikan kontaknya."
    ),
    "petugas.add.ask_role": "Peran untuk {address}?",
    "petugas.added": "✅ {address} sekarang {role}.",
    # WhatsApp (keys go below this line)
    "wa.choose": "Pilih",
    "wa.choices": "Pilihan",
    "wa.choose_prompt": "Silakan pilih:",
    "wa.menu": "Menu",
    "wa.more": "Berikutnya ▶",
    "wa.more.description": "Pilihan lainnya",
    "wa.restart": "⏮ Dari awal",
    "wa.page": "Pilihan lainnya (halaman {page} dari {pages}):",
    "wa.page_expired": "Daftar pilihan itu sudah tidak berlaku. Ketik jawaban Anda, atau /batal untuk berhenti.",
    # Sessions, check-in and calendar
    "flow.sesi_new": "pembuatan sesi baru",
    "flow.sesi_move": "pemindahan jadwal sesi",
    "officer.denied": "Maaf, perintah ini hanya untuk petugas.",
    "konsol.link": "Tautan masuk konsol web (berlaku {minutes} menit, sekali pakai, jangan dibagikan):\n{link}",
    "konsol.off": "Konsol web belum dinyalakan di server ini (PUBLIC_BASE_URL belum diisi).",
    "konsol.rate_limited": "Sudah terlalu banyak tautan dalam {minutes} menit terakhir. Pakai tautan terakhir atau coba lagi nanti.",
    "checkin.ok": (
        "✅ Kehadiran Anda tercatat. Selamat mengikuti bimtek!\n\n{title}\n🗓 {when}\n📍 {venue}"
    ),
    "checkin.already": "Kehadiran Anda di «{title}» sudah tercatat sejak {at}. Tidak perlu check-in lagi. 👍",
    "checkin.too_early": (
        "Check-in untuk «{title}» belum dibuka. Check-in dibuka {opens}; silakan pindai "
        "QR code lagi saat itu."
    ),
    "checkin.over": (
        "Sesi «{title}» sudah selesai ({ended}), jadi check-in sudah ditutup. Jika Anda tadi "
        "hadir, silakan hubungi petugas Dinas."
    ),
    "checkin.unknown": (
        "Kode check-in itu tidak dikenal. Pindai QR code yang dipasang petugas di lokasi "
        "bimtek, atau tanyakan kepada petugas."
    ),
    "checkin.not_registered": (
        "Anda belum terdaftar, jadi kehadiran belum bisa dicatat. Ketik /daftar untuk "
        "mendaftar, atau hubungi petugas di lokasi."
    ),
    "checkin.not_enrolled": (
        "Anda tidak terdaftar di sesi «{title}», jadi kehadiran tidak bisa dicatat. "
        "Lihat sesi Anda dengan /jadwal, atau hubungi petugas di lokasi."
    ),
    "checkin.waitlisted": (
        "Anda masih di daftar tunggu sesi «{title}», jadi kehadiran belum bisa dicatat. "
        "Silakan hubungi petugas di lokasi."
    ),
    "checkin.cancelled": "Sesi «{title}» dibatalkan, jadi tidak ada check-in. Mohon maaf.",
    "calendar.button": "📅 Simpan ke kalender",
    "calendar.caption": "Buka berkas ini untuk menambahkan jadwal bimtek ke kalender HP Anda.",
    "calendar.none": "Tidak ada sesi aktif yang bisa disimpan ke kalender.",
    "calendar.description": "Bimtek WUB IKM Kementerian Perindustrian\nStatus: {status}\nTempat: {venue}{maps}",
    "calendar.maps": "\nPeta: {url}",
    "schedule.rsvp.yes": "Anda menyatakan akan hadir",
    "schedule.rsvp.no": "Anda menyatakan tidak bisa hadir",
    "schedule.attended": "sudah check-in ✅",
    "notice.session_cancelled": (
        "⚠️ Pemberitahuan: sesi bimtek «{title}» pada {when} DIBATALKAN. Mohon maaf atas "
        "ketidaknyamanannya; kami akan mengabari Anda bila ada jadwal pengganti."
    ),
    "notice.session_moved": (
        "📅 Perubahan jadwal: sesi bimtek «{title}» dipindah.\n\n"
        "Jadwal baru: {when} sampai {ends}\n📍 {venue}\n\nJadwal lama: {old}"
    ),
    "sesi.list": "Sesi bimtek (pilih untuk melihat rinciannya):",
    "sesi.list.empty": "Belum ada sesi bimtek yang akan datang.",
    "sesi.list.label": "{code} — {title} — {date} ({enrolled}/{capacity})",
    "sesi.list.label_cancelled": "{code} — {title} — {date} (batal)",
    "sesi.new": "➕ Sesi baru",
    "sesi.detail": (
        "{code} — {title}\n🗓 {when} sampai {ends}\n📍 {venue}{maps}\n"
        "👥 Terdaftar: {enrolled}/{capacity} · daftar tunggu: {waitlisted} · hadir: {attended}\n"
        "🔑 Kode check-in: {checkin_code}\nPendaftaran: {state}"
    ),
    "sesi.state.open": "dibuka",
    "sesi.state.closed": "ditutup",
    "sesi.state.cancelled": "❌ sesi dibatalkan",
    "sesi.btn.qr": "QR check-in",
    "sesi.btn.attendance": "Daftar hadir",
    "sesi.btn.move": "Pindah jadwal",
    "sesi.btn.cancel": "Batalkan sesi",
    "sesi.btn.open": "Buka pendaftaran",
    "sesi.btn.close": "Tutup pendaftaran",
    "sesi.btn.list": "« Daftar sesi",
    "sesi.btn.detail": "« Rincian sesi",
    "sesi.btn.prev": "‹ Sebelumnya",
    "sesi.btn.next": "Berikutnya ›",
    "sesi.gone": "Sesi itu tidak ditemukan atau sudah berubah. Ketik /sesi untuk daftar terbaru.",
    "sesi.is_cancelled": "Sesi {code} sudah dibatalkan.",
    "sesi.qr.caption": "QR check-in {code} — {title}\n{link}",
    "sesi.qr.no_username": (
        "Tautan check-in belum bisa dibuat karena nama bot belum diketahui: jalankan bot "
        "sekali atau isi TELEGRAM_BOT_USERNAME."
    ),
    "sesi.attendance": "Daftar hadir {code} — {title}\nHadir {attended} dari {enrolled} peserta.\n\n{lines}",
    "sesi.attendance.empty": "Belum ada peserta terdaftar di sesi {code}.",
    "sesi.attendance.page": "\n\nHalaman {page} dari {pages}",
    "sesi.mark.button": "Tandai hadir: {name}",
    "sesi.mark.done": "✅ {name} ditandai hadir.",
    "sesi.mark.already": "{name} sudah tercatat hadir.",
    "sesi.cancel.confirm": (
        "Yakin membatalkan sesi {code} — {title} ({when})?\n{enrolled} peserta terdaftar dan "
        "{waitlisted} di daftar tunggu akan diberi tahu."
    ),
    "sesi.cancel.yes": "Ya, batalkan sesi",
    "sesi.cancel.no": "Tidak",
    "sesi.cancel.done": "Sesi {code} dibatalkan. Pemberitahuan dikirim ke {notified} peserta.",
    "sesi.registration.opened": "Pendaftaran sesi {code} dibuka.",
    "sesi.registration.closed": "Pendaftaran sesi {code} ditutup.",
    "sesi.move.ask_start": (
        "Pindah jadwal {code} — {title}\nSekarang: {when}\n\n"
        "Tulis waktu MULAI yang baru, contoh: 2026-12-01 09:00 ({zone})."
    ),
    "sesi.move.ask_end": "Tulis waktu SELESAI yang baru, contoh: 2026-12-01 16:00 ({zone}).",
    "sesi.move.confirm": (
        "Pindahkan sesi {code} — {title}\ndari {old}\nke {when} sampai {ends}?\n\n"
        "{enrolled} peserta terdaftar akan diberi tahu."
    ),
    "sesi.move.yes": "Ya, pindahkan",
    "sesi.move.no": "Tidak jadi",
    "sesi.move.done": "Jadwal sesi {code} dipindah ke {when}. Pemberitahuan dikirim ke {notified} peserta.",
    "sesi.move.aborted": "Baik, jadwal tidak diubah.",
    "sesi.new.ask.code": "Sesi baru. Tulis KODE sesi (huruf, angka, - atau _; maksimal 32), contoh: BTK-05.",
    "sesi.new.ask.title": "Tulis JUDUL sesi, contoh: Bimtek Batik Tulis.",
    "sesi.new.ask.venue": "Tulis TEMPAT sesi, contoh: Aula Disperindag, Cikarang Pusat.",
    "sesi.new.ask.starts_at": "Tulis waktu MULAI, contoh: 2026-12-01 09:00 ({zone}).",
    "sesi.new.ask.ends_at": "Tulis waktu SELESAI, contoh: 2026-12-01 16:00 ({zone}).",
    "sesi.new.ask.capacity": "Berapa KAPASITAS peserta? Tulis angka 1 sampai 10000.",
    "sesi.new.ask.maps_url": "Tempel tautan peta lokasi (misalnya Google Maps), atau tulis - jika tidak ada.",
    "sesi.new.summary": (
        "Periksa sesi baru:\n\nKode: {code}\nJudul: {title}\nTempat: {venue}\nMulai: {when}\n"
        "Selesai: {ends}\nKapasitas: {capacity}\nPeta: {maps}\n\nSimpan?"
    ),
    "sesi.new.yes": "Simpan",
    "sesi.new.no": "Tidak jadi",
    "sesi.new.done": "Sesi {code} dibuat. Kode check-in: {checkin_code}",
    "sesi.new.aborted": "Baik, sesi baru tidak disimpan.",
    "sesi.invalid.code": "Kode hanya boleh berisi huruf, angka, - dan _, diawali huruf atau angka, maksimal 32.",
    "sesi.invalid.code_taken": "Kode {code} sudah dipakai sesi lain. Tulis kode lain.",
    "sesi.invalid.text": "Isian ini harus 1 sampai 200 huruf.",
    "sesi.invalid.capacity_below": "Sudah ada {count} peserta terdaftar: kapasitas tidak boleh lebih kecil dari itu.",
    "sesi.invalid.time": "Format waktu tidak dikenali. Tulis seperti 2026-12-01 09:00.",
    "sesi.invalid.past": "Waktu itu sudah lewat. Tulis waktu yang akan datang.",
    "sesi.invalid.end_before_start": "Waktu selesai harus sesudah waktu mulai ({when}).",
    "sesi.invalid.capacity": "Kapasitas harus angka 1 sampai 10000.",
    "sesi.invalid.maps_url": "Tautan itu tidak valid. Tempel tautan yang diawali https://, atau tulis -.",
    "sesi.invalid.text_expected": "Di langkah ini saya menunggu jawaban berupa teks (atau /batal untuk berhenti).",
    "sesi.invalid.not_enrolled": "Peserta itu tidak memegang tempat di sesi ini.",
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
        "/alat — my equipment: confirm receipt, BAST\n"
        "/profil — view or change my data\n"
        "/kuis — answer the bimtek pre-test, post-test and evaluation\n"
        "/sertifikat — my bimtek certificates\n"
        "/hapus — delete my data\n"
        "/bahasa — change language\n"
        "/batal — cancel the current step\n"
        "/tanya — send a question to the officers\n"
        "/bantuan — this message\n\n"
        "A question? Just type it here."
    ),
    "help.officer": (
        "For officers:\n"
        "/sesi — manage bimtek sessions, check-in QR, attendance\n"
        "/kelolaalat — record equipment allocations and handovers, download BAST\n"
        "/kasus — equipment not received or damaged\n"
        "/siaran — send an announcement to chosen participants\n"
        "/rekap — live numbers and a chart\n"
        "/ekspor — download data (CSV/XLSX)\n"
        "/tiket — participants' questions (ticket desk)\n"
        "/peserta — find a participant and send a message\n"
        "/faq — questions and answers the bot gives at once\n"
        "/petugas — manage officers (admins only)"
    ),
    # Telegram's command menu (the "/" button): one line per command, at most 256 characters.
    "command.start": "Start and main menu",
    "command.daftar": "Register for a bimtek",
    "command.jadwal": "My bimtek schedule",
    "command.alat": "My equipment: confirm receipt, BAST",
    "command.profil": "View or change my data",
    "command.hapus": "Delete my data",
    "command.bahasa": "Change language / ganti bahasa",
    "command.batal": "Cancel the current step",
    "command.bantuan": "Help and the list of commands",
    "command.sesi": "Officers: manage sessions, check-in QR, attendance",
    "command.kelolaalat": "Officers: equipment allocations and handovers, BAST",
    "command.kasus": "Officers: equipment not received or damaged",
    "command.siaran": "Officers: send an announcement to chosen participants",
    "command.rekap": "Officers: live numbers and a chart",
    "command.ekspor": "Officers: download data (CSV/XLSX)",
    "command.petugas": "Admins: manage officers",
    "command.tanya": "Send a question to the officers",
    "command.tiket": "Officers: participants' questions (tickets)",
    "command.peserta": "Officers: find a participant and send a message",
    "command.faq": "Officers: the questions and answers (FAQ) the bot gives",
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
    "flow_restarted": "Sorry, the step where you stopped no longer exists in the new version of the bot. We continue with the first question not yet answered; your earlier answers are kept.",
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
    "invalid.full_name.script": (
        "Please write your name in Latin letters (A-Z, accents such as é are fine), "
        "as on your KTP."
    ),
    "invalid.nik.chars": "A NIK contains digits only. Type the 16 digits of your NIK.",
    "invalid.nik.length": "A NIK has exactly 16 digits. Please check your KTP.",
    "invalid.nik.date": (
        "That NIK is not valid: digits 7 to 12 must be a real birth date (day, month, year: "
        "150890 for 15 August 1990; women's NIKs add 40 to the day, so 550890). "
        "Please check your KTP."
    ),
    "invalid.nik.repeated": (
        "That NIK is not valid: its digits cannot all be the same. Please check your KTP."
    ),
    "invalid.nik.region": (
        "That NIK is not valid: its first two digits must be a province code (for example 32 "
        "for Jawa Barat). Please check your KTP."
    ),
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
    "typed.confirm": "Did you mean «{label}»?",
    "typed.yes": "Yes",
    "typed.no": "No",
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
    # Reminders, RSVP and the waiting list
    "reminder.body": (
        "⏰ Bimtek reminder\n\n{title}\n🗓 {when}\n📍 {venue}{maps}\n\nWill you attend?"
    ),
    "rsvp.yes": "✅ I will attend",
    "rsvp.no": "❌ I cannot attend",
    "rsvp.thanks_yes": "Thank you! Your attendance at «{title}» is noted. See you there.",
    "rsvp.thanks_no": (
        "OK, thank you for letting us know. Your place at «{title}» goes to another "
        "participant. You can register for another session at any time."
    ),
    "rsvp.too_late": "Session «{title}» has started or was cancelled, so the answer can no longer change.",
    "rsvp.released": "Your place at «{title}» was already given up, so this answer is not recorded.",
    "waitlist.offer": (
        "🎉 A place is free at «{title}» ({when}, {venue}).\n\n"
        "We hold it for you until {until}. Do you want it?"
    ),
    "waitlist.take": "Take the place",
    "waitlist.skip": "Skip",
    "waitlist.taken": (
        "Congratulations! You are now enrolled in:\n{title}\n🗓 {when}\n📍 {venue}{maps}\n\n"
        "We will send you a reminder before the session starts."
    ),
    "waitlist.skipped": "OK, the place at «{title}» goes to the next person in line.",
    "waitlist.expired": (
        "Sorry, the offer of a place at «{title}» has expired and the place went to someone else."
    ),
    # Equipment (keys go below this line)
    "menu.equipment": "🧰 My equipment",
    "flow.alat": "the equipment confirmation",
    "flow.alatp_alloc": "recording an allocation",
    "flow.alatp_handover": "an equipment handover",
    "flow.alatp_resolve": "resolving a case",
    "flow.alatp_bast": "a BAST request",
    "alat.item": "{name} — {qty} {unit}",
    "alat.state.allocated": "📦 to be handed over by an officer",
    "alat.state.awaiting": "⏳ waiting for your confirmation",
    "alat.state.received": "✅ received",
    "alat.state.not_received": "❌ not received",
    "alat.state.damaged": "⚠️ damaged / not as described",
    "alat.answer.received": "Received",
    "alat.answer.not_received": "Not received",
    "alat.answer.damaged": "Damaged / not as described",
    "alat.question": "{item}\nHave you received this in good condition?",
    "alat.question.current": "Your answer now: {state}",
    "alat.handover": (
        "📦 Equipment handover\n\nAn officer recorded that the following was handed over "
        "to you:\n{items}\n\nPlease confirm each item with the buttons below."
    ),
    "alat.nudge": (
        "🔔 Reminder: you have not yet confirmed receiving:\n{items}\n\n"
        "Please confirm with the buttons below."
    ),
    "alat.list": "Your equipment:\n\n{lines}\n\nPress a button below to confirm or change an answer.",
    "alat.none": "No equipment has been recorded for you yet.",
    "alat.case.open": "\n   An officer is looking into your report (case #{case}).",
    "alat.case.resolved": "\n   Handled by an officer (case #{case}): {resolution}",
    "alat.extra.photo": "📷 photo sent",
    "alat.extra.note": "📝 note: {note}",
    "alat.btn.confirm": "Confirm: {item}",
    "alat.btn.change": "Change answer: {item}",
    "alat.btn.bast": "📄 Download BAST",
    "alat.not_handed_over": "{item} has not been handed over yet, so it cannot be confirmed.",
    "alat.recorded": "Recorded: {item} — {answer}.",
    "alat.recorded.case": (
        "Recorded: {item} — {answer}.\nYour report has been passed to the officers (case #{case})."
    ),
    "alat.proof.button": "📷 Add photo / note",
    "alat.proof.ask": (
        "Send a photo of {item} as proof and/or write a short note (optional). "
        "Press «Continue» when done or if there is nothing to add."
    ),
    "alat.proof.next": "Continue ›",
    "alat.proof.later": "You can add a photo or a note later through /alat.",
    "alat.proof.expected": "At this step send a photo or write a note, or press «Continue».",
    "alat.proof.photo.saved": "📷 Photo of {item} saved. Write a note if you like, or press «Continue».",
    "alat.proof.photo.forwarded": (
        "📷 Photo of {item} saved and passed to the officers (case #{case}). "
        "Write a note if you like, or press «Continue»."
    ),
    "alat.proof.note.saved": "📝 Note about {item} saved. Send a photo if you like, or press «Continue».",
    "alat.proof.note.forwarded": (
        "📝 Note about {item} saved and passed to the officers (case #{case}). "
        "Send a photo if you like, or press «Continue»."
    ),
    "alat.note.invalid": "A note must be 1 to 500 characters.",
    "alat.photo.where": (
        "Thank you for the photo. So that it goes with the right item, open /alat, choose the "
        "item, press «Add photo / note» and send the photo again."
    ),
    "alat.thanks": (
        "Thank you! This is what we recorded:\n{lines}\n\n"
        "You can see or change your answers at any time with /alat."
    ),
    "alat.thanks.line": "• {item}: {answer}",
    "alat.bast.none": "The BAST is not available yet because nothing has been handed over to you.",
    "alat.bast.caption": "The handover record (BAST) of your equipment.",
    "alat.case_resolved": (
        "✅ Your report about {item} (case #{case}) has been handled by an officer.\n"
        "Officer's note: {resolution}\n\nIf you now have the item in good condition, change "
        "your answer with the button below or through /alat."
    ),
    "alatp.menu": "Equipment — choose what to do:",
    "alatp.btn.allocate": "➕ Record allocation",
    "alatp.btn.handover": "🤝 Handover",
    "alatp.btn.cases": "⚠️ Open cases ({count})",
    "alatp.btn.bast": "📄 Participant's BAST",
    "alatp.btn.more": "➕ Another item",
    "alatp.btn.hand_now": "🤝 Mark as handed over",
    "alatp.btn.done": "Done",
    "alatp.btn.resolve": "✅ Resolve case #{case}",
    "alatp.btn.cases_back": "« Open cases",
    "alatp.ask_nik": "Type the participant's NIK (16 digits).",
    "alatp.nik_invalid": (
        "That NIK is not valid: check its 16 digits (the first two are the province code, "
        "digits 7 to 12 the birth date)."
    ),
    "alatp.nik_unknown": "No participant is registered with that NIK.",
    "alatp.text_expected": "At this step I am waiting for a text answer (or /batal to stop).",
    "alatp.participant": "Participant: {name} (NIK {nik}), {business}",
    "alatp.ask_item": "{who}\n\nChoose the item allocated:",
    "alatp.ask_qty": "How many {item} ({unit}) for {name}? Type a number from 1 to 1000.",
    "alatp.refused.quantity": "The quantity must be a number from 1 to 1000.",
    "alatp.refused.handed_over": (
        "That item was already handed over with another quantity, so it cannot change now."
    ),
    "alatp.allocated": "✅ Allocation recorded: {item}, {qty} {unit}.",
    "alatp.allocations": "{who}\nAllocations:\n{lines}",
    "alatp.state.allocated": "not handed over yet",
    "alatp.state.awaiting": "handed over, awaiting confirmation",
    "alatp.state.received": "received",
    "alatp.state.not_received": "not received (case)",
    "alatp.state.damaged": "damaged / not as described (case)",
    "alatp.done": "OK, done.",
    "alatp.handover.confirm": "Handover to:\n{who}\n\n{lines}\n\nHave all these items been handed over now?",
    "alatp.handover.yes": "Yes, handed over",
    "alatp.handover.no": "No",
    "alatp.handover.nothing": "Nothing allocated to {name} is waiting for handover. Record the allocation first.",
    "alatp.handover.aborted": "OK, no handover recorded.",
    "alatp.handover.done": "✅ Handover of {count} item(s) to {name} recorded. The participant is asked to confirm in chat.",
    "alatp.handover.no_contact": (
        "✅ Handover of {count} item(s) to {name} recorded, but the participant cannot be "
        "reached in chat: ask them to confirm in person."
    ),
    "alatp.officer_label": "Petugas #{id}",
    "alatp.cases": "Open cases: {count} (showing the {shown} oldest). Choose one for details:",
    "alatp.cases.empty": "There are no open equipment cases. 👍",
    "alatp.case.label": "#{case} {item} — {name}: {kind}",
    "alatp.case_gone": "That case was not found.",
    "alatp.case.header.open": "⚠️ Equipment problem — case #{case}",
    "alatp.case.header.change": "⚠️ Case #{case} updated: the participant changed the answer",
    "alatp.case.header.photo": "📷 New photo for case #{case}",
    "alatp.case.header.note": "📝 New note for case #{case}",
    "alatp.case.header.detail": "Case #{case}",
    "alatp.case.body": (
        "Participant: {name} (NIK {nik}), {business}\nItem: {item}\nParticipant's answer: {kind}\n"
        "Handed over: {handed} by {by}\nReported: {opened}"
    ),
    "alatp.case.note": "\nParticipant's note: {note}",
    "alatp.case.resolved": "\nResolved {when}: {resolution}",
    "alatp.case.by_participant": "the participant now says the item was received",
    "alatp.case.closed_by_participant": (
        "✅ Case #{case} ({item}, {name}) closed: the participant now says the item was received."
    ),
    "alatp.resolve.ask": (
        "Type the resolution note for case #{case} (e.g. a replacement was delivered). "
        "The participant gets this note."
    ),
    "alatp.note_invalid": "A note must be 1 to 500 characters.",
    "alatp.resolve.done": "✅ Case #{case} resolved. The participant has been told.",
    "alatp.resolve.already": "Case #{case} was already resolved.",
    "alatp.bast.none": "Nothing has been handed over to {name} yet, so there is no BAST.",
    "alatp.bast.caption": "Equipment BAST — {name}",
    "bast.issuer": "MINISTRY OF INDUSTRY OF THE REPUBLIC OF INDONESIA",
    "bast.title": "EQUIPMENT HANDOVER RECORD (BAST)",
    "bast.programme": "New Small and Medium Industry Entrepreneurs Programme (WUB IKM)",
    "bast.number": "Number: {number}",
    "bast.intro": (
        "The First Party (officer) has handed over the equipment below to the Second Party "
        "(participant), who confirms its receipt as stated."
    ),
    "bast.handover_dates": "Handover date",
    "bast.officers": "Officer",
    "bast.confirmed_at": "Participant's confirmation",
    "bast.confirmation_pending": "not every item is confirmed yet",
    "bast.name": "Name",
    "bast.nik": "NIK",
    "bast.business": "Business",
    "bast.kecamatan": "Kecamatan",
    "bast.sessions": "Bimtek",
    "bast.col.no": "No",
    "bast.col.item": "Item",
    "bast.col.qty": "Quantity",
    "bast.col.handed_over": "Handed over (date, officer)",
    "bast.col.confirmation": "Participant's confirmation",
    "bast.handed_over": "{when}, {officer}",
    "bast.unconfirmed": "Not confirmed yet",
    "bast.confirmed": "{answer}, {when}",
    "bast.sign.officer": "First Party (handing over)",
    "bast.sign.participant": "Second Party (receiving)",
    "bast.generated": "This document was made by WUB IKM Bot on {when}.",
    # Officer tools (keys go below this line)
    "flow.siaran": "composing a broadcast",
    "flow.petugas_add": "adding an officer",
    "flow.petugas_name": "naming an officer",
    "flow.faq_add": "adding an FAQ entry",
    "flow.faq_edit": "changing an FAQ entry",
    "flow.faq_import": "importing FAQ entries",
    "broadcast.footer": "— Reply STOP to stop receiving announcements.",
    "broadcast.reason.chat_not_found": "chat not found",
    "broadcast.reason.outside_window": "outside WhatsApp's 24-hour window",
    "broadcast.reason.rate_limited": "rate limited, given up",
    "broadcast.reason.invalid": "message refused",
    "broadcast.reason.other": "other error",
    "broadcast.reason.expired": "not delivered before its deadline",
    "broadcast.progress": (
        "📣 Broadcast #{id} is being sent: {done}/{total}\n"
        "✅ sent {sent} · ❌ failed {failed}{reasons} · 🚫 blocked the bot {blocked}"
    ),
    "broadcast.progress.done": (
        "📣 Broadcast #{id} finished: {done}/{total}\n"
        "✅ sent {sent} · ❌ failed {failed}{reasons} · 🚫 blocked the bot {blocked}"
    ),
    "broadcast.report": (
        "📊 Report of broadcast #{id}\n"
        "Recipients: {total}\n"
        "✅ Sent: {sent}\n"
        "❌ Failed: {failed}{reasons}\n"
        "🚫 Blocked the bot: {blocked}\n"
        "Not sent: {skipped_blocked} had blocked the bot before, {opted_out} opted out"
    ),
    "siaran.ask.text": (
        "📣 New broadcast. Write the announcement (text), or send a photo with its caption.\n"
        "Type /cancel to stop."
    ),
    "siaran.ask.text_after_photo": "Photo received. Now write the announcement's text.",
    "siaran.ask.photo": "Add a photo? Send it now, or tap «No photo».",
    "siaran.no_photo": "No photo",
    "siaran.ask.audience": "Send to whom?",
    "siaran.kind.all": "👥 All participants",
    "siaran.kind.session": "📅 Participants of a session",
    "siaran.kind.waitlist": "⏳ Waiting list of a session",
    "siaran.kind.kecamatan": "📍 One kecamatan",
    "siaran.kind.sector": "🏭 One sector",
    "siaran.kind.unconfirmed": "📦 Equipment not confirmed",
    "siaran.kind.noshow": "🚷 No-shows of a session",
    "siaran.ask.pick_session": "Choose the session:",
    "siaran.ask.pick_kecamatan": "Choose the kecamatan:",
    "siaran.ask.pick_sector": "Choose the sector:",
    "siaran.back": "⬅️ Back",
    "siaran.no_sessions": "No session fits this choice.",
    "siaran.ask.time": "When should it go out? Write the date and time ({zone}), e.g. 2026-12-01 08:00",
    "siaran.invalid.text_expected": "Send the announcement as text, or a photo with a caption.",
    "siaran.invalid.photo_expected": "Send the photo, or tap «No photo».",
    "siaran.invalid.time": "That time cannot be read. Write it like 2026-12-01 08:00.",
    "siaran.refused.text_empty": "The announcement cannot be empty.",
    "siaran.refused.text_too_long": "The announcement is too long (at most 3500 characters).",
    "siaran.refused.past": "That time has passed. Write a time in the future.",
    "siaran.audience.all": "All participants",
    "siaran.audience.session": "Participants of session {value}",
    "siaran.audience.waitlist": "Waiting list of session {value}",
    "siaran.audience.kecamatan": "Kecamatan {value}",
    "siaran.audience.sector": "Sector {value}",
    "siaran.audience.unconfirmed": "Participants who have not confirmed their equipment",
    "siaran.audience.noshow": "Participants who did not attend session {value}",
    "siaran.audience_invalid.malformed": "Unknown audience.",
    "siaran.audience_invalid.unknown_kind": "Unknown audience «{value}».",
    "siaran.audience_invalid.no_value_expected": "Audience «{value}» takes no value.",
    "siaran.audience_invalid.value_missing": "Audience «{value}» needs a value.",
    "siaran.audience_invalid.unknown_kecamatan": "Unknown kecamatan «{value}».",
    "siaran.audience_invalid.unknown_sector": "Unknown sector «{value}».",
    "siaran.audience_invalid.unknown_session": "Session «{value}» not found.",
    "siaran.audience_invalid.not_started": "Session {value} has not started, so there are no no-shows yet.",
    "siaran.preview.empty": "Nobody to send to in «{audience}». Choose another audience.",
    "siaran.preview.header": "👀 Preview — this is how recipients will see it:",
    "siaran.preview": (
        "Audience: {audience}\n"
        "It will go to {count} recipient(s).\n"
        "Skipped: {skipped_blocked} blocked the bot, {opted_out} opted out."
    ),
    "siaran.send_now": "✅ Send now",
    "siaran.schedule": "🕒 Schedule",
    "siaran.cancel": "❌ Cancel",
    "siaran.cancelled": "Broadcast cancelled; nothing was sent.",
    "siaran.started": (
        "📣 Broadcast #{id} is being sent to {count} recipient(s). Its progress shows in the next "
        "message, and the report comes when it is done."
    ),
    "siaran.scheduled": (
        "🕒 Broadcast #{id} is scheduled for {when}. Its audience is {count} recipient(s) today; "
        "the recipients are counted again when it goes out."
    ),
    "optout.done": (
        "🔕 OK, you will get no more announcements (broadcasts) from us. Reminders for the "
        "bimtek sessions you are enrolled in still come.\nReply START at any time to get "
        "announcements again."
    ),
    "optout.already": "You have already stopped announcements. Reply START to get them again.",
    "optout.resumed": "🔔 OK, you will get announcements again. Reply STOP to stop them.",
    "optout.not_out": "You already get announcements. Reply STOP to stop them.",
    "rekap.text": (
        "📊 Summary as of {when}\n\n"
        "👥 Registered: {registered}\n\n"
        "By sector:\n{by_sector}\n\n"
        "By kecamatan:\n{by_kecamatan}\n\n"
        "📅 Sessions (enrolled/capacity · waiting · RSVP yes/no · attended):\n{sessions}\n\n"
        "📦 Equipment: {allocations} allocation(s)\n"
        "• not handed over: {not_handed_over}\n"
        "• not confirmed: {unconfirmed}\n"
        "• received: {received}\n"
        "• not received: {not_received}\n"
        "• damaged / not as described: {damaged}\n"
        "• open cases: {open_cases}"
    ),
    "rekap.session": (
        "• {code} ({date}): {enrolled}/{capacity} · waiting {waitlisted} · "
        "RSVP {rsvp_yes}/{rsvp_no} · attended {attended}"
    ),
    "rekap.none": "• none yet",
    "rekap.others": "• others: {count}",
    "rekap.caption": "WUB IKM summary chart, {when}",
    "rekap.chart.title": "WUB IKM summary",
    "rekap.chart.by_sector": "Registrations by sector",
    "rekap.chart.by_kecamatan": "Registrations by kecamatan",
    "rekap.chart.sessions": "Bimtek sessions",
    "rekap.chart.equipment": "Equipment confirmations",
    "rekap.chart.enrolled": "Enrolled",
    "rekap.chart.waitlisted": "Waiting list",
    "rekap.chart.rsvp_yes": "Will attend",
    "rekap.chart.attended": "Attended",
    "rekap.chart.received": "Received",
    "rekap.chart.unconfirmed": "Not confirmed",
    "rekap.chart.not_received": "Not received",
    "rekap.chart.damaged": "Damaged",
    "rekap.chart.not_handed_over": "Not handed over",
    "rekap.chart.nothing": "No data yet",
    "ekspor.ask": "📥 Choose what to export:",
    "ekspor.kind.participants": "Participants ({format})",
    "ekspor.kind.enrollments": "Attendance list ({format})",
    "ekspor.kind.allocations": "Equipment recipients ({format})",
    "ekspor.kind.evaluations": "Pre/post-test & evaluation ({format})",
    "ekspor.caption.participants": "Participants: {rows} row(s). Personal data — keep it safe.",
    "ekspor.caption.enrollments": "Attendance list: {rows} row(s). Personal data — keep it safe.",
    "ekspor.caption.allocations": "Equipment recipients: {rows} row(s). Personal data — keep it safe.",
    "ekspor.caption.evaluations": "Pre-test, post-test and evaluation results: {rows} row(s), one per participant and questionnaire. Personal data — keep it safe.",
    "ekspor.kind.tickets": "Help desk tickets ({format})",
    "ekspor.caption.tickets": "Help desk tickets: {rows} row(s). Personal data — keep it safe.",
    "petugas.list": "👮 Officers:\n{lines}",
    "petugas.line": "• {address}{name} — {role}",
    "petugas.role.officer": "officer",
    "petugas.role.admin": "admin",
    "petugas.btn.toggle": "🔁 Change role of {address}",
    "petugas.btn.remove": "🗑 Remove {address}",
    "petugas.btn.add": "➕ Add an officer",
    "petugas.btn.name": "✏️ Name {address}",
    "petugas.name.ask": (
        "Display name for {address}? It heads ticket alerts and names them in the audit log."
        " /batal to cancel."
    ),
    "petugas.name.invalid": "Type a name of 1 to {limit} characters.",
    "petugas.name.set": "✅ {address} is now named: {name}.",
    "petugas.not_self": "You cannot remove yourself or change your own role.",
    "petugas.remove.confirm": "Remove {address} from the officers?",
    "petugas.remove.yes": "Yes, remove",
    "petugas.remove.no": "No",
    "petugas.removed": "{address} is no longer an officer.",
    "petugas.role_set": "{address} is now: {role}.",
    "petugas.add.ask_id": (
        "Send the new officer's Telegram user id (a number), or share their Telegram contact. "
        "Type /cancel to stop."
    ),
    "petugas.add.invalid_id": (
        "That is not a Telegram user id. Send just the number (e.g. 123456789), or share the "
        "contact."
    ),
    "petugas.add.ask_role": "Role for {address}?",
    "petugas.added": "✅ {address} is now {role}.",
    # WhatsApp (keys go below this line)
    "wa.choose": "Choose",
    "wa.choices": "Options",
    "wa.choose_prompt": "Please choose:",
    "wa.menu": "Menu",
    "wa.more": "More ▶",
    "wa.more.description": "More options",
    "wa.restart": "⏮ From the start",
    "wa.page": "More options (page {page} of {pages}):",
    "wa.page_expired": "That list of options has expired. Type your answer, or /batal to stop.",
    # Sessions, check-in and calendar
    "flow.sesi_new": "creating a new session",
    "flow.sesi_move": "moving a session",
    "officer.denied": "Sorry, this command is for officers only.",
    "konsol.link": "Sign-in link for the web console (valid {minutes} minutes, single use, do not share):\n{link}",
    "konsol.off": "The web console is not switched on on this server (PUBLIC_BASE_URL is not set).",
    "konsol.rate_limited": "Too many links in the last {minutes} minutes. Use the latest link or try again later.",
    "checkin.ok": (
        "✅ Your attendance is recorded. Enjoy the bimtek!\n\n{title}\n🗓 {when}\n📍 {venue}"
    ),
    "checkin.already": "Your attendance at «{title}» was already recorded at {at}. No need to check in again. 👍",
    "checkin.too_early": (
        "Check-in for «{title}» is not open yet. It opens {opens}; please scan the QR code "
        "again then."
    ),
    "checkin.over": (
        "Session «{title}» has ended ({ended}), so check-in is closed. If you attended, "
        "please contact an officer."
    ),
    "checkin.unknown": (
        "That check-in code is not known. Scan the QR code the officers put up at the venue, "
        "or ask an officer."
    ),
    "checkin.not_registered": (
        "You are not registered yet, so your attendance cannot be recorded. Type /daftar to "
        "register, or ask an officer at the venue."
    ),
    "checkin.not_enrolled": (
        "You are not enrolled in «{title}», so your attendance cannot be recorded. "
        "See your sessions with /jadwal, or ask an officer at the venue."
    ),
    "checkin.waitlisted": (
        "You are still on the waiting list of «{title}», so your attendance cannot be "
        "recorded yet. Please ask an officer at the venue."
    ),
    "checkin.cancelled": "Session «{title}» was cancelled, so there is no check-in. We are sorry.",
    "calendar.button": "📅 Save to calendar",
    "calendar.caption": "Open this file to add your bimtek schedule to your phone's calendar.",
    "calendar.none": "There is no active session to save to a calendar.",
    "calendar.description": "WUB IKM bimtek, Ministry of Industry\nStatus: {status}\nVenue: {venue}{maps}",
    "calendar.maps": "\nMap: {url}",
    "schedule.rsvp.yes": "you said you will attend",
    "schedule.rsvp.no": "you said you cannot attend",
    "schedule.attended": "checked in ✅",
    "notice.session_cancelled": (
        "⚠️ Notice: the bimtek session «{title}» on {when} is CANCELLED. We are sorry for the "
        "inconvenience; we will tell you when there is a replacement."
    ),
    "notice.session_moved": (
        "📅 Schedule change: the bimtek session «{title}» has moved.\n\n"
        "New time: {when} until {ends}\n📍 {venue}\n\nPrevious time: {old}"
    ),
    "sesi.list": "Bimtek sessions (choose one for details):",
    "sesi.list.empty": "There are no upcoming bimtek sessions.",
    "sesi.list.label": "{code} — {title} — {date} ({enrolled}/{capacity})",
    "sesi.list.label_cancelled": "{code} — {title} — {date} (cancelled)",
    "sesi.new": "➕ New session",
    "sesi.detail": (
        "{code} — {title}\n🗓 {when} until {ends}\n📍 {venue}{maps}\n"
        "👥 Enrolled: {enrolled}/{capacity} · waiting list: {waitlisted} · attended: {attended}\n"
        "🔑 Check-in code: {checkin_code}\nRegistration: {state}"
    ),
    "sesi.state.open": "open",
    "sesi.state.closed": "closed",
    "sesi.state.cancelled": "❌ session cancelled",
    "sesi.btn.qr": "Check-in QR",
    "sesi.btn.attendance": "Attendance list",
    "sesi.btn.move": "Move session",
    "sesi.btn.cancel": "Cancel session",
    "sesi.btn.open": "Open registration",
    "sesi.btn.close": "Close registration",
    "sesi.btn.list": "« Sessions",
    "sesi.btn.detail": "« Session details",
    "sesi.btn.prev": "‹ Previous",
    "sesi.btn.next": "Next ›",
    "sesi.gone": "That session was not found or has changed. Type /sesi for the current list.",
    "sesi.is_cancelled": "Session {code} is already cancelled.",
    "sesi.qr.caption": "Check-in QR {code} — {title}\n{link}",
    "sesi.qr.no_username": (
        "The check-in link cannot be made yet because the bot's username is unknown: run the "
        "bot once or set TELEGRAM_BOT_USERNAME."
    ),
    "sesi.attendance": "Attendance {code} — {title}\n{attended} of {enrolled} attended.\n\n{lines}",
    "sesi.attendance.empty": "Nobody is enrolled in session {code} yet.",
    "sesi.attendance.page": "\n\nPage {page} of {pages}",
    "sesi.mark.button": "Mark attended: {name}",
    "sesi.mark.done": "✅ {name} marked as attended.",
    "sesi.mark.already": "{name} was already marked as attended.",
    "sesi.cancel.confirm": (
        "Really cancel session {code} — {title} ({when})?\n{enrolled} enrolled and "
        "{waitlisted} waiting-list participants will be told."
    ),
    "sesi.cancel.yes": "Yes, cancel the session",
    "sesi.cancel.no": "No",
    "sesi.cancel.done": "Session {code} cancelled. A notice goes to {notified} participant(s).",
    "sesi.registration.opened": "Registration for session {code} is open.",
    "sesi.registration.closed": "Registration for session {code} is closed.",
    "sesi.move.ask_start": (
        "Move {code} — {title}\nNow: {when}\n\n"
        "Type the new START time, e.g. 2026-12-01 09:00 ({zone})."
    ),
    "sesi.move.ask_end": "Type the new END time, e.g. 2026-12-01 16:00 ({zone}).",
    "sesi.move.confirm": (
        "Move session {code} — {title}\nfrom {old}\nto {when} until {ends}?\n\n"
        "{enrolled} enrolled participant(s) will be told."
    ),
    "sesi.move.yes": "Yes, move it",
    "sesi.move.no": "No",
    "sesi.move.done": "Session {code} moved to {when}. A notice goes to {notified} participant(s).",
    "sesi.move.aborted": "OK, the schedule was not changed.",
    "sesi.new.ask.code": "New session. Type the session CODE (letters, digits, - or _; 32 at most), e.g. BTK-05.",
    "sesi.new.ask.title": "Type the session TITLE, e.g. Bimtek Batik Tulis.",
    "sesi.new.ask.venue": "Type the VENUE, e.g. Aula Disperindag, Cikarang Pusat.",
    "sesi.new.ask.starts_at": "Type the START time, e.g. 2026-12-01 09:00 ({zone}).",
    "sesi.new.ask.ends_at": "Type the END time, e.g. 2026-12-01 16:00 ({zone}).",
    "sesi.new.ask.capacity": "How many participants (CAPACITY)? Type a number from 1 to 10000.",
    "sesi.new.ask.maps_url": "Paste a map link of the venue (e.g. Google Maps), or type - if there is none.",
    "sesi.new.summary": (
        "Check the new session:\n\nCode: {code}\nTitle: {title}\nVenue: {venue}\nStarts: {when}\n"
        "Ends: {ends}\nCapacity: {capacity}\nMap: {maps}\n\nSave it?"
    ),
    "sesi.new.yes": "Save",
    "sesi.new.no": "Don't save",
    "sesi.new.done": "Session {code} created. Check-in code: {checkin_code}",
    "sesi.new.aborted": "OK, the new session was not saved.",
    "sesi.invalid.code": "A code has only letters, digits, - and _, starts with a letter or digit, 32 at most.",
    "sesi.invalid.code_taken": "Code {code} is used by another session. Type another code.",
    "sesi.invalid.text": "This must be 1 to 200 characters.",
    "sesi.invalid.capacity_below": "{count} participants already hold a place: the capacity cannot be lower than that.",
    "sesi.invalid.time": "I cannot read that time. Type it like 2026-12-01 09:00.",
    "sesi.invalid.past": "That time has passed. Type a time in the future.",
    "sesi.invalid.end_before_start": "The end must be after the start ({when}).",
    "sesi.invalid.capacity": "The capacity must be a number from 1 to 10000.",
    "sesi.invalid.maps_url": "That link is not valid. Paste a link starting with https://, or type -.",
    "sesi.invalid.text_expected": "At this step I am waiting for a text answer (or /batal to stop).",
    "sesi.invalid.not_enrolled": "That participant holds no place in this session.",
}

CATALOGUES: Final = {"id": ID, "en": EN}

# Keys the code builds at run time, by the f-string that builds them ("{}" for each value put
# in): the catalogue test counts these as used, checks that each exists in every language,
# that every key-building f-string in the code is listed here, and that every pattern here is
# still built somewhere. Add a line when you build a key from a value.
BUILT_KEYS: Final[dict[str, tuple[str, ...]]] = {
    "alat.answer.{}": ("alat.answer.received", "alat.answer.not_received", "alat.answer.damaged"),
    "alat.proof.{}.{}": (
        "alat.proof.photo.saved",
        "alat.proof.photo.forwarded",
        "alat.proof.note.saved",
        "alat.proof.note.forwarded",
    ),
    "alat.state.{}": (
        "alat.state.allocated",
        "alat.state.awaiting",
        "alat.state.received",
        "alat.state.not_received",
        "alat.state.damaged",
    ),
    "alatp.case.header.{}": (
        "alatp.case.header.open",
        "alatp.case.header.change",
        "alatp.case.header.photo",
        "alatp.case.header.note",
        "alatp.case.header.detail",
    ),
    "alatp.refused.{}": ("alatp.refused.handed_over", "alatp.refused.quantity"),
    "alatp.state.{}": (
        "alatp.state.allocated",
        "alatp.state.awaiting",
        "alatp.state.received",
        "alatp.state.not_received",
        "alatp.state.damaged",
    ),
    "broadcast.reason.{}": (
        "broadcast.reason.chat_not_found",
        "broadcast.reason.invalid",
        "broadcast.reason.outside_window",
        "broadcast.reason.rate_limited",
        "broadcast.reason.expired",
        "broadcast.reason.other",
    ),
    "checkin.{}": (
        "checkin.cancelled",
        "checkin.not_registered",
        "checkin.not_enrolled",
        "checkin.waitlisted",
        "checkin.already",
        "checkin.too_early",
        "checkin.over",
    ),
    "command.{}": (
        "command.start",
        "command.daftar",
        "command.jadwal",
        "command.alat",
        "command.profil",
        "command.hapus",
        "command.bahasa",
        "command.batal",
        "command.bantuan",
        "command.kuis",
        "command.sertifikat",
        "command.sesi",
        "command.kelolaalat",
        "command.kasus",
        "command.siaran",
        "command.rekap",
        "command.ekspor",
        "command.petugas",
        "command.tanya",
        "command.tiket",
        "command.peserta",
        "command.faq",
    ),
    "ekspor.caption.{}": (
        "ekspor.caption.participants",
        "ekspor.caption.enrollments",
        "ekspor.caption.allocations",
        "ekspor.caption.evaluations",
        "ekspor.caption.tickets",
    ),
    "ekspor.kind.{}": (
        "ekspor.kind.participants",
        "ekspor.kind.enrollments",
        "ekspor.kind.allocations",
        "ekspor.kind.evaluations",
        "ekspor.kind.tickets",
    ),
    "field.{}": (
        "field.full_name",
        "field.nik",
        "field.phone",
        "field.business_name",
        "field.sector",
        "field.kecamatan",
        "field.session",
    ),
    "flow.{}": (
        "flow.kuis",
        "flow.registration",
        "flow.profile",
        "flow.erase",
        "flow.alat",
        "flow.alatp_alloc",
        "flow.alatp_bast",
        "flow.alatp_handover",
        "flow.alatp_resolve",
        "flow.petugas_add",
        "flow.petugas_name",
        "flow.faq_add",
        "flow.faq_edit",
        "flow.faq_import",
        "flow.sesi_new",
        "flow.sesi_move",
        "flow.siaran",
        "flow.tanya_ask",
        "flow.tiket_reply",
        "flow.tiket_close",
        "flow.tiket_new",
    ),
    "invalid.{}.{}": (
        "invalid.full_name.empty",
        "invalid.full_name.too_long",
        "invalid.full_name.too_short",
        "invalid.full_name.chars",
        "invalid.full_name.script",
        "invalid.nik.empty",
        "invalid.nik.too_long",
        "invalid.nik.chars",
        "invalid.nik.length",
        "invalid.nik.repeated",
        "invalid.nik.region",
        "invalid.nik.date",
        "invalid.business_name.empty",
        "invalid.business_name.too_long",
        "invalid.business_name.chars",
    ),
    "invalid.phone.{}": ("invalid.phone.empty", "invalid.phone.too_long", "invalid.phone.invalid"),
    "petugas.role.{}": ("petugas.role.admin", "petugas.role.officer"),
    "reg.ask.{}": (
        "reg.ask.full_name",
        "reg.ask.nik",
        "reg.ask.business_name",
        "reg.ask.sector",
        "reg.ask.kecamatan",
    ),
    "schedule.rsvp.{}": ("schedule.rsvp.yes", "schedule.rsvp.no"),
    "sesi.btn.{}": ("sesi.btn.open", "sesi.btn.close"),
    "sesi.invalid.{}": (
        "sesi.invalid.capacity_below",
        "sesi.invalid.past",
        "sesi.invalid.end_before_start",
        "sesi.invalid.code",
        "sesi.invalid.code_taken",
        "sesi.invalid.text",
        "sesi.invalid.capacity",
        "sesi.invalid.maps_url",
        "sesi.invalid.not_enrolled",
        "sesi.invalid.time",
    ),
    "sesi.new.ask.{}": (
        "sesi.new.ask.code",
        "sesi.new.ask.title",
        "sesi.new.ask.venue",
        "sesi.new.ask.starts_at",
        "sesi.new.ask.ends_at",
        "sesi.new.ask.capacity",
        "sesi.new.ask.maps_url",
    ),
    "sesi.state.{}": ("sesi.state.open", "sesi.state.closed", "sesi.state.cancelled"),
    "siaran.ask.pick_{}": ("siaran.ask.pick_kecamatan", "siaran.ask.pick_sector"),
    "siaran.audience.{}": (
        "siaran.audience.all",
        "siaran.audience.session",
        "siaran.audience.waitlist",
        "siaran.audience.kecamatan",
        "siaran.audience.sector",
        "siaran.audience.unconfirmed",
        "siaran.audience.noshow",
    ),
    "siaran.audience_invalid.{}": (
        "siaran.audience_invalid.malformed",
        "siaran.audience_invalid.unknown_kind",
        "siaran.audience_invalid.no_value_expected",
        "siaran.audience_invalid.value_missing",
        "siaran.audience_invalid.unknown_session",
        "siaran.audience_invalid.unknown_kecamatan",
        "siaran.audience_invalid.unknown_sector",
        "siaran.audience_invalid.not_started",
    ),
    "siaran.kind.{}": (
        "siaran.kind.all",
        "siaran.kind.session",
        "siaran.kind.waitlist",
        "siaran.kind.kecamatan",
        "siaran.kind.sector",
        "siaran.kind.unconfirmed",
        "siaran.kind.noshow",
    ),
    "siaran.refused.{}": (
        "siaran.refused.text_empty",
        "siaran.refused.text_too_long",
        "siaran.refused.past",
    ),
    "status.{}": (
        "status.enrolled",
        "status.waitlisted",
        "status.cancelled",
        "status.session_cancelled",
    ),
    "faq.field.{}": ("faq.field.question", "faq.field.answer", "faq.field.keywords"),
    "tiket.kind.{}": (
        "tiket.kind.text",
        "tiket.kind.photo",
        "tiket.kind.document",
        "tiket.kind.voice",
    ),
    "tiket.line.{}": ("tiket.line.participant", "tiket.line.officer"),
    "tiket.list.{}": ("tiket.list.open", "tiket.list.mine", "tiket.list.answered"),
    "tiket.refused.{}": (
        "tiket.refused.unknown",
        "tiket.refused.closed",
        "tiket.refused.erased",
        "tiket.refused.empty",
        "tiket.refused.no_contact",
        "tiket.refused.not_now",
        "tiket.refused.too_long",
    ),
    "tiket.state.{}": ("tiket.state.taken", "tiket.state.answered", "tiket.state.closed"),
    "tiket.status.{}": ("tiket.status.open", "tiket.status.answered", "tiket.status.closed"),
    "{}.aborted": ("sesi.new.aborted", "sesi.move.aborted"),
    "{}.yes": ("sesi.new.yes", "sesi.move.yes"),
    "{}.no": ("sesi.new.no", "sesi.move.no"),
}


@dataclass(frozen=True)
class Sentences:
    """One package's sentences: a catalogue per language and the keys it builds at run time."""

    id: Mapping[str, str]
    en: Mapping[str, str]
    built_keys: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


# The core's own sentences, kept apart so installing the domains' again starts afresh.
CORE: Final = Sentences(
    MappingProxyType(dict(ID)), MappingProxyType(dict(EN)), MappingProxyType(dict(BUILT_KEYS))
)


def install(parts: Sequence[Sentences]) -> None:
    """Make the catalogues the core's sentences plus the parts' (a key given twice is an error).

    Domain packages keep their sentences beside their code and the composition root hands
    them here; the catalogues change in place, so every module reading them sees the result.
    """
    combined = {"id": dict(CORE.id), "en": dict(CORE.en)}
    built = dict(CORE.built_keys)
    for part in parts:
        for language, sentences in (("id", part.id), ("en", part.en)):
            twice = combined[language].keys() & sentences.keys()
            if twice:
                raise ValueError(f"catalogue keys defined twice: {', '.join(sorted(twice))}")
            combined[language].update(sentences)
        twice = built.keys() & part.built_keys.keys()
        if twice:
            raise ValueError(f"built key patterns defined twice: {', '.join(sorted(twice))}")
        built.update(part.built_keys)
    for language, catalogue in CATALOGUES.items():
        catalogue.clear()
        catalogue.update(combined[language])
    BUILT_KEYS.clear()
    BUILT_KEYS.update(built)


def text(language: str, key: str, **values: object) -> str:
    """Return the sentence for key in the language (Indonesian when unknown), filled in."""
    catalogue = CATALOGUES.get(language, ID)
    template = catalogue.get(key) or ID[key]
    return template.format(**values) if values else template


def labels(key: str) -> set[str]:
    """Return the text of key in every language, to recognise menu buttons sent back."""
    return {catalogue[key] for catalogue in CATALOGUES.values() if key in catalogue}
