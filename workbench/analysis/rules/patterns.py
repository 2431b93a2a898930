"""The bundled rules: one per failure pattern, in the order of :data:`PATTERNS`.

Each rule implements the operational definition of its pattern in
``docs/patterns.md``; the rules live in modules by topic (:mod:`.handoffs`,
:mod:`.returns`, :mod:`.episodes`, :mod:`.voice`, :mod:`.multiagency`).

Examples
--------
>>> from workbench.analysis.rules import PATTERNS
>>> [r.pattern for r in RULES] == list(PATTERNS)
True
>>> RULES[0].id, RULES[0].severity, RULES[0].settings
('wb.unanswered-referral', 'high', ('referral_answer_working_days', 'answer_window_days', 'bank_holidays'))
"""

from __future__ import annotations

from workbench.analysis.rules.episodes import (
    closed_while_active,
    education_exclusion_escalation,
    ownership_gap,
    repeat_episodes_no_strategy,
)
from workbench.analysis.rules.handoffs import (
    information_not_shared,
    placement_not_notified,
    unanswered_referral,
)
from workbench.analysis.rules.multiagency import meeting_missing_agency, risk_disagreement
from workbench.analysis.rules.returns import return_interview_missing, return_interview_not_shared
from workbench.analysis.rules.voice import child_voice_not_acted_on, victim_blaming_language

__all__ = ["RULES"]

RULES = (
    unanswered_referral, return_interview_missing, return_interview_not_shared,
    risk_disagreement, repeat_episodes_no_strategy, information_not_shared,
    closed_while_active, child_voice_not_acted_on, victim_blaming_language,
    education_exclusion_escalation, placement_not_notified, meeting_missing_agency,
    ownership_gap,
)
