"""The tuple answer kind: named parts typed as ``(a, b)`` or ``a, b``, each with its own
kind, or labelled as the live preview shows them (``v = 0.1, x = -2.9``)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from dlcards import answers as A
from dlcards.answers import AnswerError
from dlcards.problems.kinds import Compared, Kind, Words

# A label before "=" or ":" (not "==" or ":="), the value after it.
_LABEL = re.compile(r"\s*([^=:]+?)\s*[=:](?![=:])")


def _label_key(text: str) -> str:
    return " ".join(A.normalize(text).lower().split())


class Tuple(Kind):
    """Named parts typed as ``(a, b)`` or ``a, b``, each with its own kind."""

    def __init__(self, parts: Sequence[tuple[str, Kind]], hint: str) -> None:
        self.parts = list(parts)
        self.hint = hint
        # a trailing word part may contain spaces ("too high")
        self.rest_last = isinstance(self.parts[-1][1], Words)

    def parse(self, text: str) -> tuple[Any, ...]:
        pieces = self._unlabelled(A.split_tuple(text, len(self.parts), rest_last=self.rest_last))
        values = []
        for (name, kind), piece in zip(self.parts, pieces, strict=True):
            try:
                values.append(kind.parse(piece))
            except AnswerError as exc:
                raise AnswerError(f"{name}: {exc}") from None
        return tuple(values)

    def _unlabelled(self, pieces: list[str]) -> list[str]:
        """Pieces typed as the preview shows them (``v = 0.1, x = -2.9``), in part order.

        A label must name a part; labelled pieces may come in any order, but either
        every piece is labelled or none is.
        """
        names = {_label_key(name): index for index, (name, _) in enumerate(self.parts)}
        found: dict[int, str] = {}
        for piece in pieces:
            # "v = 0.1" as the preview writes it, or "v: 0.1" as a dict or a log line does.
            match = _LABEL.match(piece)
            label, value = (match.group(1), piece[match.end() :]) if match else ("", piece)
            index = names.get(_label_key(label)) if match else None
            if index is None:
                if found:
                    raise AnswerError(f"label every value or none: '{piece.strip()[:30]}'")
                if match and len(pieces) == len(self.parts) and label.strip().isidentifier():
                    wanted = ", ".join(name for name, _ in self.parts)
                    raise AnswerError(f"'{label.strip()[:20]}' is not one of {wanted}")
                return pieces
            if index in found:
                raise AnswerError(f"{self.parts[index][0]} is given twice")
            found[index] = value.strip()
        return [found[index] for index in range(len(self.parts))]

    def format(self, value: tuple[Any, ...]) -> str:
        texts = [k.format(v) for (_, k), v in zip(self.parts, value, strict=True)]
        return "(" + ", ".join(texts) + ")"

    def compare(self, got: tuple[Any, ...], want: tuple[Any, ...]) -> Compared:
        results = [k.compare(g, w)[0] for (_, k), g, w in zip(self.parts, got, want, strict=True)]
        if all(r == "correct" for r in results):
            return "correct", "Correct."
        detail = ", ".join(
            f"{name} {'right' if r == 'correct' else r}"
            for (name, _), r in zip(self.parts, results, strict=True)
        )
        if "wrong" not in results:
            return "close", f"Close: {detail}."
        return "wrong", f"Wrong: {detail}."

    def show(self, value: tuple[Any, ...]) -> str:
        return ", ".join(
            f"{name} = {k.format(v)}" for (name, k), v in zip(self.parts, value, strict=True)
        )
