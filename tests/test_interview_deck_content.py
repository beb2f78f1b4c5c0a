"""The interview deck's content guarantees from issue 15: sources, legacy trivia, runnable code.

The code on a card is what a reader will paste into a notebook, so the cards whose code is
the answer are executed here against a real torch model (skipped when torch is absent).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dlcards.collection import CardRef
from dlcards.deck import parse_deck
from dlcards.study.practice import topic_of

DECK = Path(__file__).resolve().parent.parent / "decks" / "deep-learning-interview.toml"


def cards() -> dict:
    deck = parse_deck(DECK, DECK.read_bytes())
    return {card.id: card for card in deck.cards}


def python_block(card_id: str) -> str:
    blocks = re.findall(r"```python\n(.*?)```", cards()[card_id].back, re.S)
    assert len(blocks) == 1, f"{card_id}: expected one python block"
    return blocks[0]


def test_every_card_names_its_source() -> None:
    missing = []
    for card in cards().values():
        source = card.source
        entries = [source] if isinstance(source, str) else (source or [])
        if not entries or not all(isinstance(s, str) and s.strip() for s in entries):
            missing.append(card.id)
    assert not missing, f"cards without a source: {missing}"


def test_no_citation_holds_the_separator_of_the_anki_source_line() -> None:
    # Exports join several citations with "; " on one "Sources:" line; a citation that
    # itself holds "; " would come back from Anki split in two if the line is edited.
    joined = []
    for card in cards().values():
        source = card.source
        entries = [source] if isinstance(source, str) else (source or [])
        joined += [f"{card.id}: {entry}" for entry in entries if "; " in entry]
    assert not joined


def test_r_packages_card_is_kept_but_filed_as_legacy_trivia() -> None:
    card = cards()["r-packages-for-neural-networks"]
    ref = CardRef("deep-learning-interview", card.id, 0, card.type, tuple(card.tags), 0)
    assert topic_of(ref) == "legacy"


def test_split_cards_sit_right_after_the_card_that_kept_the_old_id() -> None:
    ids = list(cards())
    for kept, new in [
        ("pytorch-hooks-activation-gradient-stats", "per-parameter-gradient-norms-logging"),
        ("learning-curve-shapes-diagnosis", "loss-curve-shape-learning-rate"),
    ]:
        assert ids.index(new) == ids.index(kept) + 1


def test_dead_relu_hook_survives_a_relu_module_reused_at_two_widths() -> None:
    torch = pytest.importorskip("torch")
    nn = torch.nn

    class Bottleneck(nn.Module):
        # torchvision's pattern: one nn.ReLU called after layers of different widths
        def __init__(self) -> None:
            super().__init__()
            self.reduce = nn.Conv2d(8, 2, 1)
            self.expand = nn.Conv2d(2, 8, 1)
            self.relu = nn.ReLU(inplace=True)

        def forward(self, x):
            return self.relu(self.expand(self.relu(self.reduce(x))) + x)

    torch.manual_seed(0)
    model = nn.Sequential(Bottleneck(), nn.Flatten(), nn.Linear(8 * 4 * 4, 3), nn.ReLU())
    with torch.no_grad():
        model[0].reduce.bias[0] = -1e4  # channel 0 of the narrow call site is dead
        model[2].bias[:] = torch.tensor([-1e4, 1e4, 1e4])  # unit 0 of the last ReLU is dead
    namespace = {"torch": torch, "nn": nn, "model": model}
    exec(python_block("detect-dead-relu-units"), namespace)
    model.eval()
    with torch.no_grad():
        for _ in range(3):
            model(torch.randn(16, 8, 4, 4))
    dead = {key: mask.tolist() for key, mask in namespace["dead"].items()}
    assert dead[("0.relu", 0)] == [True, False]  # narrow call: 2 channels
    assert len(dead[("0.relu", 1)]) == 8  # wide call keyed apart, not crashed into
    assert dead[("3", 0)] == [True, False, False]


def test_activation_hook_and_gradient_norm_snippets_run() -> None:
    torch = pytest.importorskip("torch")
    nn = torch.nn
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 2))
    namespace = {"torch": torch, "nn": nn, "model": model}
    exec(python_block("pytorch-hooks-activation-gradient-stats"), namespace)
    loss = model(torch.randn(5, 3, 8, 8)).pow(2).mean()
    assert set(namespace["stats"]) == {"act_std/0", "act_std/3"}

    class Step:
        def step(self) -> None:
            pass

    namespace.update(loss=loss, optimizer=Step())
    exec(python_block("per-parameter-gradient-norms-logging"), namespace)
    norms = namespace["norms"]
    total = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1e9)
    assert sum(n**2 for n in norms.values()) ** 0.5 == pytest.approx(total.item(), rel=1e-5)
