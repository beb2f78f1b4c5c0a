"""``dlcards scheduler compare`` as text: the numbers, then (on a terminal) the charts.

Plain characters rather than rich: a calibration chart and two curves of 30 days
fit in a few lines, and the command stays fast.
"""

from __future__ import annotations

import textwrap

from dlcards.scheduler_compare import SM2_READING, WORKLOAD_DAYS, Comparison, Fit

BAR_WIDTH = 20
WRAP = 88
SPARKS = " ▁▂▃▄▅▆▇█"


def _auc(fit: Fit) -> str:
    return "—" if fit.auc is None else f"{fit.auc:.3f}"


def summary_lines(result: Comparison, retention: float) -> list[str]:
    """Log loss, RMSE over bins and AUC of each scheduler, and their 30-day workloads."""
    sm2, fsrs = result.sm2, result.fsrs
    return [
        f"Replayed {result.tests} reviews through both schedulers "
        "(lower log loss and RMSE, higher AUC: better predictions).",
        f"Note: {SM2_READING}.",
        f"{'':6}{'log loss':>10}{'RMSE (bins)':>13}{'AUC':>8}{f'next {WORKLOAD_DAYS} days':>14}",
        f"{'SM-2':6}{sm2.log_loss:>10.4f}{sm2.rmse_bins:>13.4f}{_auc(sm2):>8}"
        f"{sum(sm2.workload):>9} reviews",
        f"{'FSRS':6}{fsrs.log_loss:>10.4f}{fsrs.rmse_bins:>13.4f}{_auc(fsrs):>8}"
        f"{sum(fsrs.workload):>9} reviews",
        *textwrap.wrap(
            f"Workload: expected reviews over the next {WORKLOAD_DAYS} days, simulated day "
            "by day: each review is recalled with the probability its scheduler predicts "
            f"(SM-2: 0.9^(t/I); FSRS: its own, at desired retention {retention:.2f}), a "
            f"failed card comes back when its scheduler says, {_new_cards(result)}. Had "
            f"every review passed: SM-2 {sum(sm2.all_pass)}, FSRS {sum(fsrs.all_pass)}.",
            WRAP,
        ),
    ]


def _new_cards(result: Comparison) -> str:
    if not result.new_cards or not result.new_per_day:
        return "no new cards start"
    return f"{result.new_per_day} new cards start a day ({result.new_cards} not seen yet)"


def _bar(value: float) -> str:
    return "█" * round(value * BAR_WIDTH)


def chart_lines(result: Comparison) -> list[str]:
    """Predicted against actual recall per tenth of prediction; the two workload curves."""
    lines = ["", "Calibration: predicted recall vs what you recalled, per tenth of prediction"]
    for name, fit in (("SM-2", result.sm2), ("FSRS", result.fsrs)):
        lines.append(f"  {name}")
        for b in fit.calibration:
            lines.append(
                f"    {b.low:.1f}–{b.low + 0.1:.1f}  predicted {b.predicted:4.0%} "
                f"{_bar(b.predicted):<{BAR_WIDTH}}  actual {b.actual:4.0%} "
                f"{_bar(b.actual):<{BAR_WIDTH}}  ({b.count})"
            )
    top = max(max(result.sm2.workload), max(result.fsrs.workload))
    lines += ["", f"Reviews per day, next {WORKLOAD_DAYS} days (top: {top})"]
    for name, fit in (("SM-2", result.sm2), ("FSRS", result.fsrs)):
        scaled = [round(c / (top or 1) * 8) for c in fit.workload]
        lines.append(f"  {name}  {''.join(SPARKS[s] for s in scaled)}")
    return lines
