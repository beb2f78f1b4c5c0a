"""Where dlcards keeps its files, the settings in ``<home>/config.toml``, and the clock."""

from __future__ import annotations

import getpass
import os
import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from dlcards.errors import UserError

PROFILE_RE = re.compile(r"[a-z0-9_-]{1,32}")
CONFIG_NAME = "config.toml"


_SETTING_TYPES: dict[str, type] = {
    "user": str,
    "new_per_day": int,
    "reviews_per_day": int,
    "day_starts_at": str,
    "theme": str,
    "leech_threshold": int,
    "leech_action": str,
    "editor": str,
}
_INT_RANGES = {
    "new_per_day": (0, 10_000),
    "reviews_per_day": (0, 100_000),
    "leech_threshold": (1, 100),
}
_CHOICES = {"leech_action": ("tag", "suspend"), "theme": ("dark", "light")}


@dataclass(frozen=True)
class Settings:
    """The user's settings; every key optional, unknown keys refused.

    A plain dataclass rather than a pydantic model: it is read by every command,
    and importing pydantic would cost ~100 ms of start-up for eight fields.
    """

    user: str | None = None
    new_per_day: int = 20
    reviews_per_day: int = 200
    day_starts_at: str = "04:00"
    theme: str = "dark"
    leech_threshold: int = 8
    leech_action: str = "tag"
    editor: str | None = None

    def __post_init__(self) -> None:
        for key, kind in _SETTING_TYPES.items():
            value = getattr(self, key)
            if value is None and key in ("user", "editor"):
                continue
            if not isinstance(value, kind) or isinstance(value, bool):
                name = "an integer" if kind is int else "a string"
                raise ValueError(f"{key}: must be {name}, got {value!r}")
        for key, (low, high) in _INT_RANGES.items():
            if not low <= getattr(self, key) <= high:
                raise ValueError(f"{key}: must be from {low} to {high}, got {getattr(self, key)}")
        for key, allowed in _CHOICES.items():
            if getattr(self, key) not in allowed:
                raise ValueError(f"{key}: must be one of {', '.join(map(repr, allowed))}")
        parse_day_start(self.day_starts_at)
        if self.user is not None and not PROFILE_RE.fullmatch(self.user):
            raise ValueError(f"user: {self.user!r} is not a valid profile name")

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> Settings:
        unknown = sorted(set(data) - set(_SETTING_TYPES))
        if unknown:
            raise ValueError(f"{unknown[0]}: unknown setting (known: {', '.join(_SETTING_TYPES)})")
        return cls(**data)

    @property
    def day_start(self) -> time:
        return parse_day_start(self.day_starts_at)


def parse_day_start(value: str) -> time:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", value)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(f"day_starts_at: must be HH:MM, e.g. 04:00, got {value!r}")
    return time(int(match[1]), int(match[2]))


def check_profile_name(name: str) -> str:
    if not PROFILE_RE.fullmatch(name):
        raise UserError(
            f"invalid profile name {name!r}",
            "use 1–32 characters from a–z, 0–9, '_' and '-'",
        )
    return name


