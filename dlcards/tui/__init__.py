"""The Textual TUI (DESIGN §10). ``make_app`` in ``app.py`` builds it for the CLI and tests."""
