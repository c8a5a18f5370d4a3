"""The evaluations domain's sentences; the composition root (bot/features.py) installs them."""

from __future__ import annotations

from typing import Final

ID: Final[dict[str, str]] = {
    "menu.quiz": "📝 Kuis & evaluasi",
    "menu.certificate": "🎓 Sertifikat",
    "flow.kuis": "kuis",
    "cancelled.kuis": (
        "Kuis dijeda. Jawaban Anda sejauh ini tersimpan; ketik /kuis untuk melanjutkan."
    ),
    "command.kuis": "Isi pre-test, post-test dan evaluasi bimtek",
    "command.sertifikat": "Sertifikat bimtek saya",
    "kuis.not_registered": "Anda belum terdaftar. Ketik /daftar untuk mendaftar bimtek.",
    "kuis.none": "Tidak ada kuis atau evaluasi yang menunggu Anda saat ini. 👍",
    "kuis.closed": "Maaf, kuis ini sudah ditutup.",
    "kuis.finished": "Anda sudah menyelesaikan kuis ini. Terima kasih!",
    "kuis.already_answered": "Pertanyaan itu sudah Anda jawab. Berikut pertanyaan berikutnya:",
    "kuis.kind.pretest": "Pre-test",
    "kuis.kind.posttest": "Post-test",
    "kuis.kind.evaluasi": "Evaluasi",
    "kuis.item": "{name} ({n} pertanyaan)",
    "kuis.and": "{first} dan {last}",
    "kuis.start": "▶️ Mulai",
    "kuis.resume": "▶️ Lanjutkan",
    "kuis.invite.pre": (
        "📝 Bimtek {title} akan dimulai {starts}.\n"
        "Sebelum mulai, mohon isi {items} untuk mengukur pengetahuan awal Anda. "
        "Tidak memengaruhi kelulusan.\n\nKetuk Mulai, atau ketik /kuis."
    ),
    "kuis.invite.post": (
        "🙏 Terima kasih telah mengikuti bimtek {title}.\n"
        "Mohon isi {items}. Terbuka sampai {closes}.\n\nKetuk Mulai, atau ketik /kuis."
    ),
    "kuis.nudge": (
        "⏰ Pengingat: {items} untuk bimtek {title} belum selesai. "
        "Terbuka sampai {closes}.\n\nKetuk Lanjutkan, atau ketik /kuis."
    ),
    "kuis.intro": (
        "{name} — {title}: {n} pertanyaan, satu per satu.\n"
        "Ketik /batal untuk jeda; jawaban tersimpan dan /kuis melanjutkan."
    ),
    "kuis.question": "{name} · Pertanyaan {n} dari {total}",
    "kuis.hint.choice": "Ketuk huruf jawaban Anda, atau ketik A sampai {last}.",
    "kuis.hint.scale": "Ketuk nilai 1 sampai 5: {legend}.",
    "kuis.hint.text": "Ketik jawaban Anda.",
    "kuis.hint.text_optional": "Ketik jawaban Anda, atau ketuk Lewati (ketik - untuk melewati).",
    "kuis.skip": "Lewati",
    "kuis.scale.1": "sangat kurang",
    "kuis.scale.2": "kurang",
    "kuis.scale.3": "cukup",
    "kuis.scale.4": "baik",
    "kuis.scale.5": "sangat baik",
    "kuis.invalid.choice": "Jawaban itu bukan salah satu pilihan. Ketuk tombol, atau ketik A sampai {last}.",
    "kuis.invalid.scale": "Jawaban itu bukan nilai 1 sampai 5. Ketuk salah satu angka.",
    "kuis.invalid.text": "Jawaban masih kosong. Ketik jawaban Anda.",
    "kuis.invalid.too_long": "Jawaban terlalu panjang (paling banyak 1000 huruf). Mohon dipersingkat.",
    "kuis.invalid.kind": "Untuk pertanyaan ini saya menunggu teks atau tombol.",
    "kuis.done.test": "✅ {name} selesai. Skor Anda: {score} dari {total}.",
    "kuis.improvement": "Pre-test {pre} → post-test {post} ({change} poin persen).",
    "kuis.done.evaluasi": "✅ Evaluasi selesai. Terima kasih atas penilaian dan masukan Anda!",
    "kuis.done.pre": "Terima kasih! Sampai jumpa di bimtek. 👋",
    "kuis.done.post": "Terima kasih, semua sudah terisi. 🙏",
    "cert.congrats": (
        "🎓 Selamat! Sertifikat bimtek {title} untuk Anda sudah terbit (nomor {number}). "
        "Ketik /sertifikat kapan saja untuk menerimanya lagi."
    ),
    "cert.caption": "Sertifikat nomor {number}. Pindai kode QR-nya untuk memeriksa keaslian.",
    "cert.ready": (
        "🎓 Selamat! Sertifikat bimtek {title} untuk Anda sudah terbit (nomor {number}). "
        "Simpan berkas PDF-nya; ketik /sertifikat untuk menerimanya lagi kapan saja."
    ),
    "cert.download": "📄 Unduh sertifikat",
    "cert.none": (
        "Anda belum memiliki sertifikat. Sertifikat terbit setelah Anda hadir di bimtek "
        "dan mengisi evaluasinya."
    ),
    "cert.revoked": "Sertifikat nomor {number} telah dicabut. Hubungi petugas bila ada pertanyaan.",
    "cert.withheld": "(nama dirahasiakan atas permintaan pemegang)",
    "cert.pdf.title": "Sertifikat",
    "cert.pdf.number": "Nomor: {number}",
    "cert.pdf.given_to": "diberikan kepada",
    "cert.pdf.for": "atas keikutsertaannya sebagai peserta bimbingan teknis",
    "cert.pdf.dates_hours": "{dates} · {hours} JP",
    "cert.pdf.check": "Periksa keaslian sertifikat ini dengan memindai kode QR:\n{target}",
    "rekap.eval.title": "📝 Evaluasi per sesi (hadir · pre-test · post-test · evaluasi · sertifikat):",
    "rekap.eval.session": (
        "• {code}: hadir {attended} · pre {pre_done}/{pre_invited} · post {post_done}/{post_invited}"
        " · evaluasi {evaluasi_done}/{post_invited} · skor {pre_mean} → {post_mean}"
        " · kepuasan {satisfaction} · sertifikat {certificates}"
    ),
    "rekap.eval.chart.title": "Evaluasi bimtek",
    "rekap.eval.chart.scores": "Rata-rata skor (%)",
    "rekap.eval.chart.pre": "pre-test",
    "rekap.eval.chart.post": "post-test",
    "rekap.eval.chart.rates": "Tingkat respons (%)",
    "rekap.eval.chart.satisfaction": "Kepuasan (1-5)",
    "rekap.eval.caption": "Grafik evaluasi bimtek, {when}",
    "verify.title": "Pemeriksaan sertifikat",
    "verify.valid": "Sertifikat ini SAH",
    "verify.revoked": "Sertifikat ini TELAH DICABUT",
    "verify.revoked_on": "Dicabut pada {date}.",
    "verify.missing": "Sertifikat tidak ditemukan",
    "verify.missing_body": (
        "Kode ini tidak cocok dengan sertifikat mana pun yang kami terbitkan. "
        "Periksa kembali alamat yang dipindai."
    ),
    "verify.limited": "Terlalu banyak permintaan dari alamat Anda. Coba lagi sebentar lagi.",
    "verify.holder": "Nama pemegang",
    "verify.withheld": "Dirahasiakan atas permintaan pemegang (data pribadinya telah dihapus)",
    "verify.number": "Nomor sertifikat",
    "verify.session": "Bimtek",
    "verify.dates": "Tanggal",
    "verify.hours": "Jam pelajaran",
    "verify.issued": "Diterbitkan",
    "verify.issuer": "Penerbit",
    "verify.other_language": "English",
}

