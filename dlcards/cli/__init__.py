"""The ``dlcards`` command line (DESIGN §7); ``main`` is the console entry point."""

from __future__ import annotations

from dlcards.cli.app import app, main

__all__ = ["app", "main"]
