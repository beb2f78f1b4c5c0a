"""Line-mode study (DESIGN §7): for pipes, scripts, screen readers and ``--plain``.

At every prompt ``q`` ends the session, ``u`` undoes the last grade, bury or suspension, ``b``
buries the card, ``s`` suspends it and ``?`` prints help. A grade is committed
to the database before the next prompt is printed. ``PlainPractice`` (plain_practice.py) drives a
practice session (``dlcards practice --plain``) through the same prompts.
"""

from __future__ import annotations

import re
import time
from datetime import date
from pathlib import Path
from typing import Any, Generic, TextIO, TypeVar

from dlcards.cards import BasicCard, Card, ChoiceCard, ComputeCard, source_line
from dlcards.plain_text import WIDTH, hanging, wrapped
from dlcards.scheduler import GRADE_LABELS
from dlcards.study.empty import no_cards_reason, nothing_due_parts
from dlcards.study.items import QueueItem
from dlcards.study.protocol import Session, undone_text
from dlcards.study.session import StudySession
from dlcards.textsafe import safe_text
from dlcards.typed_answer import is_right
from dlcards.wording import clock_text, plural, unicode_minus

HELP = """\
Keys, typed at any prompt and then Enter:
  q  end the session (every grade so far is saved)
  u  undo the last grade, bury or suspension and see that card again
  b  bury this card until tomorrow
  s  suspend this card (until 'dlcards cards unsuspend DECK:CARD')
  ?  this help
Grades: 0 blackout · 1 wrong, the answer recognized · 2 wrong, but easy once shown ·
        3 right, with serious effort · 4 right after hesitation · 5 perfect
Compute answers go on one line: matrix rows separated by ';' (e.g. 1 2; 3 4);
an empty line means "I don't know"."""

_CHOICE_SPLIT = re.compile(r"[\s,]+")


class _Quit(Exception):
    pass


