"""The ``workbench`` command line.

Each sub-command is a thin wrapper over a library function; heavy imports happen
inside the command so that ``workbench --help`` starts quickly. Exit status: 0 on
success, 1 when the input has errors (or a scan finds something), 2 on misuse.

Every error ends in one place, :func:`main`: the workbench's own errors and the
usual operating-system ones (a missing path, a file that cannot be read, a full
disk, a damaged review store) print one clean line naming the place, with a hint;
``--debug`` (or ``WORKBENCH_DEBUG=1``) prints the traceback too. Output piped into a
program that stops reading (``| head``) ends quietly. Control characters in
anything printed are shown escaped, never obeyed by the terminal. ``-o -`` writes
a single output file to standard output.

The parts: the parser (:mod:`workbench.cli._parser`), the commands on files
(``_file_commands``: import, validate, build, scan, serve, …) and on a case
(``_case_commands``: flags, timeline, report, export, …), and what they share
(``_options``); this module runs them and explains their errors.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from workbench.cli._options import _Misuse
from workbench.cli._parser import _parser
from workbench.terminal import SafeStream, escape_control

__all__ = ["main"]


def _explain(exc: BaseException) -> tuple[list[str], int]:
    """The lines to print for an error that ended a command, and the exit status
    (1: the input or a file is wrong; 2: the command was asked for wrongly)."""
    import sqlite3

    from workbench.errors import (
        CaseValidationError,
        MissingToolError,
        OptionError,
        StoreError,
        UnknownItemError,
        UnknownProtocolError,
        WorkbenchError,
    )

    if isinstance(exc, CaseValidationError):
        shown = [escape_control(str(p)) for p in exc.problems[:50]]
        more = len(exc.problems) - len(shown)
        tail = f" (and {more} more)" if more > 0 else ""
        return [*shown, f"workbench: {len(exc.errors)} error(s) in the input{tail}"], 1
    if isinstance(exc, (_Misuse, OptionError, UnknownProtocolError, UnknownItemError,
                        FileExistsError)):
        return [f"workbench: {exc}"], 2
    if isinstance(exc, StoreError):
        return [f"workbench: {exc}"], 1
    if isinstance(exc, MissingToolError):
        return [f"workbench: {exc}"], 1
    if isinstance(exc, WorkbenchError):
        return [f"workbench: {exc}"], 2 if isinstance(exc, ValueError) else 1
    if isinstance(exc, OSError):
        where = exc.filename if exc.filename is not None else "a file"
        what = {FileNotFoundError: "no such file or folder",
                PermissionError: "permission denied: check who may read (or write) it",
                IsADirectoryError: "is a folder, where a file was expected",
                NotADirectoryError: "is not a folder, where a folder was expected"}.get(
                    type(exc), exc.strerror or str(exc))
        return [f"workbench: {where}: {what}"], 1
    if isinstance(exc, sqlite3.Error):
        return [f"workbench: the review store could not be used ({exc}): name another "
                "with --store, or restore it from a backup"], 1
    if isinstance(exc, UnicodeError):
        return [f"workbench: {exc}: save the file as UTF-8"], 1
    if isinstance(exc, MemoryError):
        return ["workbench: ran out of memory (is an input far larger than a case?)"], 1
    if isinstance(exc, ValueError):
        return [f"workbench: {exc}"], 2
    return [f"workbench: unexpected {type(exc).__name__}: {exc}; run again with --debug "
            "for the traceback, and report it"], 1


def _quiet_broken_pipe() -> None:
    """The reader of standard output went away (``| head``): end without a word."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # nothing more to flush at exit
    except (OSError, ValueError, AttributeError):  # not a real file (tests)
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Errors end here: one clean line each (``--debug`` for the traceback), exit
    status 1 for bad input and 2 for misuse.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv or os.environ.get("WORKBENCH_DEBUG", "") not in ("", "0")
    argv = [a for a in argv if a != "--debug"]
    parser = _parser()
    parser.add_argument("--debug", action="store_true",
                        help="print the traceback of an error (also WORKBENCH_DEBUG=1)")
    args = parser.parse_args(argv)
    stdout, stderr = sys.stdout, sys.stderr
    machine = bool(getattr(args, "json", False) or getattr(args, "csv", False))
    tty = bool(getattr(stdout, "isatty", lambda: False)())
    sys.stdout = SafeStream(stdout, escape=tty or not machine)
    sys.stderr = SafeStream(stderr)
    try:
        try:
            status = int(args.run(args))
            sys.stdout.flush()
            return status
        except BrokenPipeError:
            _quiet_broken_pipe()
            return 0
        except KeyboardInterrupt:
            print("workbench: interrupted", file=sys.stderr)
            return 130
        except Exception as exc:  # one error path: a clean line, the traceback on --debug
            if debug:
                import traceback

                traceback.print_exc()
            lines, status = _explain(exc)
            for line in lines:
                print(escape_control(line), file=sys.stderr)
            return status
    finally:
        sys.stdout, sys.stderr = stdout, stderr
