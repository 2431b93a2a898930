"""Regenerate the README pictures from the bundled case studies.

    python docs/make_figures.py [--out docs] [--scale 2]

Writes ``timeline.png`` (the swimlane timeline of ``casestudies/county-lines``: repeat
episodes, a police grading at odds with other agencies' concerns, late and unanswered
hand-offs, the child's own words, flagged records) and ``network.png`` (the agency
network of ``casestudies/looked-after-out-of-area``: a host authority that was sent
hand-offs and never passed anything on, a pair that never answered each other), each
with its text alternative beside it (``timeline.md``, ``network.md``). Needs Chromium
for kaleido (``apt-get install chromium``).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from workbench.analysis.analyse import analyse
from workbench.analysis.network import agency_graph
from workbench.io.importer import import_chronologies
from workbench.timeline import describe_timeline, timeline_figure
from workbench.views.network import describe_network, network_figure
from workbench.views.style import write_figure

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the tests' browser finder: Chromium, Chrome or Edge on any OS
from tests.browsers import find_chromium  # noqa: E402

TIMELINE_CASE = "county-lines"
NETWORK_CASE = "looked-after-out-of-area"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs"), help="folder for the pictures")
    parser.add_argument("--scale", type=float, default=2.0, help="pixel density of the PNGs")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if not os.environ.get("BROWSER_PATH") and (browser := find_chromium(ask_kaleido=False)):
        os.environ["BROWSER_PATH"] = browser    # kaleido draws in this one

    case = import_chronologies([ROOT / "casestudies" / TIMELINE_CASE])
    analysis = analyse(case)
    path = write_figure(timeline_figure(analysis, width=1400), out / "timeline.png",
                        scale=args.scale)
    (out / "timeline.md").write_text(describe_timeline(analysis) + "\n", encoding="utf-8")
    print(f"wrote {path} ({TIMELINE_CASE})")

    case = import_chronologies([ROOT / "casestudies" / NETWORK_CASE])
    G = agency_graph(analyse(case))
    path = write_figure(network_figure(G, title=case.title), out / "network.png",
                        scale=args.scale)
    (out / "network.md").write_text(describe_network(G) + "\n", encoding="utf-8")
    print(f"wrote {path} ({NETWORK_CASE})")


if __name__ == "__main__":
    main()
