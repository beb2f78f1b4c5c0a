"""``python -m dlcards`` runs the CLI."""

from __future__ import annotations

from dlcards.cli import main

if __name__ == "__main__":
    main()
