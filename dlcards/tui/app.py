"""The dlcards Textual app (``DlcardsApp``, built by the CLI and the tests as ``make_app``).

Store, decks, settings, profile, clock, RNG and timer are injected, so tests run
the real app on an in-memory store, fixed decks and a fixed day.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Literal

from textual.app import SystemCommand
from textual.notifications import SeverityLevel
from textual.screen import Screen

from dlcards import config
from dlcards.collection import Collection, load_collection
from dlcards.store import Store
from dlcards.study.protocol import Session
from dlcards.study.session import StudySession
from dlcards.tui.deck_editing import DeckEditing
from dlcards.tui.held_input import HoldsEarlyInput
from dlcards.tui.profile_actions import ProfileActions
from dlcards.tui.screens import SCREENS_CSS, home_screen_class
from dlcards.tui.themes import ThemedApp
from dlcards.wording import plural

if TYPE_CHECKING:
    import numpy as np

    from dlcards.study.practice import PracticeOptions, PracticeSession
    from dlcards.tui.screens.home import HomeScreen
    from dlcards.tui.screens.review import ReviewScreen

Start = Literal["home", "review", "practice"]


class DlcardsApp(ThemedApp, DeckEditing, ProfileActions, HoldsEarlyInput):
    """The app. ``start="review"`` opens Review on the chosen decks/tags/limit;
    ``start="practice"`` a practice session with the ``practice`` options.

    ``reload`` loads the decks again after an edit (default: ``<home>/decks`` and
    ``deck_paths`` through the collection's parse cache); ``before_session`` runs
    when a review begins (the CLI passes the daily backup), ``after_session`` when one
    with grades ends (the CLI's sync); ``timer`` is the
    monotonic seconds source for durations and the summary's time spent.
    """

    CSS_PATH = "dlcards.tcss"
    TITLE = "dlcards"

    def __init__(
        self,
        *,
        store: Store,
        collection: Collection,
        settings: config.Settings,
        profile: str,
        home: config.Home | None = None,
        clock: Callable[[], datetime] = config.now,
        rng: np.random.Generator | None = None,
        timer: Callable[[], float] | None = None,
        start: Start = "home",
        deck_ids: Sequence[str] = (),
        tags: Sequence[str] = (),
        limit: int | None = None,
        deck_paths: Sequence[str] = (),
        reload: Callable[[], Collection] | None = None,
        before_session: Callable[[], None] | None = None,
        after_session: Callable[[str], str | None] | None = None,
        practice: PracticeOptions | None = None,
    ) -> None:
        # Opened on Review, the app parses Review's rules only before the first card;
        # the other screens' (screens.tcss, two thirds of the rules) follow (issue 13).
        super().__init__(css_path=[self.CSS_PATH, SCREENS_CSS] if start == "home" else None)
        if reload is None and (home is not None or deck_paths):
            decks_dir = home.decks_dir if home else None

            def reload() -> Collection:
                return load_collection(decks_dir, deck_paths, collection.cache)

        self.store = store
        self.collection = collection
        self.settings = settings
        self.profile = profile
        self.home = home
        self.clock = clock
        self.rng = rng
        self.timer = timer
        self._start = start
        self._start_args = (tuple(deck_ids), tuple(tags), limit)
        self._reload = reload
        self._before_session = before_session
        # After each review session, with the profile: the CLI syncs (sync_dir); a
        # returned line is a warning to show.
        self._after_session = after_session
        self._practice_options = practice
        self.start_with_theme(settings.theme)

    def unhandled_error(self) -> Exception | None:
        """The unexpected error that ended the app, if one did (``launch`` raises it)."""
        # Textual keeps the first unhandled error (under Pilot it re-raises it); read,
        # never overridden, so Textual still ends the app and restores the terminal.
        return self._exception

    # --- the day and the session -------------------------------------------------------

    def today(self) -> date:
        return config.study_day(self.clock(), self.settings.day_start)

    def new_session(
        self, deck_ids: Sequence[str] = (), tags: Sequence[str] = (), limit: int | None = None
    ) -> StudySession:
        return StudySession(
            self.store,
            self.collection,
            self.profile,
            self.settings,
            clock=self.clock,
            rng=self.rng,
            deck_ids=deck_ids,
            tags=tags,
            limit=limit,
            timer=self.timer,
        )

    def on_mount(self) -> None:
        # ``dlcards study`` and ``practice`` open on Review itself (get_default_screen),
        # Home being built when it is first needed; each screen's module is imported
        # when the screen is first shown, not with the app: Home's table and stats are
        # not needed for a review, nor Review's card views (Markdown, ~50 ms) for Home.
        if self._opening_review is not None:
            return
        # Nothing to study: the same calls again say why, over Home.
        if self._start == "practice":
            from dlcards.study.practice import PracticeOptions

            if not self.start_practice(self._practice_options or PracticeOptions()):
                self.push_screen(_home_screen())
            return
        if self._start == "review" and not self.start_review(*self._start_args):
            self.push_screen(_home_screen())

    def on_ready(self) -> None:
        # The first frame is written (Textual's Ready follows the first layout): the
        # garbage collector ``dlcards study`` turned off for the start-up is on again.
        gc.enable()

    def get_default_screen(self) -> Screen:
        """Home or Review, the screen the app opens on. As the default screen it is laid
        out and painted once, after Textual's start-up batch, and the first frame written
        is the whole screen. Pushed from ``on_mount`` (inside that batch) it was laid out
        and rendered there, a frame Textual drops, and the first frame written then held
        only what changed after it: a card without its frame and session bar, the rest
        a frame or two later (issue 13)."""
        if self._start == "home":
            return _home_screen()
        opening = self._open_review()
        if opening is not None:
            return opening
        return super().get_default_screen()  # blank: on_mount opens Home and says why

    _opening_review: ReviewScreen | None = None

    def _open_review(self) -> ReviewScreen | None:
        """Review on the session ``dlcards study`` or ``practice`` asked for, or None
        when it has no card. Keys typed before its first card is ready wait for it."""
        session: Session
        if self._start == "practice":
            from dlcards.study.practice import PracticeOptions

            session = self.new_practice(self._practice_options or PracticeOptions())
        else:
            session = self.new_session(*self._start_args)
        if session.next_card() is None:
            return None
        if self._before_session is not None:
            self._before_session()  # the daily backup, before the first grade
        from dlcards.tui.screens.review import ReviewScreen

        self.hold_input()
        self._opening_review = ReviewScreen(session, opening=True)
        return self._opening_review

    def in_review(self) -> bool:
        """Whether Review is the screen shown (by its id: its module may not be loaded)."""
        return self.screen.id == "review"

    def new_practice(self, options: PracticeOptions) -> PracticeSession:
        from dlcards.study.practice import PracticeSession

        return PracticeSession(
            self.store,
            self.collection,
            self.profile,
            self.settings,
            clock=self.clock,
            rng=self.rng,
            timer=self.timer,
            options=options,
        )

    def start_practice(self, options: PracticeOptions) -> bool:
        """Open Review on a practice session (see dlcards.study.practice); say why not if empty."""
        session = self.new_practice(options)
        first = session.next_card()
        self.tell_notices(session)
        if first is None:
            self.notify(
                "No cards to practise here (suspended cards are left out). "
                "Try all decks, or another deck.",
                title="Nothing to practise",
            )
            return False
        if self._before_session is not None:
            self._before_session()  # the daily backup, before the first practice row
        if len(self.screen_stack) > 1:
            self.go_home()
        from dlcards.tui.screens.review import ReviewScreen

        self.push_screen(ReviewScreen(session))
        return True

    def action_practice(self) -> None:
        """Home's c: choose what to practise, then start."""
        from dlcards.tui.screens.practice_setup import PracticeSetupScreen

        if self.in_review():
            self.notify("Leave the review first (Esc) to practise.")
            return
        home = self.screen
        deck_id = home.highlighted_deck() if isinstance(home, home_screen_class()) else None
        deck = self.collection.deck(deck_id) if deck_id else None

        def chosen(options: PracticeOptions | None) -> None:
            if options is not None:
                self.start_practice(options)

        self.push_screen(PracticeSetupScreen(deck_id, deck.name if deck else None), chosen)

    def action_browse(self) -> None:
        """Home's /: every card, searchable, with its history."""
        from dlcards.tui.screens.browser import BrowserScreen

        if self.in_review():
            self.notify("Leave the review first (Esc) to browse the cards.")
            return
        if not isinstance(self.screen, BrowserScreen):
            self.push_screen(BrowserScreen())

    def start_review(
        self, deck_ids: Sequence[str] = (), tags: Sequence[str] = (), limit: int | None = None
    ) -> bool:
        """Open Review on what is due; say why not when nothing is."""
        session = self.new_session(deck_ids, tags, limit)
        first = session.next_card()
        self.tell_notices(session)
        if first is None:
            from dlcards.tui.empty_states import nothing_due

            self.notify(nothing_due(session, self.home), title="Nothing to study")
            return False
        if self._before_session is not None:
            self._before_session()  # the daily backup, before the first grade
        if len(self.screen_stack) > 1:
            self.go_home()
        from dlcards.tui.screens.review import ReviewScreen

        self.push_screen(ReviewScreen(session))
        return True

    def on_home_screen_study(self, message: HomeScreen.Study) -> None:
        # Only while Home shows: a second Enter (or `a`) typed with the first asks again
        # once the first review is on its way, and a second Review crashed the app.
        if isinstance(self.screen, home_screen_class()):
            self.start_review(message.deck_ids)

    def on_review_screen_ended(self, message: ReviewScreen.Ended) -> None:
        session = message.session
        if session.practice:
            from dlcards.study.practice import PracticeSession

            assert isinstance(session, PracticeSession)  # the app's only practice
            from dlcards.tui.screens.practice_summary import PracticeSummaryScreen

            practice = session.summary()
            self.go_home()
            if practice.answered:
                self.push_screen(PracticeSummaryScreen(practice, self.profile))
            return
        assert isinstance(session, StudySession)  # the app starts no other kind
        summary = session.summary()
        if self._after_session is not None and summary.grades:
            warning = self._after_session(self.profile)
            if warning:
                self.notify(warning, title="Sync", severity="warning")
        if message.finished:
            from dlcards.tui.screens.summary import SummaryScreen

            # What is left today is what Home counts (every deck: say, another deck's
            # re-drills), so that the two screens agree.
            everything = self.new_session()
            left = everything.remaining() or 0
            next_due = everything.next_due()
            from dlcards.tui.screens.home import days_until

            when = days_until(next_due, session.today) if next_due else None
            self.go_home()
            self.push_screen(SummaryScreen(summary, self.profile, next_due=when, left_today=left))
            return
        self.go_home()
        if summary.grades:
            self.notify(
                f"Saved {plural(summary.grades, 'grade')} on {plural(summary.reviewed, 'card')}.",
                title="Session saved",
            )

    # --- navigation -------------------------------------------------------------------------

    def tell_notices(self, session: Session) -> None:
        """Say which cards the session set aside because they cannot be shown."""
        for notice in session.notices:
            self.notify(notice, title="Card skipped", severity="warning", timeout=12)
        session.notices.clear()

    def go_home(self) -> None:
        """Close every screen above Home (Home refreshes its counts when it shows again)."""
        home_screen = home_screen_class()
        if not any(isinstance(s, home_screen) for s in self.screen_stack):
            while len(self.screen_stack) > 2:
                self.pop_screen()
            if len(self.screen_stack) > 1:
                self.switch_screen(home_screen())
            else:
                self.push_screen(home_screen())
            return
        while len(self.screen_stack) > 1 and not isinstance(self.screen, home_screen):
            self.pop_screen()

    def action_go_home(self) -> None:
        self.go_home()

    def action_study_all(self) -> None:
        self.start_review()

    def action_stats(self) -> None:
        if self.in_review():
            self.notify("Leave the review first (Esc): stats are on Home.")
            return
        from dlcards.tui.screens.stats import StatsScreen

        self.go_home()
        self.push_screen(StatsScreen())

    def action_help(self) -> None:
        from dlcards.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification as plain text: messages quote card ids, deck names and
        errors, which come from files anyone can write ("[red]x" must show as written,
        never as markup). Screens' ``notify`` calls arrive here too."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        from dlcards.tui.palette import system_commands

        return system_commands(self)


def _home_screen() -> HomeScreen:
    return home_screen_class()()


# The name the CLI and the tests build the app by (DESIGN §2: the ``make_app`` factory).
make_app = DlcardsApp
