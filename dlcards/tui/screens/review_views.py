"""The Review screen's card views: one of four kinds per card, and the phase it opens in.

Each view's module loads when a card of its kind is first shown, not with Review:
a session of basic cards never imports the problems, nor a compute session Markdown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Literal, TypeAlias

from dlcards.cards import BasicCard, ChoiceCard, ComputeCard
from dlcards.study.items import QueueItem

if TYPE_CHECKING:
    from dlcards.tui.widgets.basic_card import BasicCardView
    from dlcards.tui.widgets.choice_card import ChoiceCardView
    from dlcards.tui.widgets.compute_card import ComputeCardView
    from dlcards.tui.widgets.typed_card import TypedCardView

    CardView: TypeAlias = BasicCardView | ChoiceCardView | ComputeCardView | TypedCardView

# front: a basic card's question; choosing: options being toggled; typing: a compute or
# typed ({{type:F}}) answer not yet checked; back: answer shown, waiting for a grade.
Phase = Literal["front", "choosing", "typing", "back"]


def card_view(
    item: QueueItem, timer: Callable[[], float], *, interview: bool, revealed: bool = False
) -> tuple[CardView, Phase]:
    """The view that shows ``item`` (``timer``: the session's clock, for a compute
    answer's time) and the phase the screen is then in."""
    card = item.card
    if isinstance(card, ChoiceCard):
        from dlcards.tui.widgets.choice_card import ChoiceCardView

        return ChoiceCardView(card, interview=interview), "choosing"
    if isinstance(card, ComputeCard):
        from dlcards.problems import get_problem
        from dlcards.tui.widgets.compute_card import ComputeCardView

        assert item.instance is not None
        problem = get_problem(item.instance.problem)

        def seconds() -> float:
            return timer() - item.shown_at

        return ComputeCardView(card, item.instance, problem, seconds, interview=interview), "typing"
    if card.answer and not revealed:  # a typed-answer card ({{type:F}} from Anki)
        from dlcards.tui.widgets.typed_card import TypedCardView

        return TypedCardView(card), "typing"
    from dlcards.tui.widgets.basic_card import BasicCardView

    assert isinstance(card, BasicCard)
    return BasicCardView(card, revealed=revealed), "back" if revealed else "front"
