"""Vocabularies of the generator: agencies, kinds, texts and recipes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

AGENCIES = (
    "Police", "Children's Social Care", "School", "Return Interview Service",
    "Youth Justice Service", "Missing Children Hub", "Host Authority", "Education",
    "School Nursing", "GP", "Emergency Department", "CAMHS", "Sexual Health", "Health",
    "Counselling Service", "Youth Service", "Housing", "Residential Home", "Foster Carer",
    "Family",
)
(POLICE, CSC, SCHOOL, RIS, YJS, HUB, HOST, EDUC, SNURSE, GP, ED, CAMHS, SEXH, HEALTH,
 COUNS, YOUTH, HOUSING, RESID, FOSTER, FAMILY) = range(len(AGENCIES))
_FILE_STEMS = ("police", "csc", "school", "ris", "yjs", "hub", "host-authority", "education",
               "school-nursing", "gp", "ed", "camhs", "sexual-health", "health", "counselling",
               "youth-service", "housing", "residential-home", "foster-carer", "family")
_POOL = (YJS, HUB, EDUC, SNURSE, GP, ED, CAMHS, SEXH, HEALTH, COUNS, YOUTH, HOUSING)
_FAMILY_SECTOR = (FOSTER, FAMILY)
_ANYTIME = (POLICE, ED, RESID, FOSTER, FAMILY)  # record at any hour, weekends included

KINDS = (
    "missing_report", "absence_report", "found", "return_interview_offered",
    "return_interview_completed", "return_interview_declined", "referral", "notification",
    "information_shared", "strategy_meeting", "multi_agency_meeting", "risk_assessment",
    "disclosure", "counselling_session", "assessment", "placement_move", "exclusion",
    "case_opened", "case_closed", "safety_plan", "contact",
)
(MISSING, ABSENCE, FOUND, RI_OFFERED, RI_DONE, RI_DECLINED, REFERRAL, NOTIFICATION, SHARED,
 STRATEGY, MAM, RISK, DISCLOSURE, COUNSELLING, ASSESSMENT, PLACEMENT, EXCLUSION, OPENED,
 CLOSED, SAFETY, CONTACT) = range(len(KINDS))
_HANDOFF = frozenset((REFERRAL, NOTIFICATION, SHARED))
_PROTECTIVE = frozenset((REFERRAL, NOTIFICATION, SHARED, STRATEGY, MAM, SAFETY, RISK))
_GRADES = ("absent", "low", "medium", "high")

_DAY = 1440                                 # minutes
_EPOCH_2013 = (dt.date(2013, 1, 1) - dt.date(1970, 1, 1)).days
_EPOCH_2023 = (dt.date(2023, 1, 1) - dt.date(1970, 1, 1)).days
_LONDON = ZoneInfo("Europe/London")

# Texts. None contains a concern or victim-blaming phrase of the bundled profiles, or
# "out of area", except the texts written for those on purpose; each reads as its
# kind to the transparent classifier (workbench.kinds.classify).
_CONTACT = {
    POLICE: ("Welfare visit to the home address", "Telephone contact with the carer",
             "Officers visited the address to check on the child"),
    CSC: ("Home visit by the social worker", "Statutory visit to the child",
          "Telephone call with the parent", "Social worker visited the child at school"),
    SCHOOL: ("Pastoral contact with the child", "Phone call to the parent about attendance",
             "Form tutor contact with the child"),
    RIS: ("Follow-up contact with the child", "Telephone contact to keep in touch",
          "Drop-in visit by the return worker"),
    YJS: ("YJS appointment attended", "YJS home visit", "Telephone contact with the YJS worker"),
    HUB: ("Hub telephone follow-up with the family", "Hub contact with the allocated worker"),
    HOST: ("Host authority contact with the placement", "Host authority visit to the placement"),
    EDUC: ("Education welfare home visit", "Attendance officer phone call to the parent"),
    SNURSE: ("Seen by the school nurse", "School nurse drop-in appointment"),
    GP: ("GP appointment attended", "GP telephone consultation"),
    ED: ("Seen by ED staff for a minor injury", "Seen by ED staff after a fall"),
    CAMHS: ("CAMHS appointment attended", "CAMHS telephone contact with the parent"),
    SEXH: ("Clinic appointment attended", "Telephone contact from the clinic"),
    HEALTH: ("Health visitor contact with the family", "Named nurse telephone contact"),
    COUNS: ("Telephone contact to arrange sessions",),
    YOUTH: ("Youth club contact with the child", "Youth worker visit"),
    HOUSING: ("Housing officer visit to the family", "Telephone contact with the housing officer"),
    RESID: ("Staff contact with the child at the home", "Key worker phone call with the social worker"),
    FOSTER: ("Foster carer telephone update to the social worker",
             "Foster carer contact with the school"),
    FAMILY: ("Telephone call from the mother", "Father visited the social work office"),
}
_ASSESS = {
    CSC: ("Child and family assessment updated", "Assessment reviewed by the team manager"),
    SCHOOL: ("Education assessment updated", "Special educational needs assessment reviewed"),
    EDUC: ("Education welfare assessment completed",),
    SNURSE: ("Health assessment completed by the school nurse",),
    GP: ("GP health check completed",),
    CAMHS: ("CAMHS assessment completed", "CAMHS review assessment"),
    HEALTH: ("Review health assessment completed",),
    SEXH: ("Sexual health assessment completed",),
    YJS: ("YJS assessment updated",),
    HUB: ("Hub assessment of recent episodes",),
    HOUSING: ("Housing needs assessment completed",),
    YOUTH: ("Youth service assessment of needs",),
    ED: ("ED triage assessment",),
    RESID: ("Placement assessment reviewed",),
}
_MEETING = ("Multi-agency meeting to review the plan", "Team around the child meeting",
            "Hub meeting to review recent episodes", "Professionals meeting held")
_RISK_REVIEW = ("Risk assessment reviewed", "Risk assessment updated after review")
_SAFETY = ("Safety plan reviewed with the child", "Safety plan updated with the carers")
_COUNSELLING = ("Counselling session held", "Counselling session: child attended")
_DAY_CONTACT = {GP: "GP appointment attended (time not recorded)",
                HOUSING: "Housing officer telephone contact (time not recorded)",
                EDUC: "Education welfare visit (time not recorded)",
                FAMILY: "Telephone call from the mother (time not recorded)"}
_HANDOFF_VERB = {SHARED: "Information shared with", REFERRAL: "Referral to",
                 NOTIFICATION: "Notified"}
_IN_TEXT = {RIS: "the return worker", HUB: "the hub", HOST: "the host authority",
            COUNS: "the counsellor"}
_FOUND = ("Found by officers at a friend's address", "Returned home of own accord",
          "Located in the town centre by officers", "Self-returned in the early hours",
          "Found by officers at a relative's address")
_RI_OFFER = ("Return interview offered by telephone", "Return interview arranged for the next day")
_RI_DONE = ("Return interview completed at home", "Return interview held at school",
            "Return interview completed at a cafe")
_RI_DECLINED = ("Child declined the return interview", "Return interview refused by the child")
_RI_DISCLOSURE = (
    "Child said they stayed overnight at an address in the next town",
    "Child said they are frightened of a person called 'J' who they met in town",
    "Child told the return worker they were scared to go home",
    "Child said they had been staying with someone called 'K' at a flat in town",
    "Child disclosed that a person called 'D' gives them lifts at night",
)
_DISCLOSURE = {
    CSC: "Child told the social worker they are scared of a person called 'J'",
    SCHOOL: "Child told a teacher they stayed overnight at an address in town",
    YOUTH: "Child told the youth worker they had been staying with someone called 'K'",
    COUNS: "Child said in the session they are frightened to go home",
    RESID: "Child told staff they had been at a flat in town with a person called 'D'",
    FOSTER: "Child told the foster carer they are scared of a person called 'J'",
    CAMHS: "Child told the CAMHS worker they do not feel safe at home",
    YJS: "Child told the YJS worker they owe money to a person called 'T'",
}
_CONCERN = {   # (kind, text): each matches a concern phrase of the bundled profiles
    SCHOOL: (ASSESSMENT, "Pastoral assessment: concerns of possible criminal exploitation"),
    YOUTH: (CONTACT, "Youth worker contact: county lines concerns noted"),
    SEXH: (ASSESSMENT, "Clinic assessment: indicators of child sexual exploitation"),
    ED: (ASSESSMENT, "ED assessment: exploitation concerns noted"),
    HUB: (ASSESSMENT, "Hub assessment: indicators of sexual exploitation"),
    YJS: (ASSESSMENT, "YJS assessment: criminal exploitation concerns"),
    CAMHS: (ASSESSMENT, "CAMHS assessment: concerns of sexual exploitation"),
    GP: (CONTACT, "GP appointment: exploitation concerns noted"),
    HEALTH: (ASSESSMENT, "Health assessment: exploitation concerns noted"),
    SNURSE: (ASSESSMENT, "School nurse assessment: exploitation concerns noted"),
    EDUC: (ASSESSMENT, "Education welfare assessment: criminal exploitation concerns"),
    RESID: (CONTACT, "Staff contact: concerns of criminal exploitation"),
    HOUSING: (CONTACT, "Housing officer visit: concerns of cuckooing at the family address"),
    CSC: (ASSESSMENT, "Assessment completed: child protection plan agreed (exploitation)"),
}
_BLAME = (
    (POLICE, "Welfare visit: officer notes the child is streetwise and will come back"),
    (CSC, "Home visit: carer describes the child staying out as a lifestyle choice"),
    (SCHOOL, "Phone call with the parent: the child is putting herself at risk by staying out"),
    (POLICE, "Telephone contact: officer records that the child makes her own choices"),
)
_EXCLUSION = ("Fixed-term exclusion for three days", "Fixed-term exclusion for five days",
              "Placed on a reduced timetable")
_MOVE_LOCAL = ("Moved to a new foster placement in the local area",
               "Moved to a new residential placement in the local area")
_MOVE_AWAY = ("Placed out of area at a residential home in another county",
              "Placed out of area with foster carers in another county")

# the planted situations (recipes) and the patterns they imply
_RECIPES = ("unanswered", "ri-missing", "ri-not-shared", "risk", "cluster", "info", "closure",
            "voice", "blame", "escalation", "placement", "meeting", "late-open")
_SEGMENT_RECIPES = ("cluster", "escalation", "closure", "late-open")
_NEXT_PROTECTIVE = -1   # evidence placeholder: the first protective action after the anchor
