"""Why an imported sheet or one of its rows was refused, one catalogue per language.

Read only by `handlers.spreadsheets.reasons.render`, which the console, the chat desks and
the CLI share. Placeholders are the parameters of a `Reason`; `line` and `column` wrap a
reason with where it was found.
"""

from __future__ import annotations

from typing import Final

ID: Final[dict[str, str]] = {
    # Where a reason was found
    "where.line": "baris {line}: {text}",
    "where.column": "kolom {column}: {text}",
    "where.separator": "; ",
    # A cell against a column's type or size (pydantic's checks)
    "value.empty": "kosong",
    "value.too_short": "minimal {min} karakter",
    "value.too_long": "lebih dari {max} karakter",
    "value.whole_number": "harus bilangan bulat",
    "value.invalid": "isinya tidak bisa diterima",
    "value.control_chars": "berisi karakter kontrol (tak terlihat); ketik ulang teksnya",
    # Cells whose number format lost digits
    "cell.nik_is_number": (
        "NIK tersimpan sebagai angka di lembar — Excel hanya menyimpan 15 digit;"
        " ubah format kolom NIK menjadi Teks lalu ketik ulang NIK-nya"
    ),
    "cell.phone_is_number": (
        "nomor HP tersimpan sebagai angka di lembar dan mungkin kehilangan digit;"
        " ubah format kolom phone menjadi Teks lalu ketik ulang nomornya"
    ),
    "cell.lost_digits": (
        "tersimpan sebagai angka dan kehilangan digit: ubah format kolom menjadi Teks"
    ),
    # The sheet as a whole
    "sheet.no_header": "baris judul {columns} tidak ada",
    "sheet.missing_columns": "kolom {missing} tidak ada (yang diperlukan: {columns})",
    "sheet.empty": "berkasnya kosong",
    "sheet.too_many_rows": "lebih dari {max} baris: pecah berkasnya",
    # The file cannot be read as a table
    "table.wrong_type": "pakai berkas .csv atau .xlsx",
    "table.unreadable": "berkas tidak bisa dibuka ({detail})",
    "table.too_large": (
        "{size} MB, lebih besar dari {max} MB yang boleh untuk satu lembar; pecah berkasnya"
    ),
    "table.too_many_lines": "barisnya lebih banyak daripada yang bisa dimuat lembar kerja",
    "table.too_many_rows": "lebih dari {max} baris di bawah judul; pecah berkasnya",
    "table.too_many_columns": "baris {line} punya lebih dari {max} kolom",
    "table.csv": "CSV tidak bisa dibaca ({detail})",
    # An .xlsx workbook this reader refuses
    "xlsx.not_zip": (
        "bukan buku kerja .xlsx yang bisa dibaca (bukan arsip zip: berkas .xls lama,"
        " atau berkas yang namanya diganti?)"
    ),
    "xlsx.unreadable": "bukan buku kerja .xlsx yang bisa dibaca ({detail})",
    "xlsx.too_many_parts": "berisi {count} bagian, lebih banyak dari buku kerja mana pun",
    "xlsx.too_big_unpacked": (
        "setelah dibuka berukuran {size} MB, lebih dari {max} MB:"
        " pecah lembarnya atau simpan sebagai .csv"
    ),
    "xlsx.part_too_large": "bagian {part} jauh lebih besar dari bagian buku kerja biasa",
    "xlsx.no_sheet": "buku kerja tidak punya lembar",
    "xlsx.dtd": "ada bagian yang memuat DTD, hal yang tidak pernah ada di buku kerja",
    "xlsx.cell_too_long": "ada sel yang berisi lebih dari {max} karakter",
    "xlsx.strings_too_large": (
        "tabel teksnya lebih besar dari {max} MB: pecah lembarnya atau simpan sebagai .csv"
    ),
    "xlsx.bad_row_number": "'{value}' bukan nomor baris",
    "xlsx.rows_out_of_order": "baris {number} muncul setelah baris {last}",
    "xlsx.row_past_end": "baris {number} melewati baris terakhir lembar kerja",
    "xlsx.bad_reference": "'{value}' bukan alamat sel",
    "xlsx.column_past_end": "baris {line}: melewati kolom terakhir lembar kerja",
    "xlsx.cells_out_of_order": "baris {line}: urutan selnya kacau",
    "xlsx.not_a_number": "baris {line}: sel angka tidak berisi angka",
    "xlsx.too_many_columns": (
        "baris {line} berisi nilai di kolom ke-{position}, lebih dari {max} kolom yang boleh"
    ),
    # Rules of the participant data (the same checks as chat registration)
    "nik.empty": "NIK kosong",
    "nik.chars": "NIK hanya boleh berisi angka",
    "nik.length": "NIK harus {digits} angka",
    "nik.repeated": "NIK tidak boleh satu angka yang diulang-ulang",
    "nik.region": "NIK tidak diawali kode provinsi yang dikenal",
    "nik.date": "NIK tidak memuat tanggal lahir yang benar",
    "full_name.empty": "nama kosong",
    "full_name.too_long": "nama lebih dari {max} karakter",
    "full_name.script": "nama harus ditulis dengan huruf Latin",
    "full_name.chars": "nama hanya boleh berisi huruf, spasi dan ' . - ,",
    "full_name.too_short": "nama minimal {min} huruf",
    "phone.empty": "nomor HP kosong",
    "phone.too_long": "nomor HP lebih dari {max} karakter",
    "phone.invalid": "bukan nomor HP yang benar",
    "business_name.empty": "nama usaha kosong",
    "business_name.too_long": "nama usaha lebih dari {max} karakter",
    # Participant sheets
    "participant.same_nik": "NIK sama dengan baris {line}",
    "participant.unknown_sector": "sektor '{value}' tidak dikenal (pilihan: {known})",
    "participant.unknown_kecamatan": "kecamatan '{value}' tidak dikenal",
    "participant.kecamatan_hint": "kecamatan '{value}' tidak dikenal (maksudnya {hint}?)",
    # Allocation sheets
    "equipment.no_participant": "tidak ada peserta dengan NIK ini",
    "equipment.unknown_item": "barang '{item}' tidak dikenal (yang ada: {known})",
    "equipment.same_row": "NIK dan barang sama dengan baris {line}",
    "equipment.quantity": "jumlah harus bilangan bulat 1–{max}",
    "equipment.handed_over": "sudah diserahkan ({amount}); jumlahnya tidak bisa diubah lagi",
}

