"""Everything a command needs, opened lazily: home, settings, profile, store, decks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING

from dlcards import config
from dlcards.collection import Collection, load_collection
from dlcards.deck_cache import DeckCache
from dlcards.store import Store

if TYPE_CHECKING:
    from dlcards.backup import BackupCheck


@dataclass
class AppContext:
    home: config.Home
    user: str | None = None
    deck_paths: Sequence[str] = ()
    debug: bool = False
    _store: Store | None = field(default=None, init=False, repr=False)
    _backup_check: BackupCheck | None = field(default=None, init=False, repr=False)

    @cached_property
    def settings(self) -> config.Settings:
        return config.load_settings(self.home)

    @cached_property
    def profile(self) -> str:
        name = self.user or config.default_profile(self.settings)
        return config.check_profile_name(name)

    @property
    def store(self) -> Store:
        if self._store is None:
            self.home.ensure()
            # No write here: read commands never write (a long import elsewhere would
            # make them wait); the profile row comes with its first grade or event.
            self._store = Store.open(self.home.database)
            self._store.repair_stale_states()  # after a killed import; else one read
        return self._store

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

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
        if "collection" in self.__dict__ and self.collection.cache is not None:
            self.collection.cache.close()
