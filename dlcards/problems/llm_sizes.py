"""LLM-scale arithmetic: parameter counts and KV-cache bytes.

transformer_params
    params: ``vocab``, ``d_model``, ``n_layers``, ``n_heads``, ``n_kv_heads`` (GQA;
    equal to ``n_heads`` for multi-head attention), ``d_ff``, ``mlp`` (``"mlp"``: two
    matrices with a nonlinearity; ``"swiglu"``: gate, up and down matrices),
    ``norm`` (``"layernorm"``: γ and β; ``"rmsnorm"``: γ only), ``tied`` (the output
    head reuses the embedding matrix), ``bias`` (every linear layer inside a block has
    a bias; the output head never has one, as in GPT-2).
    A decoder-only model with no learned position embeddings (RoPE): embeddings,
    per layer two norms, Q/K/V/O projections and the MLP, a final norm, the head.
    Levels: 1 a toy model (exact); 2 small models with GQA or SwiGLU (exact);
    3 7B-scale configurations (±0.1 %, 6.74e9 style accepted).

kv_cache_size
    params: ``n_layers``, ``n_heads``, ``n_kv_heads`` (MHA: equal; GQA: fewer; MQA:
    1), ``head_dim``, ``seq_len``, ``batch`` (1), ``dtype`` (bf16), ``unit`` (bytes).
    bytes = 2 (K and V) · layers · KV heads · head_dim · tokens · batch · bytes per
    element. Levels: 1 toy sizes in bytes (exact); 2 MiB with GQA/MQA; 3 7B-scale in
    GiB or GB (±0.1 %).
"""

from __future__ import annotations

from typing import Any

from dlcards.problems.base import Mistakes, Picker, Problem
from dlcards.problems.core import Grid
from dlcards.problems.fmt import num
from dlcards.problems.kinds import EXACT, Kind, Scalar, Tol
from dlcards.wording import plural

REL = Tol(rel=1e-3)
DTYPE_BYTES = {"fp32": 4, "fp16": 2, "bf16": 2, "fp8": 1, "int8": 1}
UNIT_BYTES = {"bytes": 1, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "MB": 10**6, "GB": 10**9}
_DECIMAL_TWIN = {"KiB": "bytes", "MiB": "MB", "GiB": "GB", "MB": "MiB", "GB": "GiB"}


def _fit(options: list[int], ok: Any, fallback: int | None = None) -> list[int]:
    """The options that satisfy ``ok``; else ``[fallback]`` (or all, to let the filter reject)."""
    good = [x for x in options if ok(x)]
    return good or ([fallback] if fallback is not None else options)


def _sci(value: float) -> str:
    """``1.56e20`` (no ``+`` in the exponent, 4 significant digits)."""
    return f"{value:.4g}".replace("e+", "e")


def _big(value: float) -> str:
    """``6738415616`` → ``6,738,415,616`` for prose."""
    return f"{round(value):,}"


def transformer_count(p: dict[str, Any], **change: Any) -> int:
    """Parameters of the decoder-only model; ``change`` overrides params or counting rules."""
    q = p | change
    d, L, v, ff = q["d_model"], q["n_layers"], q["vocab"], q["d_ff"]
    hd = d // q["n_heads"]
    kv = q["n_kv_heads"] * hd
    bias = q["bias"]
    attn = d * d + 2 * d * kv + d * d + (2 * d + 2 * kv if bias else 0)
    mats = 3 if q["mlp"] == "swiglu" and not q.get("_two_mats") else 2
    mlp = mats * d * ff + ((mats - 1) * ff + d if bias else 0)
    norm = (2 if q["norm"] == "layernorm" else 1) * d
    layer = attn + mlp + (0 if q.get("_no_norms") else 2 * norm)
    head = 0 if q.get("_no_head") else (v * d if not q["tied"] or q.get("_tied_twice") else 0)
    embed = 0 if q.get("_no_embed") else v * d
    return int(L * layer + (0 if q.get("_no_norms") else norm) + embed + head)


def _bias_and_head(p: dict[str, Any]) -> str:
    """Which linear layers have biases, and what the output head is."""
    # The expected count has no output-head bias (GPT-2's convention). The head is a linear
    # layer too, so with biases the prompt says so: an exact answer leaves no room to guess.
    if not p["bias"]:
        head = "shares the embedding matrix (tied)" if p["tied"] else "has its own matrix"
        return f"no linear layer has a bias; the output head {head}"
    head = "shares the embedding matrix (tied) and has" if p["tied"] else "has its own matrix and"
    return f"the linear layers inside each block have biases; the output head {head} no bias"


