"""Backups that can be trusted (issue 11, defects 6 and 8): checked with integrity_check
before they count, damage told with the restore command, read-only homes read."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dlcards.store import Store

from .conftest import REPO, cli_env, run_cli, write_deck

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
CLOCK = "2026-03-01T09:00:00+00:00"
FIRST_BACKUP = "progress-2026-03-01.sqlite3"
RESTORE = f"dlcards backup restore {FIRST_BACKUP}"


def _studied_home(home: Path, tmp_path: Path) -> list[str]:
    """A home with 300 reviews in its log and the day's backup made (and checked)."""
    home.mkdir(parents=True)
    store = Store.open(home / "progress.sqlite3")
    for n in range(300):
        moment = NOW - timedelta(days=30) + timedelta(minutes=n)
        store.record("me", "t", f"card-{n:04d}", "review", 4, moment, moment.date())
    store.close()
    args = ["--user", "me", "--deck-path", str(write_deck(tmp_path / "decks", "t", 3))]
    result = run_cli(home, *args, "study", "--deck", "t", "--plain", now=CLOCK, input="")
    assert result.returncode == 0, result.stderr
    assert (home / "backups" / FIRST_BACKUP).exists()
    return args


@pytest.fixture(scope="session")
def studied_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """One studied home (and its deck) per worker: each test damages a copy of it."""
    root = tmp_path_factory.mktemp("studied")
    return root / "home", _studied_home(root / "home", root)


@pytest.fixture
def studied(home: Path, studied_template: tuple[Path, list[str]]) -> list[str]:
    """``home`` as ``_studied_home`` leaves it (a copy of the template), and its CLI args."""
    template, args = studied_template
    shutil.copytree(template, home)
    return args


def _page_size(data: bytes) -> int:
    size = int.from_bytes(data[16:18], "big")
    return 65536 if size == 1 else size


def _root_page(path: Path, name: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = ?", (name,)
        ).fetchone()[0]
    finally:
        conn.close()


def _at_page(path: Path, name: str, offset_in_page: int, new: bytes) -> Callable[[bytearray], None]:
    page = _root_page(path, name)

    def damage(data: bytearray) -> None:
        start = (page - 1) * _page_size(data) + offset_in_page
        data[start : start + len(new)] = new

    return damage


def _index_byte(path: Path) -> Callable[[bytearray], None]:
    """One byte of one key in an index: every read still works, integrity_check does not."""
    page = _root_page(path, "reviews_by_card")

    def damage(data: bytearray) -> None:
        size = _page_size(data)
        body = data[(page - 1) * size : page * size]
        where = body.rfind(b"card-0")
        assert where > 0
        data[(page - 1) * size + where + 5] ^= 0x01  # 'card-0…' → 'card-1…' in that key

    return damage


def _replace_all(old: bytes, new: bytes) -> Callable[[bytearray], None]:
    def damage(data: bytearray) -> None:
        data[:] = data.replace(old, new)

    return damage


def _variants(path: Path) -> dict[str, Callable[[bytearray], None]]:
    def truncate(size: Callable[[int], int]) -> Callable[[bytearray], None]:
        return lambda data: data.__delitem__(slice(size(len(data)), None))

    def header(offset: int, new: bytes) -> Callable[[bytearray], None]:
        def damage(data: bytearray) -> None:
            data[offset : offset + len(new)] = new

        return damage

    def garbage(data: bytearray) -> None:
        data[:] = bytes((n * 131 + 7) % 256 for n in range(len(data)))

    return {
        "one byte of an index": _index_byte(path),
        "header magic": header(0, b"SQLite format 2\x00"),
        "header page size": header(16, b"\x00\x03"),
        "freelist trunk out of the file": header(32, b"\x00\x0f\xff\xff\x00\x00\x00\x05"),
        "text encoding UTF-16": header(56, b"\x00\x00\x00\x02"),
        "truncated to half": truncate(lambda n: n // 2),
        "truncated to its header": truncate(lambda n: 100),
        "garbage": garbage,
        "schema page overwritten": header(100, b"\xee" * 400),
        "table page type": _at_page(path, "reviews", 0, b"\x07"),
        "table page zeroed": _at_page(path, "reviews", 0, b"\x00" * 4096),
        "not UTF-8 in a row": _replace_all(b"card-0042", b"card-\xff\xfe42"),
    }


VARIANTS = [
    "one byte of an index",
    "header magic",
    "header page size",
    "freelist trunk out of the file",
    "text encoding UTF-16",
    "truncated to half",
    "truncated to its header",
    "garbage",
    "schema page overwritten",
    "table page type",
    "table page zeroed",
    "not UTF-8 in a row",
]


@pytest.mark.parametrize("variant", VARIANTS)
def test_each_corruption_ends_in_the_restore_command(
    home: Path, studied: list[str], variant: str
) -> None:
    args = studied
    database = home / "progress.sqlite3"
    data = bytearray(database.read_bytes())
    _variants(database)[variant](data)
    database.write_bytes(bytes(data))
    outputs = []
    for day, command in ((2, ["study", "--deck", "t", "--plain"]), (3, ["stats"])):
        clock = f"2026-03-0{day}T09:00:00+00:00"
        result = run_cli(home, *args, *command, now=clock, input="")
        outputs.append(result.stdout + result.stderr)
        for bad in ("malformed", "decode", "unexpected", "Traceback", "UTF-8"):
            assert bad not in result.stderr, (command, result.stderr)
    # Said on the study day the damage showed (plainly, with the command to copy).
    assert RESTORE in outputs[0], outputs
    # The good copy is kept: no copy of the damaged database took its place.
    backups = sorted(p.name for p in (home / "backups").iterdir() if not p.name.startswith("."))
    assert backups == [FIRST_BACKUP]
    # And the command given works: the 300 reviews are back.
    result = run_cli(home, "backup", "restore", FIRST_BACKUP, "--yes", now=CLOCK)
    assert result.returncode == 0, result.stderr
    store = Store.open(database)
    assert len(store.rows("me")) == 300
    store.close()


def test_a_damaged_database_never_rotates_the_good_backup_away(
    home: Path, studied: list[str]
) -> None:
    args = studied
    database = home / "progress.sqlite3"
    data = bytearray(database.read_bytes())
    _index_byte(database)(data)
    database.write_bytes(bytes(data))
    told = 0
    for day in range(2, 11):  # more days than the 7 daily copies kept
        clock = (NOW + timedelta(days=day - 1)).isoformat()
        for _ in range(2):  # two sessions a day: told once a day, not per session
            result = run_cli(home, *args, "study", "--deck", "t", "--plain", now=clock, input="")
            assert result.returncode == 0, result.stderr
            told += RESTORE in result.stderr
    assert told == 9
    assert (home / "backups" / FIRST_BACKUP).exists()


@pytest.mark.usefixtures("studied")
def test_backup_restore_refuses_a_backup_with_a_damaged_index(home: Path) -> None:
    backup = home / "backups" / FIRST_BACKUP
    data = bytearray(backup.read_bytes())
    _index_byte(backup)(data)
    backup.write_bytes(bytes(data))
    before = (home / "progress.sqlite3").read_bytes()
    result = run_cli(home, "backup", "restore", FIRST_BACKUP, "--yes", now=CLOCK)
    assert result.returncode == 1
    assert "damaged" in result.stderr
    assert (home / "progress.sqlite3").read_bytes() == before


# --- defect 8: read-only homes --------------------------------------------------------------


def _unshare_works() -> str | None:
    if not shutil.which("unshare") or not shutil.which("mount"):
        return "unshare or mount is not installed"
    probe = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "true"], capture_output=True, text=True
    )
    return None if probe.returncode == 0 else f"unshare -m is not permitted: {probe.stderr.strip()}"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() if p.is_file() else b"<dir>"
        for p in sorted(folder.rglob("*"))
    }


