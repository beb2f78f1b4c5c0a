"""Writing files so that a crash never leaves half of one behind."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dlcards.errors import UserError


def atomic_write_bytes(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write ``data`` to a temporary file beside ``path``, fsync it, then rename over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


@contextmanager
def reading(path: Path, what: str = "the exported file") -> Iterator[None]:
    """Turn the errors of reading a file the user named into one line each."""
    try:
        yield
    except FileNotFoundError as exc:
        raise UserError(f"{path}: no such file", "check the path") from exc
    except IsADirectoryError as exc:
        raise UserError(f"{path} is a folder", f"give {what}") from exc
    except OSError as exc:
        raise UserError(f"{path}: cannot be read ({exc.strerror})", "check the file") from exc
