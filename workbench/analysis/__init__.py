"""Analysis: what happened in a case (episodes, hand-offs, knowledge, the agency network,
the failure rules, a cohort), computed from the model; nothing is drawn here."""
