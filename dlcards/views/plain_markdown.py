"""Card Markdown as plain text, for line mode (pipes, scripts, screen readers)."""

from __future__ import annotations

import re


def readable(markdown: str, width: int = 88) -> str:
    """Card Markdown as plain text a person (or a screen reader) reads as meant.

    ``**bold**`` loses its stars, ``z\\_i`` its backslash, a trailing ``\\`` becomes
    a line break, lists get bullets and code stays as written (Rich renders it; no
    colour, no control sequences).
    """
    import io

    from rich.console import Console
    from rich.markdown import Markdown

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
    console.print(Markdown(markdown.strip(), hyperlinks=False))
    text = "\n".join(line.rstrip() for line in out.getvalue().splitlines())
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")
