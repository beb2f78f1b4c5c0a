"""Where dlcards keeps its files, the settings in ``<home>/config.toml``, and the clock."""

from __future__ import annotations

import getpass
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
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
    "scheduler": str,
    "desired_retention": float,
    "fsrs_parameters": list,
    "sync_dir": str,
    "goal_date": str,
    "goal_decks": list,
}
_OPTIONAL = ("user", "editor", "fsrs_parameters", "sync_dir", "goal_date", "goal_decks")
# Settings a [profiles.NAME] table may give its profile, over the top level's.
PROFILE_KEYS = tuple(k for k in _SETTING_TYPES if k not in ("user", "sync_dir"))
SCHEDULERS = ("sm2", "fsrs")
_INT_RANGES = {
    "new_per_day": (0, 10_000),
    "reviews_per_day": (0, 100_000),
    "leech_threshold": (1, 100),
}
_CHOICES = {
    "leech_action": ("tag", "suspend"),
    "theme": ("dark", "light"),
    "scheduler": SCHEDULERS,
}


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
    scheduler: str = "sm2"
    desired_retention: float = 0.9
    fsrs_parameters: list[float] | None = None
    sync_dir: str | None = None
    goal_date: str | None = None  # ISO date of an interview (dlcards goal)
    goal_decks: list[str] | None = None  # the goal's decks; None: every deck
    # [profiles.NAME] tables: settings of one profile, over the top level's.
    profiles: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # The top-level values a profile's table replaced, so another profile starts from them.
    replaced: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if isinstance(self.desired_retention, int) and not isinstance(self.desired_retention, bool):
            object.__setattr__(self, "desired_retention", float(self.desired_retention))
        for key, kind in _SETTING_TYPES.items():
            value = getattr(self, key)
            if value is None and key in _OPTIONAL:
                continue
            if not isinstance(value, kind) or isinstance(value, bool):
                name = {int: "an integer", float: "a number", list: "a list"}.get(kind, "a string")
                raise ValueError(f"{key}: must be {name}, got {value!r}")
        for key, (low, high) in _INT_RANGES.items():
            if not low <= getattr(self, key) <= high:
                raise ValueError(f"{key}: must be from {low} to {high}, got {getattr(self, key)}")
        for key, allowed in _CHOICES.items():
            if getattr(self, key) not in allowed:
                raise ValueError(f"{key}: must be one of {', '.join(map(repr, allowed))}")
        parse_day_start(self.day_starts_at)
        if not 0.7 <= self.desired_retention <= 0.99:
            raise ValueError(
                f"desired_retention: must be from 0.70 to 0.99, got {self.desired_retention}"
            )
        if self.fsrs_parameters is not None:
            _check_fsrs_parameters(self.fsrs_parameters)
        if self.goal_date is not None:
            try:
                date.fromisoformat(self.goal_date)
            except ValueError:
                raise ValueError(f"goal_date: must be YYYY-MM-DD, got {self.goal_date!r}") from None
        if self.goal_decks is not None and not all(isinstance(d, str) for d in self.goal_decks):
            raise ValueError("goal_decks: must be a list of deck ids")
        if not isinstance(self.profiles, Mapping):
            raise ValueError("profiles: must be a table of [profiles.NAME] tables")
        for name, table in self.profiles.items():
            _check_profile_table(name, table)
        if self.user is not None and not PROFILE_RE.fullmatch(self.user):
            raise ValueError(f"user: {self.user!r} is not a valid profile name")

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> Settings:
        unknown = sorted(set(data) - set(_SETTING_TYPES) - {"profiles"})
        if unknown:
            raise ValueError(f"{unknown[0]}: unknown setting (known: {', '.join(_SETTING_TYPES)})")
        return cls(**data)

    def for_profile(self, name: str) -> Settings:
        """The top-level settings with the profile's ``[profiles.NAME]`` table over them
        (from settings already made for another profile too: its table is taken off)."""
        base = replace(self, **dict(self.replaced), replaced={}) if self.replaced else self
        table = dict(base.profiles.get(name) or {})
        if not table:
            return base
        return replace(base, **table, replaced={key: getattr(base, key) for key in table})

    @property
    def day_start(self) -> time:
        return parse_day_start(self.day_starts_at)


