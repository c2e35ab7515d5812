"""What synthetic audits are made of: codes for teams, staff and cases, and stock practice
wording. No person's name appears anywhere, and every sentence a demo audit holds comes from
these lists (VOCABULARY is all their words, for tests to check against)."""

from __future__ import annotations

# ------------------------------------------------------------------ who and what (codes)

TEAMS = tuple(f"Team {c}" for c in "ABCDEF")
# In grade steps (1 = one level worse): Team A is clearly the strongest, Team F the weakest.
TEAM_OFFSET = dict(zip(TEAMS, (-0.6, -0.35, -0.1, 0.1, 0.35, 0.65), strict=True))
TEAM_WEIGHT = (1.2, 1.0, 1.1, 1.0, 0.9, 0.8)
AUDITORS = tuple(f"AU-{i:02d}" for i in range(1, 9))
MODERATORS = tuple(f"MOD-{i:02d}" for i in range(1, 4))
WORKERS = tuple(f"SW-{i:02d}" for i in range(1, 41))  # SW-01 in Team A, SW-02 in Team B …
TEAM_MANAGERS = tuple(f"TM-{i:02d}" for i in range(1, len(TEAMS) + 1))  # one per team
SERVICE_MANAGERS = ("SM-01", "SM-02")
QAROS = ("QARO-01", "QARO-02")
SERVICE_DIRECTOR = "SD-01"
OWNERS = ("SW", "TM", "SM", "IRO", "QARO")
OWNER_WEIGHT = (45, 30, 8, 10, 7)
CASE_TYPES = ("CIN", "CP", "CIC", "Care leaver")
CASE_WEIGHT = (35, 30, 28, 7)
LEGAL_STATUS = {
    "CIN": "Child in need (S17)",
    "CP": "Child protection plan",
    "CIC": "Care order (S31)",
    "Care leaver": "Care leaver",
}
GENDERS = ("Female", "Male", "Not recorded")
MODERATOR_ROLE = "Quality assurance manager"

# ------------------------------------------------------------------ words (generic practice)

SUBJECTS = (
    "The assessment", "The plan", "The chronology", "Case recording", "Supervision",
    "Management oversight", "Direct work", "Multi-agency working", "The child's voice",
    "Risk analysis", "The safety plan", "Visiting", "The core group", "The genogram",
    "Contingency planning", "Review of the plan",
)  # fmt: skip
GOOD = (
    "is up to date and analyses risk and strengths clearly",
    "is specific, measurable and reviewed regularly",
    "shows the child's lived experience",
    "is evidenced in regular reflective supervision",
    "records the child's wishes and feelings in their own words",
    "shows timely action that reduced risk",
    "is well coordinated with school and health",
    "shows clear management direction with a rationale",
    "is purposeful and focused on the child's goals",
)
MIXED = (
    "is in place but lacks analysis of risk",
    "is mostly up to date but some visits are not recorded",
    "shows the child's views but not how they shaped the plan",
    "is reviewed but actions are not always SMART",
    "shows oversight but direction lacks timescales",
    "includes partner agencies but information sharing is slow",
)
POOR = (
    "is out of date and does not reflect current risk",
    "is not evidenced on the file",
    "shows drift and delay for the child",
    "has not been reviewed since the last conference",
    "does not record the child's views",
    "lacks management oversight of key decisions",
    "does not address the concerns identified at referral",
)
IMPACT = (
    ("The child is safer and their needs are being met.", "The child's outcomes are improving."),
    ("Progress for the child is slower than it should be.", "Some needs are met but not all."),
    ("Risk to the child is not reducing.", "Drift has delayed progress for the child."),
)
SUMMARY = (
    "The child lives with their mother and two siblings.",
    "The child lives with foster carers.",
    "The family are known to the service following concerns about neglect.",
    "Concerns relate to domestic abuse in the home.",
    "Parental mental health affects the care the child receives.",
    "The child attends school regularly and has an EHCP.",
    "The child has contact with their father each week.",
    "School made the referral after concerns about attendance.",
)
DISCUSSION = (
    "The worker spoke openly about the plan and its progress.",
    "The worker reflected on what is working well and what needs to change.",
    "The auditor and worker agreed the actions below.",
    "The worker described the child's progress and current risks.",
)
WHY_NOT = (
    "Not spoken to: not available within the audit period.",
    "Not spoken to: the meeting was rearranged and did not take place.",
    "Not appropriate given the child's age and the timing of the audit.",
)
NOT_SENT = ("The comments were requested but not returned before the audit closed.",)
COMMENTS = (
    "The worker agrees with the findings.",
    "The manager will pick up the actions in supervision.",
    "The worker welcomed the feedback.",
)
MODERATION = (
    "The moderator and auditor discussed the grades and the evidence.",
    "The evidence is specific and supports the grades given.",
    "The audit reflects the child's experience well.",
)
IMPROVE = (
    "Evidence should be specific and evaluative rather than descriptive.",
    "Link each grade to the impact for the child.",
    "Avoid repeating evidence across sections.",
)
DISAGREE = {
    +1: "The moderator considers the grade should be lower: the impact for the child is "
    "not evidenced.",
    -1: "The moderator considers the grade should be higher: the evidence shows consistent "
    "good practice.",
}
ACTIONS = (
    "Update the chronology", "Complete a genogram with the family",
    "Hold a core group meeting", "Record the child's wishes and feelings",
    "Update the assessment", "Review the plan so that it is SMART",
    "Record management oversight of the plan", "Arrange a PEP review",
    "Complete direct work with the child", "Convene a family network meeting",
    "Update the case summary", "Share the safety plan with the family",
)  # fmt: skip
WORD_LISTS = (
    SUBJECTS, GOOD, MIXED, POOR, *IMPACT, SUMMARY, DISCUSSION, WHY_NOT, NOT_SENT, COMMENTS,
    MODERATION, IMPROVE, tuple(DISAGREE.values()), ACTIONS, tuple(LEGAL_STATUS.values()),
    CASE_TYPES, GENDERS, (MODERATOR_ROLE,),
)  # fmt: skip
VOCABULARY = frozenset(
    w.strip(".,:;").lower() for words in WORD_LISTS for text in words for w in text.split()
)
