"""Rich renderables shared by the CLI and the TUI (no textual import here).

The core (``dlcards/stats.py`` and friends) stays free of rich; the views turn
its numbers into tables and charts that ``dlcards stats`` prints on a terminal
and the TUI's Stats screen shows in its panels.
"""
