"""Writing files so that a crash never leaves half of one behind."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from dlcards.errors import UserError


def write_target(path: Path, *, dangling_ok: bool = True, todo: str | None = None) -> Path:
    """The file writing ``path`` must replace: a symbolic link's target, not the link.

    A dotfiles setup links config.toml or a deck elsewhere; renaming a new file over
    the link would silently cut it. A link to nothing is refused unless
    ``dangling_ok`` (``--force``): it more likely points at a folder not mounted yet.
    """
    if not path.is_symlink():
        return path
    resolved = Path(os.path.realpath(path))
    if not dangling_ok and not resolved.exists():
        raise UserError(
            f"{path} is a symbolic link to {resolved}, which does not exist",
            todo or "pass --force to write there, or remove the link; nothing was written",
        )
    return resolved


def _new_file_mode() -> int:
    """What ``open()`` would give a new file: 0o666 less the umask (077 gives 0o600)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def atomic_write_bytes(
    path: Path,
    data: bytes,
    mode: int | None = 0o600,
    *,
    dangling_ok: bool = True,
    todo: str | None = None,
) -> None:
    """Write ``data`` to a temporary file beside ``path``, fsync it, then rename over ``path``.

    A symbolic link is written through (its target replaced, the link kept). ``mode``
    None: an existing file keeps its mode, a new one gets the umask's.
    """
    with atomic_writer(path, mode, dangling_ok=dangling_ok, todo=todo) as handle:
        handle.write(data)


@contextmanager
def atomic_writer(
    path: Path,
    mode: int | None = 0o600,
    *,
    dangling_ok: bool = True,
    todo: str | None = None,
) -> Iterator[BinaryIO]:
    """:func:`atomic_write_bytes` for a file written piece by piece: the pieces go to a
    temporary file beside ``path``, renamed over it only when the block ends without an
    exception (an exception removes it: ``path`` is untouched)."""
    path = write_target(path, dangling_ok=dangling_ok, todo=todo)
    if mode is None:
        mode = path.stat().st_mode & 0o777 if path.exists() else _new_file_mode()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
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
