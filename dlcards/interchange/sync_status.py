"""When each machine last synced a profile, for Home (``dlcards sync``, DESIGN §15).

Apart from ``dlcards.interchange.sync`` so that Home, which shows this line on every
start, does not import the sync itself (its JSON Lines reader and writer, ~10 ms).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from dlcards.log import parse_ts

if TYPE_CHECKING:
    from dlcards.store import Store

MACHINE_KEY = "machine_id"


def last_synced(store: Store, profile: str) -> list[tuple[str, str]]:
    """(machine id, ts by this machine's clock) for this machine's last sync of the
    profile and each other machine's last new rows seen, this machine first."""
    mine = store.meta(MACHINE_KEY)
    prefix = f"sync:{profile}:"
    found = []
    for key, value in store.conn.execute(
        "SELECT key, value FROM meta WHERE substr(key, 1, ?) = ? ORDER BY key",
        (len(prefix), prefix),
    ):
        machine = key.rsplit(":", 1)[1]
        found.append((machine, value.split()[0]))
    return sorted(found, key=lambda item: (item[0] != mine, item[0]))


def _ago(then: datetime, now: datetime) -> str:
    minutes = int((now - then).total_seconds() // 60)
    if minutes < 1:
        return "just now"
    if minutes < 60:
        return f"{minutes} min ago"
    if minutes < 48 * 60:
        return f"{minutes // 60} h ago"
    return f"{minutes // (24 * 60)} days ago"


def describe_synced(store: Store, profile: str, now: datetime) -> str | None:
    """One line for Home: when this machine last synced, when each other one last did."""
    entries = last_synced(store, profile)
    if not entries:
        return None
    mine = store.meta(MACHINE_KEY)
    parts = []
    for machine, ts in entries:
        name = "this machine" if machine == mine else f"machine {machine}"
        parts.append(f"{name} {_ago(parse_ts(ts), now)}")
    return "Synced: " + " · ".join(parts)
