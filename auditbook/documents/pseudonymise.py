"""The pseudonymised export: audit results for use outside the QA team.

Case ids, audit ids and team names become keyed pseudonyms (HMAC-SHA256 with a secret key kept
apart from every export), names and free text are dropped, an action's owner becomes a role from
a fixed list, dates become months, the child's age is an age band, and summary cells counting
fewer than five audits are suppressed. No cell holds text an auditor typed.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import re
import secrets
import tempfile
from pathlib import Path

import pandas as pd

from ..analytics import summaries as S
from ..audits.private import private_dir

ENV_KEY = "AUDITBOOK_PSEUDONYM_KEY"
SUPPRESS_BELOW = 5
SUPPRESSED = "suppressed"

# What each record-level sheet keeps; everything else (names, free text, exact dates) goes.
KEEP = {
    "audits": [
        "pseudonym", "audit_ref", "rubric_id", "rubric_version", "team", "month", "age_band",
        "status", "overall_grade", "moderated_overall_grade", "child_safe", "escalated",
        "escalation_confirmed",
    ],
    "answers": [
        "audit_ref", "rubric_id", "team", "month", "section", "criterion", "kind", "grade",
        "moderator_grade", "answer", "not_applicable",
    ],
    "actions": ["audit_ref", "rubric_id", "team", "month", "row", "owner", "due_month", "status",
                "overdue", "on_time"],
}  # fmt: skip

# An action's owner is typed freely ("SW", "Jane Smith (SW to …)"), so the workbook shows only a
# role from this fixed list: the code the owner starts with, else OTHER (a name first, say) or
# NOT_GIVEN. Nothing of the rest of what was typed can reach a cell.
ROLES = ("SW", "ATM", "TM", "SM", "HOS", "IRO", "CPC", "QARO", "PA", "FSW")
ROLE_TITLES = {
    "social worker": "SW", "assistant team manager": "ATM", "team manager": "TM",
    "service manager": "SM", "head of service": "HOS", "independent reviewing officer": "IRO",
    "cp chair": "CPC", "child protection chair": "CPC", "personal adviser": "PA",
    "personal advisor": "PA", "family support worker": "FSW",
}  # fmt: skip
OTHER, NOT_GIVEN = "Other", "Not given"
OWNER_VALUES = (*ROLES, OTHER, NOT_GIVEN)


class PseudonymKeyError(Exception):
    """The pseudonym key cannot be read or is unsafe."""


def key_path() -> Path:
    """$AUDITBOOK_PSEUDONYM_KEY, else ~/.config/auditbook/pseudonym.key: outside the project, so
    the key never sits beside the exports it protects."""
    if os.environ.get(ENV_KEY):
        return Path(os.environ[ENV_KEY])
    return Path.home() / ".config" / "auditbook" / "pseudonym.key"


def load_key(path: str | Path | None = None, create: bool = True) -> bytes:
    """The secret key (created, readable by its owner only, if missing and `create`)."""
    path = Path(path) if path else key_path()
    if not path.exists():
        if not create:
            raise PseudonymKeyError(f"No pseudonym key at {path}; create one or set {ENV_KEY}.")
        private_dir(path.parent)
        # Written whole under another name, then linked into place: several users' servers
        # making the key at once all end up reading the one that won, never a part-written one.
        fd, tmp = tempfile.mkstemp(prefix=".pseudonym-", dir=path.parent)  # mode 0600
        try:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32) + "\n")
                f.flush()
                os.fsync(f.fileno())
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)
        finally:
            os.unlink(tmp)
    key = path.read_text(encoding="utf-8").strip()
    if len(key) < 32:
        raise PseudonymKeyError(
            f"The pseudonym key in {path} is too short: expected at least 32 characters."
        )
    return key.encode("utf-8")


def key_id(key: bytes) -> str:
    """A fingerprint that tells which key made an export, without revealing it."""
    return hashlib.sha256(b"auditbook key id:" + key).hexdigest()[:8]


def pseudonym(value: object, key: bytes, prefix: str = "P") -> str | None:
    """The same value gives the same pseudonym under the same key; no key, no way back."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    digest = hmac.new(key, str(value).strip().upper().encode("utf-8"), hashlib.sha256)
    return f"{prefix}-{digest.hexdigest()[:12]}"


def team_pseudonym(team: object, key: bytes) -> str | None:
    """A team's pseudonym (T-…): the QA team, holding the key, can tell which team it is."""
    return pseudonym(f"team:{team}", key, "T") if isinstance(team, str) else None