class _Command(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def readable(markdown: str, width: int = WIDTH) -> str:
    """Card Markdown as plain text a person (or a screen reader) reads as meant.

    ``**bold**`` loses its stars, ``z\\_i`` its backslash, a trailing ``\\`` becomes
    a line break, lists get bullets and code stays as written (Rich renders it; no
    colour, no control sequences).
    """
    import io

    from rich.console import Console
    from rich.markdown import Markdown

    from dlcards.mathtext import shown

    out = io.StringIO()
    console = Console(
        file=out,
        width=width,
        color_system=None,
        force_terminal=False,
        emoji=False,
        highlight=False,
        markup=False,
    )
    # MathJax first (issue 12): \(x_i^2\) reads xᵢ², escaped so Markdown keeps it.
    console.print(Markdown(shown(markdown), hyperlinks=False))
    text = "\n".join(line.rstrip() for line in out.getvalue().splitlines())
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


S = TypeVar("S", bound=Session)


class PlainSession(Generic[S]):
    """Drives a ``Session`` over a pair of text streams; the subclasses say what differs."""

    def __init__(self, session: S, stdin: TextIO, stdout: TextIO) -> None:
        self.session: S = session
        self.stdin = stdin
        self.stdout = stdout

    def say(self, text: str = "") -> None:
        # Card text never drives the terminal (issue 11 #9): every line passes here.
        self.stdout.write(safe_text(text) + "\n")
        self.stdout.flush()

    def ask(self, prompt: str) -> str:
        """One line of input; the session-wide keys are handled here."""
        while True:
            self.stdout.write(safe_text(prompt))
            self.stdout.flush()
            line = self.stdin.readline()
            if not line:  # end of input: finish as if q was typed
                self.say()
                raise _Quit
            answer = line.strip()
            if answer == "q":
                raise _Quit
            if answer == "?":
                self.say(HELP)
                continue
            if answer in ("u", "b", "s"):
                raise _Command(answer)
            return answer

    # --- the loop ------------------------------------------------------------

    def run(self) -> int:
        session = self.session
        first = session.next_card()
        self._say_notices()
        if first is None:
            self.say(self._nothing_due())
            return 0
        try:
            while (item := session.next_card()) is not None:
                self._say_notices()
                try:
                    self._show(item)
                except _Command as command:
                    self._command(command.key, item)
        except _Quit:
            pass
        self._summary()
        return 0

    def _command(self, key: str, item: QueueItem) -> None:
        if key == "b":
            self.session.put_aside(item)
            self.say(self._buried_text(item))
            return
        if key == "s":
            self.session.suspend(item)
            self.say(
                f"Suspended {item.ref.card_id}: it is not shown again until "
                f"'dlcards cards unsuspend {item.ref.deck_id}:{item.ref.card_id}'."
            )
            return
        undone = self.session.undo()
        if undone is None:
            self.say("Nothing to undo in this session.")
        else:
            card_id, action = undone.ref.card_id, self.session.last_undone
            if action == "grade":
                self.say(f"Undid the last grade ({card_id}); here it is again.")
            else:
                self.say(f"{undone_text(action, practice=False)} {card_id}; here it is again.")

    def _say_notices(self) -> None:
        """Cards the session set aside because they cannot be shown (their deck needs fixing)."""
        for notice in self.session.notices:
            self.say(notice)
        self.session.notices.clear()

    def _buried_text(self, item: QueueItem) -> str:
        raise NotImplementedError

    def _kind(self, item: QueueItem) -> str:
        raise NotImplementedError

    def _header(self, item: QueueItem) -> str:
        done, left = self.session.done(), self.session.remaining()
        tags = f" · {', '.join(item.ref.tags)}" if item.ref.tags else ""
        leech = " · LEECH" if self.session.is_leech(item) else ""
        counts = f"{done} done, {left} left" if left is not None else f"{done} done"
        return f"── {item.ref.deck_id} · {self._kind(item)}{leech}{tags} · {counts} ──"

    def _show(self, item: QueueItem) -> None:
        self.say()
        self.say(self._header(item))
        if self.session.is_leech(item):
            lapses = item.state.lapses if item.state else 0
            self.say(
                f"⚠ Leech: forgotten {lapses} times. Consider rewriting it, or "
                "suspending it with s."
            )
        card = item.card
        if isinstance(card, BasicCard) and card.answer:
            # A typed-answer card from Anki ({{type:F}}): compared as Anki does,
            # ignoring case and spacing at the ends.
            self.say(readable(card.front))
            typed = self.ask("Type the answer (q quit, u undo, b bury, s suspend, ? help): ")
            right = is_right(typed, card.answer)
            self.say(("✓ Right." if right else "✗ Wrong.") + f" Answer: {card.answer}")
            self.say(readable(card.back))
            self._cite(card)
            self._grade(item, 4 if right else 1, typed)
        elif isinstance(card, BasicCard):
            self.say(readable(card.front))
            self.ask("[Enter] show answer (q quit, u undo, b bury, s suspend, ? help): ")
            self.say(readable(card.back))
            self._cite(card)
            self._grade(item, None, None)
        elif isinstance(card, ChoiceCard):
            self._choice(item, card)
        elif isinstance(card, ComputeCard):
            self._compute(item, card)

    def _grade(self, item: QueueItem, suggested: int | None, answer: str | None) -> None:
        intervals = self.session.intervals(item)
        if intervals is not None:
            parts = [f"{q} → {plural(d, 'day')}" for q, d in intervals.items()]
            # One line whatever its length: a script reads a grade's interval off it.
            self.say("Next review after grade " + " · ".join(parts))
        else:
            self.say(self._unscheduled_note())
        prompt = f"Grade 0-5 [{suggested}]: " if suggested is not None else "Grade 0-5: "
        while True:
            line = self.ask(prompt)
            if line == "" and suggested is not None:
                quality = suggested
                break
            if len(line) == 1 and line in "012345":
                quality = int(line)
                break
            self.say(
                wrapped(
                    "Type one digit from 0 to 5 ("
                    + ", ".join(f"{q} {label}" for q, label in GRADE_LABELS.items())
                    + ")."
                )
            )
        self.session.grade(item, quality, answer=answer)
        self.say(f"Saved: {quality} ({GRADE_LABELS[quality]}).")
        if self.session.last_leech == "suspended":
            self.say(
                f"{item.ref.card_id} is a leech and was suspended (leech_action = "
                '"suspend"); rewrite it, then \'dlcards cards unsuspend '
                f"{item.ref.deck_id}:{item.ref.card_id}'."
            )
        elif self.session.last_leech == "tagged":
            self.say(
                f"{item.ref.card_id} is now a leech: it keeps being forgotten. "
                "Consider rewriting or suspending it."
            )

    def _unscheduled_note(self) -> str:
        raise NotImplementedError

    def _choice(self, item: QueueItem, card: ChoiceCard) -> None:
        self.say(readable(card.front))
        for number, choice in enumerate(card.choices, start=1):
            label = f"  {number}. "
            self.say(hanging(label, readable(choice, width=WIDTH - len(label))))
        count = len(card.choices)
        while True:
            line = self.ask(f"Your choice (numbers 1-{count}, separated by commas or spaces): ")
            picked = parse_choice(line, count)
            if picked is not None:
                break
            self.say(f"Type the numbers of the right choices, from 1 to {count}, e.g. 1, 3.")
        right = set(picked) == {i + 1 for i in card.correct}
        correct_text = ", ".join(str(i + 1) for i in sorted(card.correct))
        self.say(("✓ Right." if right else "✗ Wrong.") + f" Correct: {correct_text}")
        if card.back.strip():
            self.say(readable(card.back))
        self._cite(card)
        self._grade(item, 4 if right else 1, ", ".join(str(i) for i in sorted(picked)))

    def _compute(self, item: QueueItem, card: ComputeCard) -> None:
        from dlcards.problems import AnswerError, get_problem

        assert item.instance is not None
        problem = get_problem(item.instance.problem)
        if card.front.strip():
            self.say(readable(card.front))
        rendered = problem.render(item.instance)
        self.say(wrapped(self._prompt_text(rendered)))
        started = time.monotonic()
        while True:
            # The rendered text already ends with how to type the answer.
            line = self.ask("Your answer (empty = don't know): ")
            try:
                verdict = problem.check(item.instance, line, time.monotonic() - started)
                break
            except AnswerError as exc:
                self.say(wrapped(str(exc)))
        marks = {"correct": "✓", "close": "≈", "wrong": "✗", "blank": "·"}
        self.say(wrapped(f"{marks.get(verdict.status, '')} {verdict.message}".strip()))
        self.say(f"Expected: {unicode_minus(verdict.expected)}")
        # DESIGN §7's order: verdict, expected answer, worked solution, mistake note.
        steps = problem.explain(item.instance)
        if steps:
            self.say("Solution:")
            for number, step in enumerate(steps, start=1):
                self.say(hanging(f"  {number}. ", step))
        if verdict.mistake:
            self.say(hanging("Mistake: ", verdict.mistake))
        if card.back.strip():
            self.say(readable(card.back))
        self._cite(card)
        self._grade(item, verdict.suggested_grade, line)

    def _cite(self, card: Card) -> None:
        if card.source:
            line = source_line(card.source)
            label = line[: line.index(": ") + 2]  # "Source: " or "Sources: "
            self.say(hanging(label, line[len(label) :]))

    def _prompt_text(self, rendered: Any) -> str:
        return rendered.to_text()

    # --- messages ------------------------------------------------------------

    def _nothing_due(self) -> str:
        raise NotImplementedError

    def _summary(self) -> None:
        raise NotImplementedError


class PlainStudy(PlainSession[StudySession]):
    """A study session in line mode; ``decks_dir`` is where an empty state says decks go."""

    def __init__(
        self,
        session: StudySession,
        stdin: TextIO,
        stdout: TextIO,
        decks_dir: Path | None = None,
    ) -> None:
        super().__init__(session, stdin, stdout)
        self.decks_dir = decks_dir

    def _buried_text(self, item: QueueItem) -> str:
        return f"Buried {item.ref.card_id} until tomorrow."

    def _kind(self, item: QueueItem) -> str:
        return "re-drill" if item.drill else "new" if item.is_new else "review"

    def _unscheduled_note(self) -> str:
        return "Re-drill: a grade of 4 or 5 ends it for today; the schedule is unchanged."

    def _nothing_due(self) -> str:
        session = self.session
        if not session.refs:
            reason = no_cards_reason(
                session.collection, session.deck_ids, session.tags, self.decks_dir
            )
            return wrapped(f"No cards to study: {reason}")
        return wrapped(" ".join(nothing_due_parts(session, date.isoformat)))

    def _summary(self) -> None:
        summary = self.session.summary()
        accuracy = f"{summary.accuracy:.0%}" if summary.accuracy is not None else "—"
        # The time as plain practice and the clocks write it (wording.clock_text).
        self.say(
            wrapped(
                f"Session over: {plural(summary.reviewed, 'card')}, {summary.passed} of "
                f"{plural(summary.grades, 'grade')} right ({accuracy}), "
                f"{plural(summary.drills, 're-drill')}; time {clock_text(summary.seconds)}. "
                f"Due tomorrow: {summary.due_tomorrow}."
            )
        )


def parse_choice(line: str, count: int) -> list[int] | None:
    """Numbers 1..count separated by commas or spaces, or None if that is not what was typed."""
    parts = [p for p in _CHOICE_SPLIT.split(line.strip()) if p]
    if not parts or not all(p.isdigit() for p in parts):
        return None
    numbers = sorted({int(p) for p in parts})
    if any(not 1 <= n <= count for n in numbers):
        return None
    return numbers
