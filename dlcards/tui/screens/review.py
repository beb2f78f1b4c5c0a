"""Review: one card at a time — reveal or answer, then grade 0–5; undo, bury, suspend, edit.

The screen drives any ``Session`` (dlcards.study.protocol): a study session, or a practice,
whose grades leave the schedule alone and which in interview mode runs a clock above each
card. Every grade goes through ``Session.grade``, which commits it before this screen asks
for the next card, so leaving (or a crash) never loses a grade.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, cast

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen

from dlcards.cards import BasicCard, ChoiceCard
from dlcards.study.items import QueueItem
from dlcards.study.protocol import Session, undone_text
from dlcards.tui.screens import review_notices as notices
from dlcards.tui.screens.review_after_paint import AfterCardPaint
from dlcards.tui.screens.review_media import MediaKeys
from dlcards.tui.screens.review_typing import AnswerKeys
from dlcards.tui.screens.review_views import Phase, card_view
from dlcards.tui.store_wait import write
from dlcards.tui.widgets.answer_box import AnswerArea, AnswerBox
from dlcards.tui.widgets.grade_bar import GradeBar, GradeKey
from dlcards.tui.widgets.key_footer import KeyFooter
from dlcards.tui.widgets.session_bar import SessionBar
from dlcards.tui.widgets.title_bar import TitleBar
from dlcards.wording import clock_text

if TYPE_CHECKING:
    from dlcards.tui.app import DlcardsApp
    from dlcards.tui.screens.review_views import CardView
    from dlcards.tui.widgets.compute_card import ComputeCardView
    from dlcards.tui.widgets.typed_card import TypedCardView


class ReviewScreen(MediaKeys, AnswerKeys, AfterCardPaint, Screen[None]):
    BINDINGS = [
        Binding("space", "reveal", "Show answer"),
        Binding("enter", "reveal", "Show answer", show=False),
        Binding("enter", "check_choice", "Check"),
        Binding("enter", "focus_box", "Answer"),
        Binding("enter", "accept", "Accept grade"),
        *[Binding(str(d), f"digit({d})", f"Key {d}", show=False) for d in range(10)],
        Binding("u", "undo", "Undo"),
        Binding("b", "bury", "Bury"),
        Binding("b", "skip", "Skip"),  # practice: b leaves the card out of this practice
        Binding("s", "suspend", "Suspend"),
        Binding("e", "edit", "Edit"),
        Binding("o", "open_media", "Open media"),
        # Not in the footer: at 80 columns it would push Esc off the line (Home shows ?).
        Binding("question_mark", "app.help", "Help", show=False),
        Binding("escape", "leave", "Home"),
        Binding("q", "leave", "Home", show=False),
    ]

    class Ended(Message):
        """The session is over (``finished``) or the user left it early."""

        def __init__(self, session: Session, finished: bool) -> None:
            super().__init__()
            self.session = session
            self.finished = finished

    def __init__(self, session: Session, *, opening: bool = False) -> None:
        """``opening``: the app's first screen (keys typed wait for its first card)."""
        super().__init__(id="review")
        self.session = session
        self._opening = opening
        self._resumed = False
        self.practice = session.practice
        self.interview = session.interview
        self.item: QueueItem | None = None
        self.phase: Phase = "front"
        self.suggested: int | None = None
        self.answer: str | None = None
        self._answered_in: float | None = None  # interview: seconds the answer took

    @property
    def dlcards_app(self) -> DlcardsApp:
        return cast("DlcardsApp", self.app)

    def compose(self) -> ComposeResult:
        title = "Interview" if self.interview else "Practice" if self.practice else "Review"
        yield TitleBar(title, self.session.profile, id="title")
        yield SessionBar(id="session-bar")
        # The first card is built with the screen, not mounted after it: the screen's
        # first frame holds it, and it is there as soon as the screen is (issue 13).
        item = self.session.next_card()
        with VerticalScroll(id="card-scroll"):
            if item is not None:
                yield self._new_view(item)
        bar = GradeBar(id="grade-bar")
        bar.display = False
        yield bar
        yield KeyFooter()

    async def on_mount(self) -> None:
        if self.item is not None:
            # The app's first card: its answer box takes the focus now, not once laid
            # out (open_at_question), and the keys typed so far, kept by the app until
            # now, follow it there in order.
            self._view_mounted(self.view, box_first=self._opening)
        if self._opening:
            self.dlcards_app.release_input()
        if self.interview or self.session.time_left() is not None:
            self.set_interval(1.0, self._tick)

    def _tick(self) -> None:
        """The interview clock (time on this card) and the practice's time left."""
        parts = []
        if self.interview and self.item is not None:
            seconds = self._answered_in
            if seconds is None:
                seconds = self.session.timer() - self.item.shown_at
            parts.append(clock_text(seconds))
        left = self.session.time_left()
        if left is not None:
            parts.append(f"{clock_text(left)} left")
        self.query_one(SessionBar).set_clock(" · ".join(parts))

    # --- showing a card ------------------------------------------------------------

    @property
    def view(self) -> CardView:
        # One of the four views (review_views) is mounted per card, with this class.
        return cast("CardView", self.query_one(".card-view"))

    async def show_item(self, item: QueueItem, *, revealed: bool = False) -> None:
        view = self._new_view(item, revealed=revealed)
        scroll = self.query_one("#card-scroll", VerticalScroll)
        await scroll.remove_children()
        await scroll.mount(view)
        self._view_mounted(view)

    def _new_view(self, item: QueueItem, *, revealed: bool = False) -> CardView:
        """The view of ``item``, made the screen's card."""
        self.item = item
        self.suggested = None
        self.answer = None
        self._answered_in = None
        view, self.phase = card_view(
            item, self.session.timer, interview=self.interview, revealed=revealed
        )
        return view

    def _view_mounted(self, view: CardView, *, box_first: bool = False) -> None:
        """The rest of showing a card, once its view is mounted; ``box_first``: an
        answer box takes the focus at once (else the card does, until laid out)."""
        item = self.item
        assert item is not None
        self.dlcards_app.tell_notices(self.session)
        scroll = self.query_one("#card-scroll", VerticalScroll)
        scroll.scroll_home(animate=False)
        self._update_bar()
        self._show_grades()
        if self.interview or self.practice:
            self._tick()
        if self.session.is_leech(item):
            notices.notify_leech_shown(self, item)
        if box_first and isinstance(view, AnswerArea):
            view.focus_box()  # only: focusing the card first restyled all of it twice
        else:
            scroll.focus()
        if isinstance(view, AnswerArea):  # a compute or typed-answer card
            # Once laid out: the question from its top, the box focused if it is in view.
            self.call_after_refresh(view.open_at_question, scroll)
        self.refresh_bindings()

    def _update_bar(self) -> None:
        item = self.item
        assert item is not None
        deck = self.session.collection.deck(item.ref.deck_id)
        if self.practice:
            kind = "interview" if self.interview else "practice"
        else:
            kind = "re-drill" if item.drill else "new" if item.is_new else "review"
        self.query_one(SessionBar).show(
            deck=deck.name if deck else item.ref.deck_id,
            kind=kind,
            tags=item.ref.tags,
            done=self.session.done(),
            left=self.session.remaining(),
            leech=self.session.is_leech(item),
        )

    def _show_grades(self) -> None:
        bar = self.query_one(GradeBar)
        bar.display = self.phase == "back"
        if self.phase == "back" and self.item is not None:
            bar.show(self.session.intervals(self.item), self.suggested, practice=self.practice)

    def _to_back(self) -> None:
        if self.interview and self.item is not None:
            # The clock stops at the answer: the time it took stays shown.
            self._answered_in = self.session.timer() - self.item.shown_at
            self._tick()
        self.phase = "back"
        self._show_grades()
        self.query_one("#card-scroll").focus()
        self.refresh_bindings()

    # --- which keys act now ------------------------------------------------------------

    def _typing(self) -> bool:
        return isinstance(self.focused, AnswerBox)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self._typing():
            return False  # the box has focus: only its Enter and Escape act
        phase = self.phase
        if action == "reveal":
            return phase == "front"
        if action == "check_choice":
            return phase == "choosing"
        if action == "focus_box":
            return phase == "typing"
        if action == "accept":
            return phase == "back" and self.suggested is not None
        if action == "digit":
            digit = cast(int, parameters[0])
            item = self.item
            if phase == "choosing" and item is not None and isinstance(item.card, ChoiceCard):
                return 1 <= digit <= len(item.card.choices)
            return phase == "back" and digit <= 5
        if action == "undo":
            return True if self.session.can_undo() else None
        if action in ("bury", "skip"):
            return (action == "skip") == self.practice
        if action == "open_media":
            return bool(self._media_names())
        return True

    # --- answering ---------------------------------------------------------------------

    async def action_reveal(self) -> None:
        from dlcards.tui.widgets.basic_card import BasicCardView  # loaded: the phase is front

        view = self.view
        if isinstance(view, BasicCardView):
            await view.reveal()
            self._to_back()

    def action_check_choice(self) -> None:
        from dlcards.tui.widgets.choice_card import ChoiceCardView  # loaded: choosing

        view = self.view
        if not isinstance(view, ChoiceCardView):
            return
        if not view.picked:
            count = len(view.card.choices)
            self.notify(
                f"Pick at least one option with the keys 1–{count} first.", severity="warning"
            )
            return
        self.suggested = view.submit()
        self.answer = view.answer_text()
        self._to_back()

    def action_focus_box(self) -> None:
        view = self.view
        if isinstance(view, AnswerArea):  # a compute or typed-answer card
            view.focus_box()

    def on_answer_box_left(self, message: AnswerBox.Left) -> None:
        message.stop()
        self.query_one("#card-scroll").focus()

    def on_compute_card_view_checked(self, message: ComputeCardView.Checked) -> None:
        message.stop()
        self._checked(message.verdict.suggested_grade, message.answer)

    def on_typed_card_view_checked(self, message: TypedCardView.Checked) -> None:
        message.stop()
        self._checked(message.suggested, message.answer)

    def _checked(self, suggested: int, answer: str) -> None:
        self.suggested, self.answer = suggested, answer
        self._to_back()
        self.call_after_refresh(self._scroll_to_check)

    def _scroll_to_check(self) -> None:
        scroll = self.query_one("#card-scroll", VerticalScroll)
        back = self.view.query_one(".back")
        scroll.scroll_to_widget(back, animate=False, top=True)

    async def action_digit(self, digit: int) -> None:
        if self.phase == "choosing":
            from dlcards.tui.widgets.choice_card import ChoiceCardView  # loaded: choosing

            view = self.view
            if isinstance(view, ChoiceCardView):
                view.toggle(digit - 1)
        elif self.phase == "back" and digit <= 5:
            await self.grade(digit)

    async def action_accept(self) -> None:
        if self.phase == "back" and self.suggested is not None:
            await self.grade(self.suggested)

    async def on_grade_key_pressed(self, message: GradeKey.Pressed) -> None:
        message.stop()
        if self.phase == "back":
            await self.grade(message.grade)

    async def grade(self, quality: int) -> None:
        """Record the grade (committed when this returns), then show the next card."""
        assert self.item is not None
        item = self.item
        grading = partial(self.session.grade, item, quality, answer=self.answer)
        await write(self, self.dlcards_app.store, grading)
        notices.notify_leech(self, self.session.last_leech, item)
        await self._advance()

    async def _advance(self) -> None:
        item = self.session.next_card()
        if item is None:
            self.dlcards_app.tell_notices(self.session)
            self.post_message(self.Ended(self.session, finished=True))
            return
        await self.show_item(item)

    # --- undo, bury, edit, leave ------------------------------------------------------------

    async def action_undo(self) -> None:
        item = await write(self, self.dlcards_app.store, self.session.undo)
        if item is None:
            self.notify("Nothing to undo in this session yet.")
            return
        self.notify(
            f"{undone_text(self.session.last_undone, self.practice)} "
            f"“{item.ref.card_id}”: here it is again."
        )
        await self.show_item(item)

    async def action_bury(self) -> None:
        if self.item is None:
            return
        await write(self, self.dlcards_app.store, partial(self.session.put_aside, self.item))
        if self.practice:
            self.notify(f"Skipped “{self.item.ref.card_id}” for this practice.")
        else:
            self.notify(f"Buried “{self.item.ref.card_id}” until tomorrow.")
        await self._advance()

    async def action_skip(self) -> None:
        await self.action_bury()

    async def action_suspend(self) -> None:
        if self.item is None:
            return
        await write(self, self.dlcards_app.store, partial(self.session.suspend, self.item))
        self.notify(
            f"Suspended “{self.item.ref.card_id}”: it is not shown again until you "
            "unsuspend it in the card browser (/ on Home).",
            title="Suspended",
        )
        await self._advance()

    async def action_edit(self) -> None:
        if self.item is None:
            return
        collection = self.dlcards_app.edit_card(self.item.ref)
        if collection is None:
            return
        self.session.reload(collection)
        item = self.session.next_card()
        if item is None:
            self.post_message(self.Ended(self.session, finished=True))
            return
        keep_back = isinstance(item.card, BasicCard) and self.phase == "back"
        await self.show_item(item, revealed=keep_back)

    def action_leave(self) -> None:
        leave = partial(self.post_message, self.Ended(self.session, finished=False))
        if self.phase == "back" and self.suggested is not None and self.item is not None:
            notices.ask_before_leaving_ungraded(self, self.item, leave)  # known issue 25
        else:
            leave()

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # Before Screen's own handler. The first resume of the app's first screen would
        # style again every widget just styled as mounted (stylesheet and theme set):
        # 2–3 % of the calls to the first paint (issue 13). Later resumes restyle.
        if self._opening and not self._resumed:
            event.refresh_styles = False
        self._resumed = True