def owner_role(owner: object) -> str:
    """The role an action's owner names, always one of OWNER_VALUES: "SW" for "SW", "sw to
    the family" or "Social Worker"; OTHER when it starts any other way (a name first: "Jane
    Smith (SW)" is OTHER); NOT_GIVEN when empty."""
    words = re.findall(r"[a-z0-9]+", owner.lower()) if isinstance(owner, str) else []
    if not words:
        return NOT_GIVEN
    if words[0].upper() in ROLES:
        return words[0].upper()
    for title, role in ROLE_TITLES.items():
        if words[: len(title.split())] == title.split():
            return role
    return OTHER


def suppress(frame: pd.DataFrame, count: str = "n", below: int = SUPPRESS_BELOW) -> pd.DataFrame:
    """Rows whose `count` is 1 to below-1: every figure blanked and `suppressed` set (zero is
    kept: it identifies no one)."""
    out = frame.copy()
    small = (out[count] > 0) & (out[count] < below)
    figures = [c for c in out.columns if pd.api.types.is_numeric_dtype(out[c]) or c == count]
    figures = [c for c in figures if not pd.api.types.is_bool_dtype(out[c])]
    for c in figures:
        out[c] = out[c].astype("Float64").mask(small)
    out[SUPPRESSED] = small
    return out


def pseudonymised_sheets(frames, key: bytes, below: int = SUPPRESS_BELOW) -> dict:
    """The sheets of the pseudonymised workbook: record-level tables stripped of names, free
    text and exact dates, and summaries with small cells suppressed."""
    audits = frames.audits.copy()
    audits["pseudonym"] = [
        pseudonym(c, key) if isinstance(c, str) else pseudonym(a, key, "A")
        for c, a in zip(audits["case_id"], audits["audit_id"], strict=True)
    ]
    refs = {a: pseudonym(a, key, "A") for a in audits["audit_id"]}
    audits["audit_ref"] = audits["audit_id"].map(refs)
    # Team names are typed as free text on every template: a keyed pseudonym keeps the
    # comparison between teams without carrying whatever was typed.
    teams = {t: team_pseudonym(t, key) for t in audits["team"].dropna().unique()}
    audits["team"] = audits["team"].map(teams)
    answers = frames.answers.assign(
        audit_ref=frames.answers["audit_id"].map(refs),
        team=frames.answers["team"].astype(object).map(teams),
    )
    actions = frames.actions.assign(
        audit_ref=frames.actions["audit_id"].map(refs),
        team=frames.actions["team"].map(teams),
        owner=frames.actions["owner"].map(owner_role),
        due_month=frames.actions["due"].dt.strftime("%Y-%m"),
    )
    good, bad = frames.good, frames.inadequate
    rates = {"good": good, "inadequate": bad}
    by_team = S.grade_distribution(audits, by="team", column="overall_grade")
    return {
        "about": _about(key, below),
        "audits": audits[KEEP["audits"]],
        "answers": answers[KEEP["answers"]],
        "actions": actions[KEEP["actions"]],
        "grades by team": suppress(S.grade_rates(audits, by="team", **rates), below=below),
        "grade counts by team": suppress(by_team, below=below),
        "grades by month": suppress(S.monthly_trend(audits, **rates), below=below),
        "grades by section": suppress(S.grade_distribution(answers, by="section"), below=below),
        "moderation by section": suppress(
            S.moderation_agreement(answers, by="section"), below=below
        ),
        "actions by team": suppress(
            S.action_summary(actions, by="team"), count="actions", below=below
        ),
    }


def _about(key: bytes, below: int) -> pd.DataFrame:
    lines = [
        "Pseudonymised audit results for use outside the QA team.",
        "Case and audit ids are replaced by keyed pseudonyms (HMAC-SHA256); the key is held "
        f"apart by the QA team (key id {key_id(key)}).",
        "Teams are keyed pseudonyms too (T-…): the same team has the same pseudonym in every "
        "export made with the same key.",
        "Names, free text (evidence, explanations, comments, action wording) and exact dates "
        "are left out; dates are months and the child's age is an age band.",
        "An action's owner is a role: " + ", ".join(ROLES) + f" when what was written starts "
        f"with one; '{OTHER}' for anything else (a name, say); '{NOT_GIVEN}' when empty.",
        f"Summary rows counting 1 to {below - 1} are suppressed: their figures are blank "
        f"and '{SUPPRESSED}' is TRUE.",
    ]
    return pd.DataFrame({"about": lines})