def _check_fsrs_parameters(values: list[Any]) -> None:
    if len(values) != 21 or not all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in values
    ):
        raise ValueError("fsrs_parameters: must be a list of 21 numbers (FSRS-6)")


def _check_profile_table(name: str, table: object) -> None:
    if not PROFILE_RE.fullmatch(name) or not isinstance(table, Mapping):
        raise ValueError(f"profiles.{name}: must be a [profiles.NAME] table of a valid profile")
    unknown = sorted(set(table) - set(PROFILE_KEYS))
    if unknown:
        raise ValueError(
            f"profiles.{name}.{unknown[0]}: not a per-profile setting "
            f"(those are: {', '.join(PROFILE_KEYS)})"
        )
    try:
        Settings(**dict(table))
    except (ValueError, TypeError) as exc:
        raise ValueError(f"profiles.{name}.{exc}") from None


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
        """Create the missing folders, private to the user (0700).

        Only what dlcards creates gets a mode: a folder the user made read-only stays
        so (read commands then work read-only), and a read-only file system is left alone.
        """
        for folder in (self.root, self.decks_dir, self.backups_dir, self.logs_dir):
            if folder.is_dir():
                continue
            try:
                folder.mkdir(parents=True, exist_ok=True, mode=0o700)
                os.chmod(folder, 0o700)  # mkdir's mode is masked by the umask
            except (FileExistsError, NotADirectoryError) as exc:
                raise UserError(
                    f"{folder} is a file, not a folder",
                    "give --home (or DLCARDS_HOME) a folder, or move the file away",
                ) from exc
            except OSError:
                if folder is self.root and not folder.is_dir():
                    raise
                # A subfolder that cannot be made (a read-only home): the commands
                # that need it say so when they get there.
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

    def edit(document: Any) -> None:
        # A basic string, as a new file would have, even where the old value was 'literal'.
        document[key] = _toml_value(value)

    _edit_config(home, lambda data: {**data, key: value}, edit)


def save_profile_setting(home: Home, profile: str, key: str, value: object) -> None:
    """Set (or, with None, remove) ``key`` in the ``[profiles.PROFILE]`` table of config.toml."""
    import tomlkit

    def merged(data: dict[str, Any]) -> dict[str, Any]:
        profiles = {k: dict(v) for k, v in data.get("profiles", {}).items()}
        table = profiles.setdefault(profile, {})
        if value is None:
            table.pop(key, None)
        else:
            table[key] = value
        return {**data, "profiles": profiles}

    def edit(document: Any) -> None:
        if "profiles" not in document:
            document["profiles"] = tomlkit.table(is_super_table=True)
        profiles = document["profiles"]
        if profile not in profiles:
            if value is None:
                return
            profiles[profile] = tomlkit.table()
        if value is None:
            profiles[profile].pop(key, None)
        else:
            profiles[profile][key] = _toml_value(value)

    _edit_config(home, merged, edit)


def _toml_value(value: object) -> object:
    import tomlkit

    return tomlkit.string(value) if isinstance(value, str) else value


def _edit_config(
    home: Home,
    merged: Callable[[dict[str, Any]], dict[str, Any]],
    edit: Callable[[Any], None],
) -> None:
    """Check the settings ``merged`` makes valid, then ``edit`` the TOML document and save it."""
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
    Settings.from_mapping(merged(data))
    # tomlkit writes "\n" for what it adds: edit with "\n" and put the file's "\r\n" back.
    crlf = "\r\n" in text
    try:
        document = tomlkit.parse(text.replace("\r\n", "\n"))
    except TOMLKitError:
        document = tomlkit.document()
    edit(document)
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
