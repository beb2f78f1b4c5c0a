"""TOML basic strings for the long strings an import writes (Anki's field HTML)."""

from __future__ import annotations

import re
from json.encoder import encode_basestring

import tomli_w


def basic_string(value: str) -> str:
    """A TOML basic string. JSON's escaping is TOML's (\\", \\\\, \\n, \\uXXXX for
    controls) except for DEL, which TOML also wants escaped; ten times faster than
    tomli-w on the long HTML fields an Anki import holds."""
    if not value.isascii() and _SURROGATE.search(value):  # isascii: a scan in C
        return str(tomli_w.dumps({"v": value})).split(" = ", 1)[1].rstrip("\n")
    text = encode_basestring(value)  # json.dumps(value, ensure_ascii=False), without its set-up
    return text.replace("\x7f", "\\u007f") if "\x7f" in text else text


def multiline_lines(value: str) -> str | None:
    """The lines of ``value`` as the inside of a TOML multi-line basic string, each line
    escaped as :func:`basic_string` escapes it; None when a surrogate needs tomli-w."""
    if not value.isascii() and _SURROGATE.search(value):
        return None
    text = "\n".join([encode_basestring(line)[1:-1] for line in value.split("\n")])
    return text.replace("\x7f", "\\u007f") if "\x7f" in text else text


_SURROGATE = re.compile("[\ud800-\udfff]")
