"""Problem answers checked against real torch modules (skips without torch).

transformer_params: a decoder-only model built from torch.nn layers for each drawn
configuration; its parameter count (shared tensors once) must equal the answer.
conv_transpose_output_size and lstm_step: the shapes and values torch produces.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from dlcards.problems import get_problem

torch = pytest.importorskip("torch")
nn = torch.nn


class Block(nn.Module):
    def __init__(self, p: dict[str, Any]) -> None:
        super().__init__()
        d, ff, bias = p["d_model"], p["d_ff"], p["bias"]
        kv = p["n_kv_heads"] * (d // p["n_heads"])
        norm = (lambda: nn.LayerNorm(d)) if p["norm"] == "layernorm" else (lambda: nn.RMSNorm(d))
        self.norm1, self.norm2 = norm(), norm()
        self.q, self.k = nn.Linear(d, d, bias=bias), nn.Linear(d, kv, bias=bias)
        self.v, self.o = nn.Linear(d, kv, bias=bias), nn.Linear(d, d, bias=bias)
        self.up, self.down = nn.Linear(d, ff, bias=bias), nn.Linear(ff, d, bias=bias)
        if p["mlp"] == "swiglu":
            self.gate = nn.Linear(d, ff, bias=bias)


class Decoder(nn.Module):
    def __init__(self, p: dict[str, Any]) -> None:
        super().__init__()
        self.embed = nn.Embedding(p["vocab"], p["d_model"])
        self.blocks = nn.ModuleList(Block(p) for _ in range(p["n_layers"]))
        self.norm = (
            nn.LayerNorm(p["d_model"]) if p["norm"] == "layernorm" else nn.RMSNorm(p["d_model"])
        )
        self.head = nn.Linear(p["d_model"], p["vocab"], bias=False)
        if p["tied"]:
            self.head.weight = self.embed.weight


def test_transformer_params_match_a_torch_model() -> None:
    problem = get_problem("transformer_params")
    for level in (1, 2):
        for seed in range(25):
            inst = problem.make_instance(level=level, seed=seed)
            model = Decoder(inst.params)
            count = sum(p.numel() for p in model.parameters())  # shared tensors once
            assert problem.solve(inst.params) == count, inst


def test_conv_transpose_sizes_match_torch() -> None:
    problem = get_problem("conv_transpose_output_size")
    for level in problem.levels:
        for seed in range(40):
            p = problem.make_instance(level=level, seed=seed).params
            layer = nn.ConvTranspose2d(
                1,
                1,
                p["kernel_size"],
                stride=p["stride"],
                padding=p["padding"],
                output_padding=p["output_padding"],
                dilation=p["dilation"],
            )
            out = layer(torch.zeros(1, 1, p["size"], p["size"]))
            assert problem.solve(p) == out.shape[-1], p


def test_lstm_step_matches_torch_lstm_cell() -> None:
    problem = get_problem("lstm_step")
    for seed in range(40):
        p = problem.make_instance(level=3, seed=seed).params
        cell = nn.LSTMCell(1, 1).double()
        with torch.no_grad():
            cell.weight_ih.copy_(torch.tensor(p["w_ih"], dtype=torch.float64)[:, None])
            cell.weight_hh.copy_(torch.tensor(p["w_hh"], dtype=torch.float64)[:, None])
            cell.bias_ih.copy_(torch.tensor(p["b"], dtype=torch.float64))
            cell.bias_hh.zero_()
        x = torch.tensor([[float(p["x"])]], dtype=torch.float64)
        h = torch.tensor([[float(p["h"])]], dtype=torch.float64)
        c = torch.tensor([[float(p["c"])]], dtype=torch.float64)
        _, c_new = cell(x, (h, c))
        np.testing.assert_allclose(problem.solve(p), c_new.item(), rtol=1e-10, atol=1e-12)
