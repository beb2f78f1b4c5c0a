"""Practice in line mode (``dlcards practice --plain``): the study prompts, a practice summary."""

from __future__ import annotations

from typing import Any

from dlcards.plain import PlainSession
from dlcards.plain_text import wrapped
from dlcards.study.empty import no_cards_reason
from dlcards.study.items import QueueItem
from dlcards.study.practice import PracticeSession, minimal_hint
from dlcards.study.queue import select_refs
from dlcards.wording import clock_text


class PlainPractice(PlainSession[PracticeSession]):
    """A practice session in line mode: the same prompts, a practice summary.

    In interview mode a compute card shows no constants and only the minimal
    answer format, and every answer is followed by the time it took.
    """

    def _kind(self, item: QueueItem) -> str:
        return "interview" if self.session.interview else "practice"

    def _buried_text(self, item: QueueItem) -> str:
        return f"Skipped {item.ref.card_id} for this practice."

    def _unscheduled_note(self) -> str:
        return "Practice: the schedule is unchanged, whatever the grade."

    def _prompt_text(self, rendered: Any) -> str:
        if not self.session.interview:
            return rendered.to_text()

        parts = [rendered.text, *(g.to_text() for g in rendered.grids)]
        parts.append(f"Answer: {minimal_hint(rendered.answer_hint)}")
        return "\n\n".join(parts)

    def _grade(self, item: QueueItem, suggested: int | None, answer: str | None) -> None:
        if self.session.interview:
            seconds = self.session.timer() - item.shown_at
            self.say(f"Time: {clock_text(seconds)}")
        super()._grade(item, suggested, answer)

    def _nothing_due(self) -> str:
        session = self.session
        if not session.refs:
            if not select_refs(session.collection, session.deck_ids, session.tags):
                # The decks or tags select nothing: say which (the tag matching no card).
                reason = no_cards_reason(session.collection, session.deck_ids, session.tags, None)
                return wrapped(f"No cards to practise: {reason}")
            if session.compute_only:
                why = "no card chosen is a compute card (suspended ones are left out)"
                return wrapped(f"No cards to practise: {why}. Check --deck and --tag.")
            return wrapped(
                "No cards to practise: every card chosen is suspended; "
                "'dlcards cards unsuspend DECK:CARD' brings one back."
            )
        return "Nothing to practise."

    def _summary(self) -> None:
        summary = self.session.summary()
        accuracy = f"{summary.accuracy:.0%}" if summary.accuracy is not None else "—"
        self.say(
            wrapped(
                f"Practice over: {summary.right} of {summary.answered} right ({accuracy}); "
                f"time {clock_text(summary.seconds)}. The schedule is unchanged."
            )
        )
        if summary.topics:
            self.say("By topic (weakest first):")
            for topic in summary.topics:
                self.say(f"  {topic.topic}: {topic.right}/{topic.total} ({topic.accuracy:.0%})")
        if summary.slowest:
            self.say("Slowest answers:")
            for slow in summary.slowest:
                self.say(
                    f"  {clock_text(slow.seconds)}  {slow.ref.deck_id}:{slow.ref.card_id} "
                    f"(grade {slow.grade})"
                )
