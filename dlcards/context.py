"""Everything a command needs, opened lazily: home, settings, profile, store, decks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from dlcards import config
from dlcards.collection import Collection, load_collection
from dlcards.deck_cache import DeckCache
from dlcards.store import Store


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
    _profile_ready: bool = field(default=False, init=False, repr=False)

    @cached_property
    def settings(self) -> config.Settings:
        return config.load_settings(self.home)

    @cached_property
    def profile(self) -> str:
        name = self.user or config.default_profile(self.settings)
        return config.check_profile_name(name)

    @property
    def store(self) -> Store:
        """The progress database, with this invocation's profile in it (made if new)."""
        store = self.database
        if not self._profile_ready:
            self._check_new_profile(store)
            store.ensure_profile(self.profile, self.now())
            self._profile_ready = True
        return store

    @property
    def database(self) -> Store:
        """The progress database as it is: for commands about profiles themselves
        (``users add`` must not also create the login name's profile)."""
        if self._store is None:
            self.home.ensure()
            self._store = Store.open(self.home.database)
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

        daily_backup(self.home, self.store, self.today())

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
        if "collection" in self.__dict__ and self.collection.cache is not None:
            self.collection.cache.close()
