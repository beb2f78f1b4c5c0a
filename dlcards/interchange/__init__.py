"""Moving cards and progress in and out of dlcards (no UI code; long jobs take ``progress``).

- :mod:`importer` — ``dlcards import``: detect the format, read, convert, merge, write.
- :mod:`text_read` — Anki text exports (header lines) and plain CSV/TSV.
- :mod:`apkg_read` — Anki packages: anki21b (zstd, schema 18) and legacy collections.
- :mod:`limits` — reading hostile archives within byte budgets.
- :mod:`notes` — Anki notes → cards (fields, cloze, guid → id, dlcards' own fields).
- :mod:`html2md`, :mod:`html_fast`, :mod:`html_tree` — field HTML → Markdown (markdownify).
- :mod:`deckfile` — merging into a TOML deck, validating and writing it.
- :mod:`exporter`, :mod:`export_notes`, :mod:`export_write`, :mod:`md2html` —
  ``dlcards export`` to TOML, Anki text files and .apkg (genanki).
- :mod:`progress` — the review log as JSON Lines, merged by row id.
"""

# The values of ``dlcards import --format``: here, in the package's light ``__init__``,
# so that the CLI's fast path (``dlcards.cli.fast``) reads them without loading the importer.
IMPORT_FORMATS = ("auto", "apkg", "anki-text", "csv", "tsv", "toml")