EN: Final[dict[str, str]] = {
    "menu.quiz": "📝 Quiz & evaluation",
    "menu.certificate": "🎓 Certificate",
    "flow.kuis": "a quiz",
    "cancelled.kuis": "Quiz paused. Your answers so far are saved; type /kuis to go on.",
    "command.kuis": "Answer the bimtek pre-test, post-test and evaluation",
    "command.sertifikat": "My bimtek certificates",
    "kuis.not_registered": "You are not registered yet. Type /daftar to register for a bimtek.",
    "kuis.none": "No quiz or evaluation is waiting for you right now. 👍",
    "kuis.closed": "Sorry, this quiz is closed.",
    "kuis.finished": "You have already finished this quiz. Thank you!",
    "kuis.already_answered": "You already answered that question. Here is the next one:",
    "kuis.kind.pretest": "Pre-test",
    "kuis.kind.posttest": "Post-test",
    "kuis.kind.evaluasi": "Evaluation",
    "kuis.item": "the {name} ({n} questions)",
    "kuis.and": "{first} and {last}",
    "kuis.start": "▶️ Start",
    "kuis.resume": "▶️ Continue",
    "kuis.invite.pre": (
        "📝 The bimtek {title} starts {starts}.\n"
        "Before it does, please answer {items} so we know where you start. "
        "It does not affect passing.\n\nTap Start, or type /kuis."
    ),
    "kuis.invite.post": (
        "🙏 Thank you for taking part in the bimtek {title}.\n"
        "Please answer {items}. Open until {closes}.\n\nTap Start, or type /kuis."
    ),
    "kuis.nudge": (
        "⏰ Reminder: {items} for the bimtek {title} is not finished yet. "
        "Open until {closes}.\n\nTap Continue, or type /kuis."
    ),
    "kuis.intro": (
        "{name} — {title}: {n} questions, one at a time.\n"
        "Type /batal to pause; your answers are kept and /kuis goes on."
    ),
    "kuis.question": "{name} · Question {n} of {total}",
    "kuis.hint.choice": "Tap the letter of your answer, or type A to {last}.",
    "kuis.hint.scale": "Tap a value from 1 to 5: {legend}.",
    "kuis.hint.text": "Type your answer.",
    "kuis.hint.text_optional": "Type your answer, or tap Skip (type - to skip).",
    "kuis.skip": "Skip",
    "kuis.scale.1": "very poor",
    "kuis.scale.2": "poor",
    "kuis.scale.3": "fair",
    "kuis.scale.4": "good",
    "kuis.scale.5": "very good",
    "kuis.invalid.choice": "That is not one of the options. Tap a button, or type A to {last}.",
    "kuis.invalid.scale": "That is not a value from 1 to 5. Tap one of the numbers.",
    "kuis.invalid.text": "The answer is empty. Type your answer.",
    "kuis.invalid.too_long": "The answer is too long (1000 characters at most). Please shorten it.",
    "kuis.invalid.kind": "For this question I am waiting for text or a button.",
    "kuis.done.test": "✅ {name} done. Your score: {score} of {total}.",
    "kuis.improvement": "Pre-test {pre} → post-test {post} ({change} percentage points).",
    "kuis.done.evaluasi": "✅ Evaluation done. Thank you for your ratings and suggestions!",
    "kuis.done.pre": "Thank you! See you at the bimtek. 👋",
    "kuis.done.post": "Thank you, everything is answered. 🙏",
    "cert.congrats": (
        "🎓 Congratulations! Your certificate for the bimtek {title} has been issued "
        "(number {number}). Type /sertifikat any time to get it again."
    ),
    "cert.caption": "Certificate number {number}. Scan its QR code to check it is genuine.",
    "cert.ready": (
        "🎓 Congratulations! Your certificate for the bimtek {title} has been issued "
        "(number {number}). Keep the PDF; type /sertifikat to get it again at any time."
    ),
    "cert.download": "📄 Download certificate",
    "cert.none": (
        "You have no certificate yet. Certificates are issued after you attend a bimtek "
        "and answer its evaluation."
    ),
    "cert.revoked": "Certificate number {number} has been revoked. Contact an officer with questions.",
    "cert.withheld": "(name withheld at the holder's request)",
    "cert.pdf.title": "Certificate",
    "cert.pdf.number": "Number: {number}",
    "cert.pdf.given_to": "is awarded to",
    "cert.pdf.for": "for taking part in the technical training",
    "cert.pdf.dates_hours": "{dates} · {hours} lesson hours",
    "cert.pdf.check": "Check that this certificate is genuine by scanning the QR code:\n{target}",
    "rekap.eval.title": "📝 Evaluation per session (attended · pre-test · post-test · evaluation · certificates):",
    "rekap.eval.session": (
        "• {code}: attended {attended} · pre {pre_done}/{pre_invited} · post {post_done}/{post_invited}"
        " · evaluation {evaluasi_done}/{post_invited} · score {pre_mean} → {post_mean}"
        " · satisfaction {satisfaction} · certificates {certificates}"
    ),
    "rekap.eval.chart.title": "Bimtek evaluation",
    "rekap.eval.chart.scores": "Mean score (%)",
    "rekap.eval.chart.pre": "pre-test",
    "rekap.eval.chart.post": "post-test",
    "rekap.eval.chart.rates": "Response rate (%)",
    "rekap.eval.chart.satisfaction": "Satisfaction (1-5)",
    "rekap.eval.caption": "Bimtek evaluation chart, {when}",
    "verify.title": "Certificate check",
    "verify.valid": "This certificate is VALID",
    "verify.revoked": "This certificate has been REVOKED",
    "verify.revoked_on": "Revoked on {date}.",
    "verify.missing": "Certificate not found",
    "verify.missing_body": (
        "This code matches no certificate we issued. Check the address you scanned."
    ),
    "verify.limited": "Too many requests from your address. Try again in a moment.",
    "verify.holder": "Holder",
    "verify.withheld": "Withheld at the holder's request (their personal data was erased)",
    "verify.number": "Certificate number",
    "verify.session": "Bimtek",
    "verify.dates": "Dates",
    "verify.hours": "Lesson hours",
    "verify.issued": "Issued",
    "verify.issuer": "Issuer",
    "verify.other_language": "Bahasa Indonesia",
}

# Keys the code builds at run time (`f"kuis.kind.{kind}"`), declared for the catalogue test.
BUILT_KEYS: Final[dict[str, tuple[str, ...]]] = {
    "cancelled.{}": ("cancelled.kuis",),
    "kuis.invite.{}": ("kuis.invite.pre", "kuis.invite.post"),
    "kuis.kind.{}": ("kuis.kind.pretest", "kuis.kind.posttest", "kuis.kind.evaluasi"),
    "kuis.invalid.{}": (
        "kuis.invalid.choice",
        "kuis.invalid.scale",
        "kuis.invalid.text",
        "kuis.invalid.too_long",
    ),
}
