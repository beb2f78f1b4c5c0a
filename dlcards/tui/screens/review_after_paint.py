"""What the Review screen does once a card is painted: the grade bar's keys, numpy, CSS.

Both wait for the paint so that the first card is not slowed by them (issue 13).
"""

from __future__ import annotations

from typing import Any

from dlcards.tui.launch import preload_numpy
from dlcards.tui.screens import SCREENS_CSS
from dlcards.tui.widgets.grade_bar import GradeBarAfterPaint


class AfterCardPaint(GradeBarAfterPaint):
    """Mixed into ReviewScreen. Once the first card is painted, numpy (~100 ms) loads in
    a thread when the collection has compute cards: a compute card after a basic one,
    and a compute answer's check, then find it loaded. Started before the paint, that
    thread competed with Textual's start for the GIL and the cores."""

    session: Any  # the screen's Session (an annotation only: nothing here shadows it)
    app: Any  # the screen's app (likewise)
    _numpy_preloading = False

    def on_after_first_paint_painted(self) -> None:
        # The grade bar's handler (GradeBarAfterPaint) runs too: Textual calls the
        # handler each class in the MRO defines.
        stylesheet = self.app.stylesheet
        if not stylesheet.has_source(str(SCREENS_CSS)):
            # The other screens' rules, when the app opened on Review: read now, parsed
            # with the next widgets styled (the card's back), so the first other screen
            # shown does not parse every stylesheet again (Textual's screen CSS_PATH).
            stylesheet.read(SCREENS_CSS)
        if not self._numpy_preloading and self.session.collection.has_type("compute"):
            self._numpy_preloading = True
            preload_numpy()
