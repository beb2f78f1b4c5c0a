"""Everything a command needs, opened lazily: home, settings, profile, store, decks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING

from dlcards import config
from dlcards.collection import Collection, load_collection
from dlcards.deck_cache import DeckCache
from dlcards.errors import UserError
from dlcards.store import Store

if TYPE_CHECKING:
    from dlcards.backup import BackupCheck
    from dlcards.fsrs_scheduler import FsrsScheduler


@dataclass
class AppContext:
    home: config.Home
    user: str | None = None
    deck_paths: Sequence[str] = ()
    debug: bool = False
    # Asked before ``--user`` creates a profile that does not exist yet while others do
    # (a typo would silently start an empty one); None: refuse, naming 'users add'.
    confirm_new_profile: Callable[[str, list[str]], bool] | None = None
    _store: Store | None = field(default=None, init=False, repr=False)
    _schedulers: dict[str, FsrsScheduler | None] = field(
        default_factory=dict, init=False, repr=False
    )
    _backup_check: BackupCheck | None = field(default=None, init=False, repr=False)
    _profile_ready: bool = field(default=False, init=False, repr=False)

    @cached_property
    def base_settings(self) -> config.Settings:
        """config.toml as written: the top level, every ``[profiles.NAME]`` table aside."""
        return config.load_settings(self.home)

    @cached_property
    def settings(self) -> config.Settings:
        """The settings of this invocation's profile: its table over the top level."""
        return self.base_settings.for_profile(self.profile)

    @cached_property
    def profile(self) -> str:
        name = self.user or config.default_profile(self.base_settings)
        return config.check_profile_name(name)

    def scheduler_for(self, profile: str) -> FsrsScheduler | None:
        """The profile's FSRS scheduler as config.toml sets it, or None for SM-2."""
        if profile not in self._schedulers:
            settings = self.base_settings.for_profile(profile)
            scheduler = None
            if settings.scheduler == "fsrs":
                from dlcards.fsrs_scheduler import FsrsScheduler

                try:
                    scheduler = FsrsScheduler(settings.desired_retention, settings.fsrs_parameters)
                except ValueError as exc:  # py-fsrs's bounds on each parameter
                    first = str(exc).strip().splitlines()[-1].strip()
                    raise UserError(
                        f"{self.home.config_file}: fsrs_parameters of {profile}: {first}",
                        "run 'dlcards scheduler optimize' again or remove them",
                    ) from None
            self._schedulers[profile] = scheduler
        return self._schedulers[profile]

    def forget_settings(self) -> None:
        """After config.toml changed: read it again on next use."""
        for name in ("base_settings", "settings"):
            self.__dict__.pop(name, None)
        self._schedulers.clear()

    @property
    def store(self) -> Store:
        """The progress database for this invocation's profile.

        A ``--user`` typo is caught here, before anything is read or written; the
        profile's row itself is stored with its first grade or event (opening never
        writes: read commands must not wait behind a long import elsewhere).
        """
        store = self.database
        if not self._profile_ready:
            self._check_new_profile(store)
            self._profile_ready = True
        return store

    @property
    def database(self) -> Store:
        """The progress database as it is: for commands about profiles themselves
        (``users add`` must not also create the login name's profile)."""
        if self._store is None:
            self.home.ensure()
            # No write here: read commands never write (a long import elsewhere would
            # make them wait); the profile row comes with its first grade or event.
            self._store = Store.open(self.home.database)
            self._store.use_schedulers(self.scheduler_for)
            self._store.repair_stale_states()  # after a killed import; else one read
        return self._store

    def _check_new_profile(self, store: Store) -> None:
        """A ``--user`` naming no profile, while others exist, is created only if confirmed.

        The first profile on a machine needs no question: there is nothing to mistype.
        """
        name = self.profile
        if self.user is None or store.has_profile(name):
            return
        others = [p for p, _, _ in store.profiles()]
        if not others:
            return
        if self.confirm_new_profile is not None and self.confirm_new_profile(name, others):
            store.ensure_profile(name, self.now())  # asked for: stored now, not at a grade
            return
        from dlcards.errors import UserError

        raise UserError(
            f"no profile '{name}' (profiles here: {', '.join(others)})",
            f"check the spelling, or create it with 'dlcards users add {name}'",
        )

    @cached_property
    def collection(self) -> Collection:
        self.home.ensure()
        return load_collection(
            self.home.decks_dir, self.deck_paths, DeckCache(self.home.cache_database)
        )

    def now(self) -> datetime:
        return config.now()

    def today(self) -> date:
        return config.study_day(self.now(), self.settings.day_start)

    def before_session(self) -> None:
        """Work due before studying: the daily backup of the progress database."""
        from dlcards.backup import daily_backup

        self._backup_check = daily_backup(self.home, self.store, self.today())

    def after_session(self) -> str | None:
        """Wait for the backup's integrity check; what to tell the user if it failed."""
        check, self._backup_check = self._backup_check, None
        return check.finish() if check is not None else None

    def auto_sync(self, profile: str | None = None) -> str | None:
        """Sync with config.toml's ``sync_dir``, if set (at start, after a session).

        Never stops studying: a folder that is not there today (an unmounted share)
        is a one-line warning, returned for the caller to print.
        """
        if not self.settings.sync_dir:
            return None
        from pathlib import Path

        from dlcards.errors import UserError
        from dlcards.interchange.sync import sync

        try:
            report = sync(
                self.store,
                profile or self.profile,
                Path(self.settings.sync_dir).expanduser(),
                self.now(),
            )
        except (UserError, OSError) as exc:
            return f"sync with {self.settings.sync_dir} skipped: {exc}"
        if report.skipped:
            return f"sync: skipped {'; '.join(report.skipped)} (tried again next time)"
        return None

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
        if "collection" in self.__dict__ and self.collection.cache is not None:
            self.collection.cache.close()
