"""How every ``dlcards`` invocation ends on an error: one line, the traceback in a log.

Both entry points run through ``run_guarded``: the Typer app (``dlcards.cli.app``)
and the fast start of the TUI that skips Typer (``dlcards.cli.fast``). It imports no
Typer, so the fast start stays fast and the two cannot drift apart.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable
from typing import NoReturn

from dlcards.cli.state import CliState, echo_err
from dlcards.errors import UserError
from dlcards.textsafe import one_line


def run_guarded(state: CliState, body: Callable[[], object]) -> None:
    """Run ``body``: one-line errors, tracebacks to a log file, the state closed after."""
    try:
        body()
    except UserError as exc:
        echo_err(f"dlcards: {one_line(str(exc))}")
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except (sqlite3.Error, OSError) as exc:
        problem = _database_problem(state, exc)
        if problem is None:
            _unexpected(state, exc)
        echo_err(f"dlcards: {problem}")
        sys.exit(1)
    except Exception as exc:
        _unexpected(state, exc)
    finally:
        state.close()


def _log_crash(state: CliState, exc: BaseException) -> str | None:
    """Write the traceback under ``<home>/logs/`` and return the file's path."""
    import os
    import traceback
    from datetime import datetime

    try:
        logs = state.app_context().home.logs_dir
        logs.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = logs / f"crash-{datetime.now():%Y%m%d-%H%M%S}.log"
        # 0600 like every file under <home> (DESIGN §5): a traceback may show card text.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write("".join(traceback.format_exception(exc)))
        return str(path)
    except Exception:
        return None


def _database_problem(state: CliState, exc: BaseException) -> UserError | None:
    """The progress database's situation (locked, full, read-only, damaged) as one
    line, or None for an error that is none of these."""
    from dlcards.store_errors import classify, problem_error

    if isinstance(exc, OSError):
        if classify(exc) != "full":
            return None  # a file of the user's: not the database's situation
        return UserError(f"the disk is full ({exc})", "free some space and run this again")
    if classify(exc) == "other":
        return None
    try:
        database = state.app_context().home.database
    except Exception:
        return None
    return problem_error(database, exc)


def _unexpected(state: CliState, exc: BaseException) -> NoReturn:
    if state.debug:
        raise exc
    where = _log_crash(state, exc)
    hint = f"details in {where}" if where else "run again with --debug for details"
    # MemoryError and others may carry no message: name the type then.
    what = one_line(str(exc)) or type(exc).__name__
    echo_err(f"dlcards: unexpected error: {what} — {hint}")
    sys.exit(1)