@dataclass(frozen=True)
class Home:
    """The folder that holds progress, settings, user decks, backups and logs."""

    root: Path

    @property
    def database(self) -> Path:
        return self.root / "progress.sqlite3"

    @property
    def cache_database(self) -> Path:
        # Disposable: parsed decks. Kept out of progress.sqlite3 so backups and
        # progress exports stay small and a broken cache can simply be deleted.
        return self.root / "cache.sqlite3"

    @property
    def config_file(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def decks_dir(self) -> Path:
        return self.root / "decks"

    @property
    def backups_dir(self) -> Path:
        return self.root / "backups"

    @property
    def logs_dir(self) -> Path:
        return self.root / "logs"

    def ensure(self) -> Home:
        """Create the folders, private to the user (0700)."""
        for folder in (self.root, self.decks_dir, self.backups_dir, self.logs_dir):
            try:
                folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            except (FileExistsError, NotADirectoryError) as exc:
                raise UserError(
                    f"{folder} is a file, not a folder",
                    "give --home (or DLCARDS_HOME) a folder, or move the file away",
                ) from exc
            os.chmod(folder, 0o700)
        return self


def resolve_home(explicit: str | os.PathLike[str] | None = None) -> Home:
    """``--home``, else ``DLCARDS_HOME``, else the platform's user data folder."""
    if explicit:
        return Home(Path(explicit).expanduser().resolve())
    env = os.environ.get("DLCARDS_HOME")
    if env:
        return Home(Path(env).expanduser().resolve())
    import platformdirs

    return Home(Path(platformdirs.user_data_dir("dlcards")))


def load_settings(home: Home) -> Settings:
    """Read ``config.toml``; a missing file means defaults, a broken one is a clear error."""
    path = home.config_file
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UserError(f"{path}: {exc}", "fix the file or delete it to use the defaults") from exc
    try:
        return Settings.from_mapping(data)
    except (ValueError, TypeError) as exc:
        raise UserError(
            f"{path}: {exc}", "fix the setting or remove it to use the default"
        ) from exc


def save_setting(home: Home, key: str, value: object) -> None:
    """Change one setting in ``config.toml`` atomically, keeping the rest of the file as it is.

    tomlkit edits the document in place, so the user's comments, order and spacing
    survive; the temporary-file-and-rename write never leaves half a file behind, and
    goes through a symlinked ``config.toml`` (dotfiles) to the file it points at.
    """
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    from dlcards.fileutil import atomic_write_bytes

    path = home.config_file
    try:
        text = path.read_bytes().decode("utf-8")  # bytes: \r\n line ends are seen as they are
        data = tomllib.loads(text)
    except FileNotFoundError:
        text, data = "", {}
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        # Unreadable, so nothing in it can be kept (loading it refuses to start anyway).
        text, data = "", {}
    Settings.from_mapping({**data, key: value})
    # tomlkit writes "\n" for what it adds: edit with "\n" and put the file's "\r\n" back.
    crlf = "\r\n" in text
    try:
        document = tomlkit.parse(text.replace("\r\n", "\n"))
    except TOMLKitError:
        document = tomlkit.document()
    # A basic string, as a new file would have, even where the old value was 'literal'.
    document[key] = tomlkit.string(value) if isinstance(value, str) else value
    edited = tomlkit.dumps(document)
    if crlf:
        edited = edited.replace("\n", "\r\n")
    home.ensure()
    atomic_write_bytes(path.resolve() if path.is_symlink() else path, edited.encode("utf-8"))


def follow_rename(home: Home, settings: Settings, old: str, new: str) -> bool:
    """After profile ``old`` became ``new``: make a plain start keep opening it.

    True when ``config.toml``'s ``user`` was written. That is when ``old`` is the
    profile a start without ``--user`` opens: the one ``user`` names, or, with no
    ``user``, the one made from the login name, which would otherwise open again,
    empty, and look like lost progress.
    """
    if default_profile(settings) != old:
        return False
    save_setting(home, "user", new)
    return True


def default_profile(settings: Settings) -> str:
    """The config's user, else the login name made valid, else ``default``."""
    if settings.user:
        return settings.user
    try:
        login = getpass.getuser()
    except Exception:  # no login name in some containers and services
        login = ""
    name = re.sub(r"[^a-z0-9_-]", "-", login.lower())[:32]
    return name if name else "default"


# --- the clock -------------------------------------------------------------


def now() -> datetime:
    """The current time, aware; ``DLCARDS_NOW`` (ISO 8601 with offset) replaces it."""
    fixed = os.environ.get("DLCARDS_NOW")
    if fixed:
        try:
            value = datetime.fromisoformat(fixed)
        except ValueError as exc:
            raise UserError(
                f"DLCARDS_NOW={fixed!r} is not an ISO 8601 time",
                "use e.g. 2026-03-01T09:30:00+01:00",
            ) from exc
        if value.tzinfo is None:
            raise UserError(f"DLCARDS_NOW={fixed!r} has no UTC offset", "add one, e.g. +00:00")
        return value
    return datetime.now().astimezone()


def study_day(moment: datetime, day_start: time) -> date:
    """The local date a moment counts for, the day starting at ``day_start``."""
    shift = timedelta(hours=day_start.hour, minutes=day_start.minute)
    return (moment - shift).date()
