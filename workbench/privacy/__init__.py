"""Privacy: find identifiers in a case (the scan) and replace them (pseudonymise).

Offline throughout: Microsoft Presidio's analyzer with pattern recognisers only
and its ``no_op`` NLP engine, so no language model is loaded or downloaded.
Without a language model, names in free text are found only through the deny
list of a key file: a person must still read every case before it is shared.
See ``docs/privacy.md``.
"""

from __future__ import annotations

from workbench.privacy.keys import KeyTable, check_outside, read_key_table, read_secret
from workbench.privacy.pseudonymise import PseudonymiseReport, pseudonymise
from workbench.privacy.recognisers import ENTITIES, Detector, Span, build_detector
from workbench.privacy.scan import Finding, scan_paths

__all__ = ["ENTITIES", "Detector", "Finding", "KeyTable", "PseudonymiseReport", "Span",
           "build_detector", "check_outside", "pseudonymise", "read_key_table", "read_secret",
           "scan_paths"]
