"""The review calendar of ``dlcards stats`` and the Stats screen: a column per week, a cell
per day, as many weeks as fit (issue 13: at 60 columns 26 weeks wrapped every row)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from rich.text import Text

from dlcards.wording import plural

HEATMAP_WEEKS = 26
HEAT_LABEL_WIDTH = 4  # "Mon " before each heatmap row
# Greens of increasing intensity that read on dark and light backgrounds alike.
HEAT_STYLES = ("grey50", "#2f7d46", "#3aa75a", "#4fd06f", "#8af5a0")
EMPTY_CELL = "■"


def _heat_level(count: int, peak: int) -> int:
    if count <= 0 or peak <= 0:
        return 0
    return min(4, 1 + (4 * (count - 1)) // max(peak, 1))


def heatmap_weeks(width: int) -> int:
    """How many weeks of :func:`heatmap` fit in ``width`` cells (at most HEATMAP_WEEKS).

    A narrow terminal gets fewer weeks rather than a calendar whose rows wrap (at 60
    columns the 26 weeks wrapped and shifted every row, known issue 10).
    """
    return max(4, min(HEATMAP_WEEKS, (width - HEAT_LABEL_WIDTH + 1) // 2))


def heatmap(
    per_day: dict[date, int],
    today: date,
    weeks: int = HEATMAP_WEEKS,
    redrills: int | Mapping[date, int] = 0,
) -> Text:
    """A calendar of the last ``weeks`` weeks: a column per week (Monday first), a cell per day.

    Cells count reviews (DESIGN §7); ``redrills`` in those weeks (a count, or counts per
    day) are named apart after them. The totals under it count the weeks shown only.
    """
    start = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    per_day = {day: n for day, n in per_day.items() if start <= day <= today}
    if isinstance(redrills, Mapping):
        redrills = sum(n for day, n in redrills.items() if start <= day <= today)
    peak = max(per_day.values(), default=0)
    label_width = HEAT_LABEL_WIDTH
    months = [" "] * (weeks * 2)
    free_from = 0
    for week in range(weeks):
        monday = start + timedelta(weeks=week)
        previous = monday - timedelta(weeks=1)
        # A month's name goes over the first week that starts in it, if it has room.
        if (week == 0 or monday.month != previous.month) and week * 2 >= free_from:
            name = monday.strftime("%b")
            if week * 2 + len(name) <= len(months):
                months[week * 2 : week * 2 + len(name)] = list(name)
                free_from = week * 2 + len(name) + 1
    text = Text()
    text.append(" " * label_width + "".join(months).rstrip() + "\n", style="dim")
    names = ("Mon", "", "Wed", "", "Fri", "", "Sun")
    for weekday in range(7):
        text.append(f"{names[weekday]:<{label_width}}", style="dim")
        for week in range(weeks):
            day = start + timedelta(weeks=week, days=weekday)
            if day > today:
                text.append("  ")
                continue
            level = _heat_level(per_day.get(day, 0), peak)
            style = HEAT_STYLES[level] + (" bold" if day == today else "")
            text.append(EMPTY_CELL, style=style)
            text.append(" ")
        text.rstrip()
        text.append("\n")
    total = sum(per_day.values())
    active = sum(1 for v in per_day.values() if v)
    text.append(" " * label_width + "less ", style="dim")
    for style in HEAT_STYLES:
        text.append(EMPTY_CELL + " ", style=style)
    text.append("more", style="dim")
    caption = f"{plural(total, 'review')} on {plural(active, 'day')}"
    if peak:
        caption += f", best {peak}"
    if redrills:
        caption += f" (and {plural(redrills, 're-drill')})"
    # Beside the legend when the calendar is that wide, else on a line of its own.
    legend = label_width + len("less ") + 2 * len(HEAT_STYLES) + len("more")
    fits = legend + 3 + len(caption) <= label_width + 2 * weeks - 1
    text.append(("   " if fits else "\n" + " " * label_width) + caption, style="dim")
    return text


__all__ = ["HEATMAP_WEEKS", "heatmap", "heatmap_weeks"]