def test_read_commands_work_on_a_read_only_file_system(
    home: Path, tmp_path: Path, studied: list[str]
) -> None:
    reason = _unshare_works()
    if reason:
        pytest.skip(reason)
    args = studied
    (home / "cache.sqlite3").unlink(missing_ok=True)  # the parse cache cannot be made there
    before = _snapshot(home)
    out = tmp_path / "out"
    out.mkdir()
    commands = [
        [*args, "decks"],
        [*args, "stats"],
        [*args, "cards", "list", "--deck", "t"],
        ["--user", "me", "progress", "export", "-o", str(out / "p.jsonl")],
        ["--user", "me", "backup", "list"],
    ]
    script = f"mount --bind {home} {home} && mount -o remount,bind,ro {home} && " + " && ".join(
        f"{sys.executable} -m dlcards "
        + " ".join(f"'{a}'" for a in command)
        + f" > {out}/{n}.out 2> {out}/{n}.err"
        for n, command in enumerate(commands)
    )
    done = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-c", script],
        env=cli_env(home, CLOCK),
        cwd=str(REPO),
        capture_output=True,
        text=True,
        timeout=300,
    )
    errors = {
        n: (out / f"{n}.err").read_text()
        for n in range(len(commands))
        if (out / f"{n}.err").exists()
    }
    assert done.returncode == 0, (done.stderr, errors)
    assert all(text == "" for text in errors.values()), errors
    assert "t" in (out / "0.out").read_text()
    assert (out / "p.jsonl").read_text().count("\n") == 301  # the header and every row
    assert _snapshot(home) == before
    # A write command says the home is read-only (not damaged, no restore advice).
    script = (
        f"mount --bind {home} {home} && mount -o remount,bind,ro {home} && "
        f"{sys.executable} -m dlcards --user me users add zed"
    )
    done = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-c", script],
        env=cli_env(home, CLOCK),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "read-only" in done.stderr and "restore" not in done.stderr, done.stderr


def test_read_commands_work_with_a_read_only_database_file() -> None:
    """As another user (root ignores file modes): the database file is 0444, its folder
    writable. Read commands open it with mode=ro and change nothing."""
    if not shutil.which("setpriv"):
        pytest.skip("setpriv is not installed")
    # Outside pytest's private (0700) temporary root, which the other user cannot enter.
    with tempfile.TemporaryDirectory(prefix="dlcards-ro-") as name:
        root = Path(name)
        home = root / "home"
        args = _studied_home(home, root)
        for path in [root, *root.rglob("*")]:
            path.chmod(0o777 if path.is_dir() else 0o644)
        database = home / "progress.sqlite3"
        database.chmod(0o444)
        before = database.read_bytes()
        out = root / "export.jsonl"
        base = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        base += [sys.executable, "-m", "dlcards"]
        env = cli_env(home, CLOCK)
        probe = subprocess.run([*base, "--version"], env=env, capture_output=True, text=True)
        if probe.returncode != 0:
            pytest.skip(f"cannot drop privileges with setpriv: {probe.stderr.strip()[:200]}")
        for command in (
            [*args, "decks"],
            [*args, "stats"],
            ["--user", "me", "progress", "export", "-o", str(out)],
        ):
            result = subprocess.run(
                [*base, *command], env=env, capture_output=True, text=True, cwd=root, timeout=120
            )
            assert result.returncode == 0, (command, result.stderr)
            assert result.stderr == ""
        assert out.read_text().count("\n") == 301
        assert database.read_bytes() == before
        assert oct(database.stat().st_mode & 0o777) == "0o444"  # never made writable again
