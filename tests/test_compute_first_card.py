"""The first compute card without numpy (issue 13), and the lazy kernels package.

Compute Drills opens with a card whose params are all fixed and whose problem only
counts (a 12×12 input, a 3×3 kernel): it is shown, solved and explained without
importing numpy (~100 ms before the first paint), and an answer typed before numpy
is loaded is checked exactly as before.
"""

from __future__ import annotations

import inspect

import dlcards.kernels as K
from dlcards.kernels import arithmetic

from .conftest import python_output

FIRST_CARD = (
    "import sys\n"
    "from pathlib import Path\n"
    "from dlcards.deck import parse_deck\n"
    "from dlcards.study.compute import LazyRng, instance_for\n"
    "from dlcards.problems import get_problem\n"
    "path = Path('decks/compute-drills.toml')\n"
    "card = parse_deck(path, path.read_bytes()).cards[0]\n"
    "loaded = lambda: sorted(m for m in ('numpy', 'numpy.random') if m in sys.modules)\n"
    "print(card.id, loaded())\n"
    "instance = instance_for(card, None, LazyRng())\n"
    "problem = get_problem(instance.problem)\n"
    "print(problem.render(instance).text)\n"
    "print(problem.expected_text(instance), loaded())\n"
    "for answer in ('10x10', '10', '10 × 10', '9x9', '11x11', ''):\n"
    "    print(repr(answer), problem.check(instance, answer).status)\n"
)


def test_the_shipped_first_compute_card_is_shown_without_numpy_and_checked_exactly() -> None:
    lines = python_output(FIRST_CARD).splitlines()
    assert lines[0] == "conv-output-size-seed []"
    assert "12×12 input" in lines[1] and "kernel 3×3" in lines[1]
    # By hand: ⌊(12 − 3 + 2·0) / 1⌋ + 1 = 10 per side. Rendered, solved and explained
    # (instance_for does all three) with neither numpy nor numpy.random loaded.
    assert lines[2] == "10x10 []"
    # Answers checked before numpy was loaded: the check loads what it needs.
    assert lines[3:] == [
        "'10x10' correct",
        "'10' correct",
        "'10 × 10' correct",
        "'9x9' wrong",
        "'11x11' wrong",
        "'' blank",
    ]


def test_every_kernel_name_is_its_function_whatever_loads_first() -> None:
    # Importing a kernel submodule binds it to its name in the package: none may be
    # named as a kernel (the attention kernels import the softmax one first here).
    code = (
        "import sys, inspect\n"
        "import dlcards.kernels as K\n"
        "print('numpy' in sys.modules, K.conv_output_size(12, 3),"
        " K.receptive_field([(3, 1)] * 2))\n"
        "import dlcards.kernels.attention\n"
        "bad = [n for n in K.__all__ if not inspect.isfunction(getattr(K, n))"
        " or getattr(K, n).__name__ != n]\n"
        "print(bad, 'numpy' in sys.modules)\n"
    )
    assert python_output(code).split("\n")[:2] == ["False 10 5", "[] True"]


def test_the_lazy_kernel_table_names_every_kernel_once() -> None:
    counting = set(arithmetic.__all__) & set(K.__all__)
    assert counting == {"conv_output_size", "conv_params", "receptive_field"}
    assert set(K._HOMES) | counting == set(K.__all__)
    assert not set(K._HOMES) & counting
    for name, home in K._HOMES.items():
        assert inspect.getmodule(getattr(K, name)).__name__ == f"dlcards.kernels.{home}"
