"""Sub- and superscripts (``<sub>``, ``<sup>``) as text that keeps their meaning.

``x<sup>2</sup>`` is x², ``H<sub>2</sub>O`` is H₂O: Unicode has sub/superscript
forms for digits, signs, brackets and most Latin letters. Where one character has
none (a superscript q, a Greek subscript), the whole script is written visibly
as ``^(…)`` or ``_(…)``, never run into the text (``x2``, ``H2O``) as before.
The deck keeps Anki's own HTML beside this text, so the export is unchanged.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

_SUPER = dict(
    zip(
        "0123456789+-=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVWαβγδεθιφχ",
        "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂᵅᵝᵞᵟᵋᶿᶥᵠᵡ",
        strict=True,
    )
)
_SUB = dict(
    zip(
        "0123456789+-=()aehijklmnoprstuvxβγρφχ",
        "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ",
        strict=True,
    )
)
_SUPER["−"] = "⁻"  # the minus sign Anki users type
_SUPER["⊤"] = _SUPER["⊺"] = "ᵀ"  # a transpose
_SUPER["′"] = "′"
_SUPER["*"] = "*"
_SUB["−"] = "₋"
# Every character a script may become.
SCRIPT_CHARS = frozenset(_SUPER.values()) | frozenset(_SUB.values())
# A script holding no other script; bounded, so a hostile field stays linear.
SCRIPT = re.compile(r"<(sup|sub)\b[^<>]{0,200}>((?:(?!</?su[bp]\b)[^\x00]){0,400}?)</\1\s*>", re.I)
_TAG = re.compile(r"<[^<>]*>")


@lru_cache(maxsize=4096)  # the same few scripts (x², H₂O) recur from note to note
def script_text(kind: str, inner_html: str) -> str:
    """The text for one ``<sup>``/``<sub>`` element's content."""
    text = " ".join(html.unescape(_TAG.sub("", inner_html)).split())
    if not text:
        return ""
    table = _SUPER if kind.lower() == "sup" else _SUB
    if all(ch in table for ch in text):
        return "".join(table[ch] for ch in text)
    return f"{'^' if kind.lower() == 'sup' else '_'}({text})"
