"""The media files of an .apkg: the name map, and copying what the notes use.

Anki packages hold each file as a numbered member ("0", "1", …) and a ``media``
member naming them: JSON in old packages, zstd-compressed protobuf
(``MediaEntries``) with zstd-compressed files in new ones. Only files the imported
notes refer to are copied, each under :func:`dlcards.media.safe_name` inside the
deck's media folder, each within :data:`limits.MAX_MEDIA_FILE` bytes.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from dlcards.errors import UserError
from dlcards.interchange.limits import (
    MAX_MEDIA_FILE,
    MAX_MEDIA_FILES,
    MAX_MEDIA_MAP,
    MAX_UNCOMPRESSED,
    Budget,
    extract_member,
    open_zip,
    read_member,
)
from dlcards.media import inside

_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


@dataclass
class Copied:
    files: int = 0
    missing: list[str] = field(default_factory=list)  # named by a note, not in the package
    refused: list[str] = field(default_factory=list)  # unsafe name, too big, broken


def media_map(source: Path, archive: zipfile.ZipFile) -> dict[str, tuple[str, bool]]:
    """Original name → (zip member, zstd-compressed); {} when there is none or it is broken."""
    if "media" not in archive.namelist():
        return {}
    try:
        raw = read_member(source, archive, "media", Budget(source, limit=MAX_MEDIA_MAP))
        if raw.startswith(_ZSTD_MAGIC):
            import zstandard

            data = zstandard.ZstdDecompressor().decompress(raw, max_output_size=MAX_MEDIA_MAP)
            return _entries(data)
        names = json.loads(raw.decode("utf-8") or "{}")
    except (UserError, ValueError, UnicodeDecodeError, RecursionError):
        return {}
    except Exception as exc:  # zstandard.ZstdError
        if type(exc).__name__ == "ZstdError":
            return {}
        raise
    if not isinstance(names, dict):
        return {}
    return {str(name): (str(member), False) for member, name in names.items()}


def _entries(data: bytes) -> dict[str, tuple[str, bool]]:
    from dlcards.interchange.apkg_read import _proto

    out: dict[str, tuple[str, bool]] = {}
    for index, entry in enumerate(_proto(data).get(1, [])):
        if not isinstance(entry, bytes):
            continue
        fields = _proto(entry)  # MediaEntry: 1 name, 255 legacy_zip_filename
        name = fields.get(1, [b""])[0]
        legacy = fields.get(255, [None])[0]
        member = str(legacy) if isinstance(legacy, int) else str(index)
        if isinstance(name, bytes) and name:
            out.setdefault(name.decode("utf-8", "replace"), (member, True))
    return out


def copy_media(
    source: Path, wanted: list[str], mapping: dict[str, tuple[str, bool]], folder: Path
) -> Copied:
    """Copy the files named in ``wanted`` from the package into ``folder``."""
    result = Copied()
    present = [n for n in wanted if n in mapping]
    result.missing = [n for n in wanted if n not in mapping]
    if not present:
        return result
    if len(present) > MAX_MEDIA_FILES:
        result.refused += present[MAX_MEDIA_FILES:]
        present = present[:MAX_MEDIA_FILES]
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    total = 0
    archive = open_zip(source)
    with archive:
        members = set(archive.namelist())
        for name in present:
            member, zstd = mapping[name]
            target = inside(folder, name)
            if target is None or member not in members or total > MAX_UNCOMPRESSED:
                result.refused.append(name)
                continue
            handle, temporary = tempfile.mkstemp(dir=folder, prefix=".import-")
            os.close(handle)
            part = Path(temporary)
            try:
                budget = Budget(source, limit=MAX_MEDIA_FILE)
                extract_member(source, archive, member, part, budget, zstd=zstd)
                total += budget.total
                os.chmod(part, 0o600)
                os.replace(part, target)  # replaces a symlink itself, never its target
                result.files += 1
            except UserError:
                result.refused.append(name)
            finally:
                part.unlink(missing_ok=True)
    return result
