"""A crash test of the review store that anyone can run.

Writer processes add notes as fast as they can, each printing the id of every note
the store acknowledged; each writer is killed with SIGKILL at a random moment.
After each round every acknowledged note must be present and unchanged and
``PRAGMA integrity_check`` must say ``ok``; no writer may see "database is locked".

    python -m workbench.store_crashtest --rounds 200 --writers 8 --db /tmp/crash.sqlite
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CrashResult", "run_crash_test"]


@dataclass(frozen=True)
class CrashResult:
    """What a crash test found: notes acknowledged, and how many were lost or changed."""

    rounds: int
    writers: int
    acknowledged: int
    lost: int
    changed: int
    integrity_ok: int
    locked_errors: int


def _writer(db: str, session_id: str, participant_id: str, seed: int) -> None:
    """Child process: add notes forever, printing 'ack <id> <text>' after each commit."""
    from workbench.errors import StoreError
    from workbench.store import NotesStore, Participant

    store = NotesStore(db)
    me = Participant(participant_id, session_id, f"W{seed}", "Police", "policing", "participant")
    rng = random.Random(seed)
    out = sys.stdout
    n = 0
    while True:
        text = f"note {seed}-{n} {rng.random():.6f}"
        nid = f"{seed}-{n}-{rng.getrandbits(32):08x}"
        try:
            store.add_note(session_id, participant=me, text=text, event_id=f"e{n % 50}",
                           note_id=nid)
        except StoreError as exc:  # reason "locked" is counted by the parent
            out.write(f"error {exc.reason} {exc}\n")
            out.flush()
            continue
        out.write(f"ack {nid} {text}\n")
        out.flush()
        n += 1


def run_crash_test(db: str | Path, *, rounds: int, writers: int, max_life_s: float = 1.5,
                   seed: int = 0) -> CrashResult:
    """Run the rounds; return the counts (``lost`` and ``changed`` must be 0)."""
    from workbench.store import NotesStore

    db = str(db)
    rng = random.Random(seed)
    store = NotesStore(db)
    session = store.open_session("crash-test", kind="review", title="crash test")
    participant = store.join(session.id, name="setup", agency="Police", discipline="policing")
    store.close()
    acknowledged: dict[str, str] = {}
    lost = changed = ok = locked = 0
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    for _ in range(rounds):
        procs = [subprocess.Popen(
            [sys.executable, "-c", "import sys; from workbench.store_crashtest import _writer; "
             "_writer(*sys.argv[1:4], int(sys.argv[4]))", db, session.id, participant.id,
             str(rng.randrange(1 << 30))],
            stdout=subprocess.PIPE, text=True, env=env) for _ in range(writers)]
        time.sleep(rng.uniform(0.3, max_life_s))
        for p in procs:
            time.sleep(rng.uniform(0, 0.05))
            p.send_signal(signal.SIGKILL)
        for p in procs:
            out, _ = p.communicate()
            for line in out.splitlines():
                if line.startswith("ack "):
                    _, nid, text = line.split(" ", 2)
                    acknowledged[nid] = text
                elif "locked" in line:
                    locked += 1
        check = sqlite3.connect(db)
        try:
            ok += check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            stored = dict(check.execute("SELECT id, text FROM notes"))
        finally:
            check.close()
        lost = sum(nid not in stored for nid in acknowledged)
        changed = sum(nid in stored and stored[nid] != text for nid, text in acknowledged.items())
    return CrashResult(rounds, writers, len(acknowledged), lost, changed, ok, locked)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--db", default="crash-test.sqlite")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    r = run_crash_test(args.db, rounds=args.rounds, writers=args.writers, seed=args.seed)
    print(f"{r.rounds} rounds x {r.writers} writers: {r.acknowledged:,} notes acknowledged, "
          f"{r.lost} lost, {r.changed} changed, integrity ok in {r.integrity_ok}/{r.rounds} "
          f"rounds, {r.locked_errors} 'database is locked' errors")
    sys.exit(1 if r.lost or r.changed or r.integrity_ok != r.rounds or r.locked_errors else 0)


if __name__ == "__main__":
    main()
