"""Issue 13 #8: plain mode shows card Markdown as readable text, not as its source."""

from __future__ import annotations

from pathlib import Path

from dlcards.plain import readable

from .conftest import run_cli, write_deck

CARD = [
    r'''[[cards]]
    id = "softmax"
    front = "What does **softmax** compute for logit z\\_i?"
    back = """
**exp(z\\_i) / Σⱼ exp(z\\_j)**, a probability distribution.\\
Subtract max(z) first for stability.

```python
p = torch.softmax(z, dim=-1)  # **not** emphasis in code
```
"""''',
    r"""[[cards]]
    id = "pick"
    type = "choice"
    front = "Which is an *activation*?"
    choices = ["`ReLU`", "Adam"]
    correct = [0]""",
]


def test_readable_drops_markdown_syntax_and_keeps_code() -> None:
    text = readable("**Bold** and z\\_i, then a break\\\nhere.\n\n```python\nx = a**2\n```")
    assert "**" not in text.split("x = a")[0] and "\\" not in text
    assert "Bold and z_i, then a break\nhere." in text
    assert "x = a**2" in text  # code as written


def test_plain_study_prints_readable_text(tmp_path: Path) -> None:
    deck = write_deck(tmp_path / "decks", "md", CARD, name="Markdown")
    result = run_cli(
        tmp_path / "home",
        "--deck-path",
        str(deck),
        "study",
        "--deck",
        "md",
        now="2026-03-02T09:30:00+00:00",
        input="\n4\n1\n\n",
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "What does softmax compute for logit z_i?" in out
    assert "exp(z_i) / Σⱼ exp(z_j), a probability distribution.\nSubtract max(z)" in out
    assert "p = torch.softmax(z, dim=-1)  # **not** emphasis in code" in out
    assert "Which is an activation?" in out and "1. ReLU" in out
    assert "\\_" not in out and "**exp" not in out and "`ReLU`" not in out