class TransformerParams(Problem):
    name = "transformer_params"

    def generate(self, pick: Picker, level: int) -> None:
        # Heads are drawn first so that pinned values from any level keep the draw valid:
        # n_kv_heads divides n_heads, which divides d_model.
        kv_pin, d_pin = pick.params.get("n_kv_heads"), pick.params.get("d_model")

        def fits(x: int) -> bool:
            kv_ok = kv_pin is None or x % kv_pin == 0
            return kv_ok and (d_pin is None or (d_pin % x == 0 and d_pin // x >= 2))

        heads = {1: [1, 2], 2: [4, 8], 3: [16, 24, 32, 40]}[level]
        h = pick.choice("n_heads", _fit(heads, fits, kv_pin or 1))
        widths = {1: [4, 8], 2: [64, 128, 256, 512], 3: [2048, 3072, 4096, 5120]}[level]
        d = pick.choice("d_model", _fit(widths, lambda x: x % h == 0 and x // h >= 2, h * 2))
        if level == 1:
            pick.choice("vocab", [10, 16, 20, 50, 100])
            pick.choice("n_layers", [1, 2])
            pick.get("n_kv_heads", lambda: h)
            pick.get("d_ff", lambda: 4 * d)
            pick.choice("mlp", ["mlp"])
            pick.choice("norm", ["layernorm", "rmsnorm"])
            pick.choice("bias", [False, True])
            pick.choice("tied", [False, True])
            return
        if level == 2:
            pick.choice("vocab", [1000, 8000, 32000])
            pick.choice("n_layers", [2, 4, 6, 8])
            pick.choice("d_ff", [2 * d, 3 * d, 4 * d])
        else:
            pick.choice("vocab", [32000, 50304, 128256])
            pick.choice("n_layers", [16, 24, 28, 32, 40])
            pick.choice("d_ff", [d * 8 // 3 // 256 * 256, 11008, 14336, 4 * d])
        pick.choice("n_kv_heads", [kv for kv in (h, h // 4, 8, 1) if kv >= 1 and h % kv == 0])
        pick.choice("mlp", ["mlp", "swiglu"])
        pick.choice("norm", ["layernorm", "rmsnorm"])
        pick.choice("bias", [False, True] if level == 2 else [False])
        pick.choice("tied", [False, True])

    def nice(self, params: dict[str, Any], level: int) -> bool:
        return bool(params["d_model"] % params["n_heads"] == 0)

    def solve(self, params: dict[str, Any]) -> float:
        return float(transformer_count(params))

    def kind(self, params: dict[str, Any], want: Any) -> Kind:
        if want < 1e8:
            return Scalar(EXACT, hint="an integer (the number of parameters)")
        kind = Scalar(REL, hint="a number of parameters, e.g. 1.3e9 (within ±0.1%)")
        kind.swaps = (("1.3e9", ("2.5e9", "9.1e9")),)
        return kind

    def question(self, params: dict[str, Any]) -> tuple[str, list[Grid], list[str]]:
        p = params
        hd = p["d_model"] // p["n_heads"]
        attn = plural(p["n_heads"], "attention head")
        if p["n_kv_heads"] != p["n_heads"]:
            # One shared K/V head is multi-query attention (Shazeer 2019), not GQA.
            sharing = "MQA" if p["n_kv_heads"] == 1 else "GQA"
            attn = (
                f"{plural(p['n_heads'], 'query head')} and "
                f"{plural(p['n_kv_heads'], 'key/value head')} ({sharing})"
            )
        mlp = (
            f"a SwiGLU MLP of hidden width {p['d_ff']} (gate, up and down projections)"
            if p["mlp"] == "swiglu"
            else f"an MLP of hidden width {p['d_ff']} (two linear layers)"
        )
        norm = "LayerNorm (γ and β)" if p["norm"] == "layernorm" else "RMSNorm (γ only)"
        text = (
            f"A decoder-only transformer: vocabulary {p['vocab']}, d_model {p['d_model']}, "
            f"{plural(p['n_layers'], 'layer')}, {attn} of dimension {hd}, {mlp}. Each layer "
            f"has two {norm} norms and there is one final norm; {_bias_and_head(p)}. "
            "Positions use RoPE (no learned parameters). How many parameters?"
        )
        return text, [], []

    def steps(self, params: dict[str, Any]) -> list[str]:
        p = params
        d, v, L, ff = p["d_model"], p["vocab"], p["n_layers"], p["d_ff"]
        hd = d // p["n_heads"]
        kv = p["n_kv_heads"] * hd
        layer = transformer_count(p, n_layers=1, _no_norms=True, _no_embed=True, _no_head=True)
        mats = 3 if p["mlp"] == "swiglu" else 2
        mlp_w = mats * d * ff
        attn_w = 2 * d * d + 2 * d * kv
        norm = (2 if p["norm"] == "layernorm" else 1) * d
        bias_text = ""
        if p["bias"]:
            bias_text = (
                f" Biases: {_big(2 * d + 2 * kv)} in attention, "
                f"{_big((mats - 1) * ff + d)} in the MLP."
            )
        total = self.solve(p)
        return [
            f"Embedding: vocab × d_model = {v}·{d} = {_big(v * d)}.",
            (
                f"Attention per layer: W_q and W_o are {d}×{d} each; W_k and W_v are "
                f"{d}×{kv} each ({plural(p['n_kv_heads'], 'KV head')} × {hd}): {_big(attn_w)}."
            ),
            f"MLP per layer: {mats} matrices of {d}×{ff}: {_big(mlp_w)}.{bias_text}",
            f"Norms: {norm} per norm, 2 per layer and 1 final.",
            (
                f"Per layer: {_big(layer)} (attention + MLP) + {_big(2 * norm)} (norms); "
                f"× {plural(L, 'layer')} = {_big(L * (layer + 2 * norm))}."
            ),
            (
                "Output head: tied to the embedding, so no new parameters."
                if p["tied"]
                else f"Output head: its own d_model × vocab matrix, {_big(v * d)}."
            ),
            f"Total: {_big(total)}"
            + (f" ≈ {num(total / 1e9, 3)} billion." if total >= 1e8 else "."),
        ]

    def mistakes(self, params: dict[str, Any]) -> Mistakes:
        p = params
        if not p["tied"]:
            yield (
                "Looks like you forgot the output head: untied, it is another vocab × d_model.",
                lambda: float(transformer_count(p, _no_head=True)),
            )
        else:
            yield (
                "Looks like you counted the tied embedding twice: the head reuses it.",
                lambda: float(transformer_count(p, _tied_twice=True)),
            )
        if p["n_kv_heads"] != p["n_heads"]:
            sharing = "MQA" if p["n_kv_heads"] == 1 else "GQA"
            yield (
                f"Looks like you gave K and V all the query heads; with {sharing} they have "
                f"{plural(p['n_kv_heads'], 'head')}: W_k and W_v are d_model × "
                f"{p['n_kv_heads']}·head_dim.",
                lambda: float(transformer_count(p, n_kv_heads=p["n_heads"])),
            )
        if p["mlp"] == "swiglu":
            yield (
                "Looks like you counted two MLP matrices; SwiGLU has three (gate, up, down).",
                lambda: float(transformer_count(p, _two_mats=True)),
            )
        yield (
            "Looks like you left out the embedding matrix.",
            lambda: float(transformer_count(p, _no_embed=True)),
        )
        yield (
            "Looks like you left out the norms' parameters.",
            lambda: float(transformer_count(p, _no_norms=True)),
        )


def kv_bytes(p: dict[str, Any], **change: Any) -> float:
    """2 · layers · KV heads · head_dim · tokens · batch · bytes per element."""
    q = p | change
    elems = q["n_layers"] * q["n_kv_heads"] * q["head_dim"] * q["seq_len"] * q["batch"]
    return float(q.get("_kv", 2) * elems * q.get("_bytes", DTYPE_BYTES[q["dtype"]]))


class KvCacheSize(Problem):
    name = "kv_cache_size"

    def generate(self, pick: Picker, level: int) -> None:
        kv_pin = pick.params.get("n_kv_heads")
        if level == 1:
            pick.choice("n_layers", [1, 2])
            h = pick.choice(
                "n_heads", _fit([1, 2], lambda x: kv_pin is None or x % kv_pin == 0, kv_pin)
            )
            pick.get("n_kv_heads", lambda: h)
            pick.choice("head_dim", [4, 8])
            pick.choice("seq_len", [4, 8, 16])
            pick.choice("batch", [1, 2])
            pick.choice("dtype", ["fp32", "fp16"])
            pick.choice("unit", ["bytes"])
            return
        if level == 2:
            pick.choice("n_layers", [4, 8, 12])
            h = pick.choice(
                "n_heads", _fit([8, 12, 16], lambda x: kv_pin is None or x % kv_pin == 0, kv_pin)
            )
            pick.choice("head_dim", [64])
            pick.choice("seq_len", [512, 1024, 2048])
            pick.choice("batch", [1, 4, 8])
            pick.choice("dtype", ["fp32", "fp16", "bf16", "int8"])
            pick.choice("unit", ["MiB"])
        else:
            pick.choice("n_layers", [32, 40, 80])
            h = pick.choice(
                "n_heads", _fit([32, 64], lambda x: kv_pin is None or x % kv_pin == 0, kv_pin)
            )
            pick.choice("head_dim", [128])
            pick.choice("seq_len", [4096, 8192, 32768])
            pick.choice("batch", [1, 8, 16])
            pick.choice("dtype", ["bf16", "fp8"])
            pick.choice("unit", ["GiB", "GB"])
        pick.choice("n_kv_heads", [kv for kv in (h, h // 4, 8, 1) if kv >= 1 and h % kv == 0])

    def solve(self, params: dict[str, Any]) -> float:
        return kv_bytes(params) / UNIT_BYTES[params["unit"]]

    def kind(self, params: dict[str, Any], want: Any) -> Kind:
        unit = params["unit"]
        if unit == "bytes":
            return Scalar(EXACT, hint="an integer number of bytes")
        return Scalar(REL, hint=f"a number of {unit} (±0.1%)")

    def _variant(self, params: dict[str, Any]) -> str:
        h, kv = params["n_heads"], params["n_kv_heads"]
        if kv == h == 1:
            return "single-head attention (1 head, with its own K and V)"
        if kv == h:
            # The cache is proportional to the head count: the prompt must state it.
            return f"multi-head attention ({h} heads, each with its own K and V)"
        if kv == 1:
            return f"multi-query attention ({h} query heads share 1 KV head)"
        return f"grouped-query attention ({h} query heads, {kv} KV heads)"

    def question(self, params: dict[str, Any]) -> tuple[str, list[Grid], list[str]]:
        p = params
        unit = p["unit"]
        unit_text = {
            "bytes": "bytes",
            "KiB": "KiB (1 KiB = 1024 bytes)",
            "MiB": "MiB (1 MiB = 2²⁰ bytes)",
            "GiB": "GiB (1 GiB = 2³⁰ bytes)",
            "MB": "MB (10⁶ bytes)",
            "GB": "GB (10⁹ bytes)",
        }[unit]
        text = (
            f"A decoder with {plural(p['n_layers'], 'layer')} uses {self._variant(p)}, "
            f"head dimension {p['head_dim']}. It caches keys and values in {p['dtype']} "
            f"for a batch of {p['batch']} sequence{'s' if p['batch'] > 1 else ''} "
            f"of {p['seq_len']} tokens. "
            f"How large is the KV cache, in {unit_text}?"
        )
        return text, [], []

    def steps(self, params: dict[str, Any]) -> list[str]:
        p = params
        size = DTYPE_BYTES[p["dtype"]]
        total = kv_bytes(p)
        out = [
            "Per token and layer the cache holds one key and one value vector per KV head: "
            "2 · KV heads · head_dim numbers (query heads are not cached).",
            (
                f"bytes = 2 · {plural(p['n_layers'], 'layer')} · "
                f"{plural(p['n_kv_heads'], 'KV head')} · "
                f"{p['head_dim']} · {p['seq_len']} tokens · {p['batch']} · {size} bytes "
                f"({p['dtype']}) = {_big(total)}."
            ),
        ]
        if p["unit"] != "bytes":
            out.append(
                f"In {p['unit']}: {_big(total)} / {_big(UNIT_BYTES[p['unit']])} = "
                f"{num(self.solve(p), 4)}."
            )
        return out

    def mistakes(self, params: dict[str, Any]) -> Mistakes:
        p, unit = params, UNIT_BYTES[params["unit"]]
        yield (
            "Looks like you counted only keys (or only values): the cache holds both, × 2.",
            lambda: kv_bytes(p, _kv=1) / unit,
        )
        if p["n_kv_heads"] != p["n_heads"]:
            yield (
                f"Looks like you used the {p['n_heads']} query heads; only "
                f"{plural(p['n_kv_heads'], 'KV head')} "
                f"{'is' if p['n_kv_heads'] == 1 else 'are'} cached.",
                lambda: kv_bytes(p, n_kv_heads=p["n_heads"]) / unit,
            )
        wrong = 4 if DTYPE_BYTES[p["dtype"]] != 4 else 2
        yield (
            f"Looks like you used {wrong} bytes per element; {p['dtype']} takes "
            f"{DTYPE_BYTES[p['dtype']]}.",
            lambda: kv_bytes(p, _bytes=wrong) / unit,
        )
        twin = _DECIMAL_TWIN.get(p["unit"])
        if twin and twin != "bytes":
            yield (
                f"Looks like you divided by {_big(UNIT_BYTES[twin])} ({twin}); {p['unit']} is "
                f"{_big(unit)} bytes.",
                lambda: kv_bytes(p) / UNIT_BYTES[twin],
            )
        if p["batch"] > 1:
            yield "Looks like you forgot the batch.", lambda: kv_bytes(p, batch=1) / unit
        yield "Looks like you forgot the layers.", lambda: kv_bytes(p, n_layers=1) / unit