EN: Final[dict[str, str]] = {
    "where.line": "line {line}: {text}",
    "where.column": "{column}: {text}",
    "where.separator": "; ",
    "value.empty": "empty",
    "value.too_short": "at least {min} characters",
    "value.too_long": "longer than {max} characters",
    "value.whole_number": "must be a whole number",
    "value.invalid": "value not accepted",
    "value.control_chars": "contains control characters",
    "cell.nik_is_number": (
        "NIK is a number in the sheet — Excel keeps only 15 digits;"
        " format the NIK column as Text and type it again"
    ),
    "cell.phone_is_number": (
        "the phone number is a number in the sheet and may have lost digits;"
        " format the phone column as Text and type it again"
    ),
    "cell.lost_digits": "stored as a number and lost digits: format the column as text",
    "sheet.no_header": "the header row {columns} is missing",
    "sheet.missing_columns": "missing column(s) {missing} (need {columns})",
    "sheet.empty": "the file is empty",
    "sheet.too_many_rows": "more than {max} rows: split the file",
    "table.wrong_type": "use a .csv or .xlsx file",
    "table.unreadable": "cannot be opened ({detail})",
    "table.too_large": "{size} MB is more than the {max} MB a sheet may have; split the file",
    "table.too_many_lines": "more lines than a spreadsheet can have",
    "table.too_many_rows": (
        "more than {max} rows below the header (IMPORT_MAX_ROWS); split the file"
    ),
    "table.too_many_columns": "line {line} has more than {max} columns",
    "table.csv": "{detail}",
    "xlsx.not_zip": (
        "not a readable .xlsx workbook (not a zip archive: an old .xls, or a renamed file?)"
    ),
    "xlsx.unreadable": "not a readable .xlsx workbook ({detail})",
    "xlsx.too_many_parts": "holds {count} parts, more than a workbook has",
    "xlsx.too_big_unpacked": (
        "unpacks to {size} MB, more than {max} MB: split the sheet or save it as .csv"
    ),
    "xlsx.part_too_large": "its part {part} is far larger than a workbook's",
    "xlsx.no_sheet": "the workbook has no sheet",
    "xlsx.dtd": "a part declares a DTD, which a workbook never does",
    "xlsx.cell_too_long": "a cell holds more than {max} characters",
    "xlsx.strings_too_large": (
        "its text table is larger than {max} MB: split the sheet or save it as .csv"
    ),
    "xlsx.bad_row_number": "'{value}' is not a row number",
    "xlsx.rows_out_of_order": "row {number} comes after row {last}",
    "xlsx.row_past_end": "row {number} is past the last row a sheet can have",
    "xlsx.bad_reference": "'{value}' is not a cell reference",
    "xlsx.column_past_end": "line {line}: past the last column a sheet can have",
    "xlsx.cells_out_of_order": "line {line}: cells out of order",
    "xlsx.not_a_number": "line {line}: a number cell holds no number",
    "xlsx.too_many_columns": (
        "line {line} has a value in column {position},"
        " more than the {max} columns a sheet may have"
    ),
    "nik.empty": "NIK is empty",
    "nik.chars": "NIK may contain only digits",
    "nik.length": "NIK must have exactly {digits} digits",
    "nik.repeated": "NIK cannot be one digit repeated",
    "nik.region": "NIK does not start with a known province code",
    "nik.date": "NIK does not contain a valid birth date",
    "full_name.empty": "name is empty",
    "full_name.too_long": "name is longer than {max} characters",
    "full_name.script": "name must be written in Latin letters",
    "full_name.chars": "name may contain only letters, spaces and ' . - ,",
    "full_name.too_short": "name needs at least {min} letters",
    "phone.empty": "phone number is empty",
    "phone.too_long": "phone number is longer than {max} chars",
    "phone.invalid": "not a valid phone number",
    "business_name.empty": "business name is empty",
    "business_name.too_long": "business name is longer than {max} characters",
    "participant.same_nik": "same nik as line {line}",
    "participant.unknown_sector": "unknown sector '{value}' (one of: {known})",
    "participant.unknown_kecamatan": "unknown kecamatan '{value}'",
    "participant.kecamatan_hint": "unknown kecamatan '{value}' (did you mean {hint}?)",
    "equipment.no_participant": "no participant with this NIK",
    "equipment.unknown_item": "unknown item '{item}' (known: {known})",
    "equipment.same_row": "same nik and item as line {line}",
    "equipment.quantity": "the quantity must be a whole number from 1 to {max}",
    "equipment.handed_over": "already handed over ({amount}); the quantity cannot change now",
}

CATALOGUES: Final = {"id": ID, "en": EN}
