"""Media kept on disk, so a photo (or a document or voice note for the help desk) sent on one
channel can be shown on another.

A platform's own file id only works on that platform (a WhatsApp media id expires after 30
days and means nothing to Telegram), so photos that arrive by WhatsApp are downloaded and
stored here, and handlers keep the reference `media:<name>` instead of the platform's id.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

PREFIX: Final = "media:"
MAX_BYTES: Final = 16 * 1024 * 1024
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")
_EXTENSIONS: Final = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    # Documents and voice notes sent to the help desk.
    "application/pdf": ".pdf",
    "audio/ogg": ".ogg",
    "audio/mpeg": ".mp3",
    "audio/mp4": ".m4a",
    "audio/aac": ".aac",
    "audio/amr": ".amr",
}


def is_stored(reference: str | None) -> bool:
    """Tell whether a photo reference names a file of this store."""
    return reference is not None and reference.startswith(PREFIX)


class MediaStore:
    """Save and load photos under one folder, by a safe name."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def save(self, stem: str, content: bytes, mime_type: str) -> str:
        """Write the photo and return its reference."""
        if len(content) > MAX_BYTES:
            raise ValueError("photo too large")
        kind = mime_type.split(";")[0].strip()
        name = _safe(stem) + _EXTENSIONS.get(kind, ".jpg" if kind.startswith("image/") else ".bin")
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / name).write_bytes(content)
        return PREFIX + name

    def delete(self, reference: str) -> bool:
        """Delete a stored file; True when it is gone (or was never here)."""
        path = self._path(reference)
        if path is None:
            return True
        try:
            path.unlink(missing_ok=True)
        except OSError:
            return False
        return True

    def _path(self, reference: str) -> Path | None:
        if not is_stored(reference):
            return None
        name = reference[len(PREFIX) :]
        if not _NAME.match(name) or ".." in name:
            return None
        return self.folder / name

    def load(self, reference: str) -> tuple[bytes, str] | None:
        """Return the photo's bytes and file name, or None when it is not (or no longer) here."""
        if not is_stored(reference):
            return None
        name = reference[len(PREFIX) :]
        if not _NAME.match(name) or ".." in name:
            return None
        path = self.folder / name
        if not path.is_file():
            return None
        return path.read_bytes(), name


def _safe(stem: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_-]", "_", stem)[:100] or "photo"
    return cleaned if cleaned[0].isalnum() else "m" + cleaned
