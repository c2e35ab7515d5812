"""Frames and summaries against small hand-made audits and hand-worked expected tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from auditbook.analytics import load_audits, merged_scale, on_shared_scale
from auditbook.analytics import summaries as S
from auditbook.audits.store import AuditStore

from .conftest import put

LEVELS5 = ["outstanding", "good", "requires_improvement", "inadequate", "inadequate_critical"]
LEVELS4 = LEVELS5[:4]
AS_OF = "2026-05-01"


def cat(values, levels=LEVELS5):
    return pd.Categorical(values, categories=levels, ordered=True)


@pytest.fixture
def frames(folder, library):
    return load_audits(folder, library, as_of=AS_OF)


def test_audits_frame(frames):
    got = frames.audits[
        ["audit_id", "rubric_id", "team", "case_id", "audit_date", "month", "status"]
        + ["overall_grade", "moderated_overall_grade", "child_safe", "escalated"]
        + ["escalation_confirmed"]
    ]
    expected = pd.DataFrame(
        {
            "audit_id": ["a1", "a2", "a3", "a4"],
            "rubric_id": ["practice-learning-review"] * 3 + ["descriptor-matrix"],
            "team": ["Team A", "Team A", "Team B", "Team B"],
            "case_id": ["C-001", None, None, None],
            "audit_date": pd.to_datetime(["2026-03-05", "2026-03-20", "2026-04-10", "2026-04-12"]),
            "month": ["2026-03", "2026-03", "2026-04", "2026-04"],
            "status": pd.Categorical(
                ["moderated", "submitted", "draft", "moderated"],
                categories=["draft", "submitted", "moderated"],
                ordered=True,
            ),
            "overall_grade": cat(["good", "inadequate", "outstanding", "inadequate_critical"]),
            "moderated_overall_grade": cat(["good", None, None, "inadequate"]),
            "child_safe": ["yes", "no", None, None],
            "escalated": [False, True, False, True],
            "escalation_confirmed": [False, True, False, False],
        }
    )
    assert_frame_equal(got, expected, check_dtype=False, check_categorical=True)
    assert got["audit_date"].dtype.kind == "M"
    assert str(frames.audits["saved_at"].dt.tz) == "UTC"


def test_unreadable_files_are_listed_with_the_reason(frames):
    reasons = dict(zip(frames.problems["path"].map(lambda p: p.rsplit("/", 1)[-1]),
                       frames.problems["reason"], strict=True))  # fmt: skip
    assert set(reasons) == {"broken.json", "old.json"}
    assert "not valid JSON" in reasons["broken.json"]
    assert "retired-template" in reasons["old.json"]


def test_answers_frame(frames):
    got = frames.answers
    # Every graded and yes/no item of each audit's template, whether answered or not.
    per_audit = got.groupby("audit_id").size()
    assert per_audit["a1"] == per_audit["a2"] == per_audit["a3"] == 11  # 6 grades, 5 yes/no
    assert "overall_grade" not in set(got["item_id"])
    graded = got[got["answer"].notna() & (got["kind"] == "grade")][
        ["audit_id", "section_id", "item_id", "grade", "moderator_grade", "not_applicable"]
    ].reset_index(drop=True)
    # Repeated text is categorical: a large folder's answers take little memory.
    for column in ("audit_id", "team", "section", "criterion", "item_id", "kind"):
        assert isinstance(got[column].dtype, pd.CategoricalDtype), column
    graded = graded.astype({"audit_id": object, "section_id": object, "item_id": object})
    expected = pd.DataFrame(
        {
            "audit_id": ["a1", "a1", "a2", "a3", "a4"],
            "section_id": ["assessment", "planning", "assessment", "assessment", "case_recording"],
            "item_id": ["assessment_grade", "planning_grade", "assessment_grade"]
            + ["assessment_grade", "recording_up_to_date"],
            "grade": cat(["good", "requires_improvement", "inadequate", "outstanding", "good"]),
            "moderator_grade": cat(["good", "inadequate", None, None, None]),
            "not_applicable": [False] * 5,
        }
    )
    assert_frame_equal(graded, expected, check_dtype=False)
    na = got[got["section_id"] == "cp_independent_reviewing"].set_index("audit_id")
    assert na.loc["a2", "not_applicable"] and not na.loc["a1", "not_applicable"]
    safe = got[got["item_id"] == "child_safe"].set_index("audit_id")
    assert safe.loc["a2", "answer"] == "no" and safe.loc["a2", "kind"] == "yes_no_partial"
    assert safe.loc["a2", "evidence_chars"] == len("No safety plan.")


def test_actions_frame(frames):
    got = frames.actions[
        ["audit_id", "row", "owner", "due", "completed", "status", "overdue", "on_time"]
    ]
    expected = pd.DataFrame(
        {
            "audit_id": ["a1", "a1", "a2"],
            "row": [1, 2, 1],
            "owner": ["SW", "TM", "TM"],
            "due": pd.to_datetime(["2026-04-01", "2026-04-15", "2026-06-01"]),
            "completed": pd.to_datetime(["2026-03-30", None, None]),
            "status": ["completed", "open", "open"],
            "overdue": [False, True, False],
            "on_time": pd.array([True, pd.NA, pd.NA], dtype="boolean"),
        }
    )
    assert_frame_equal(got, expected, check_dtype=False)


def test_scale_merges_the_templates_levels(frames, library):
    assert frames.scale == tuple(LEVELS5)
    assert frames.good == {"outstanding", "good"}
    assert frames.inadequate == {"inadequate", "inadequate_critical"}
    assert frames.colours["good"].startswith("#")
    four = library.rubrics["practice-learning-review"].scale("ofsted4")
    five = library.rubrics["descriptor-matrix"].scale("ofsted5")
    assert [lv.key for lv in merged_scale([four, five])] == LEVELS5


def test_shared_scale_folds_inadequate_critical(frames):
    shared = on_shared_scale(frames)
    assert shared.scale == tuple(LEVELS4)
    assert list(shared.audits["overall_grade"].astype(object)) == [
        "good", "inadequate", "outstanding", "inadequate"
    ]  # fmt: skip
    assert list(shared.audits["overall_grade"].cat.categories) == LEVELS4
    # One template only: nothing to fold.
    assert on_shared_scale(frames.filter(rubric="descriptor-matrix")).scale == tuple(LEVELS5)


def test_filter(frames):
    a = frames.filter(team="Team A")
    assert list(a.audits["audit_id"]) == ["a1", "a2"]
    assert set(a.answers["audit_id"]) == {"a1", "a2"} and len(a.actions) == 3
    assert list(frames.filter(start="2026-03-10", end="2026-04-10").audits["audit_id"]) == [
        "a2", "a3"
    ]  # fmt: skip
    cut = frames.filter(status=["moderated"], rubric="descriptor-matrix")
    assert list(cut.audits["audit_id"]) == ["a4"]


def test_grade_distribution_by_team(frames):
    got = S.grade_distribution(frames.audits, by="team", column="overall_grade")
    expected = pd.DataFrame(
        {
            "team": ["Team A"] * 5 + ["Team B"] * 5,
            "overall_grade": cat(LEVELS5 * 2),
            "n": [0, 1, 0, 1, 0, 1, 0, 0, 0, 1],
            "pct": [0.0, 50.0, 0.0, 50.0, 0.0, 50.0, 0.0, 0.0, 0.0, 50.0],
        }
    )
    assert_frame_equal(got, expected, check_dtype=False)


def test_grade_distribution_by_section_leaves_out_not_applicable(frames):
    got = S.grade_distribution(frames.answers, by="section_id")
    assessment = got[got["section_id"] == "assessment"].set_index("grade")["n"]
    assert assessment.to_dict() == {
        "outstanding": 1, "good": 1, "requires_improvement": 0, "inadequate": 1,
        "inadequate_critical": 0,
    }  # fmt: skip
    overall = S.grade_distribution(frames.answers)
    assert overall["n"].sum() == 5 and list(overall.columns) == ["grade", "n", "pct"]


def test_grade_rates_with_targets_and_small_samples(frames):
    got = S.grade_rates(
        frames.audits, by="team", good=frames.good, inadequate=frames.inadequate,
        target_good=50, target_inadequate=20,
    )  # fmt: skip
    expected = pd.DataFrame(
        {
            "team": ["Team A", "Team B"],
            "n": [2, 2],
            "good_or_better": [1, 1],
            "pct_good_or_better": [50.0, 50.0],
            "inadequate": [1, 1],
            "pct_inadequate": [50.0, 50.0],
            "small_sample": [True, True],
            "meets_good_target": [True, True],
            "meets_inadequate_target": [False, False],
        }
    )
    assert_frame_equal(got, expected, check_dtype=False)
    whole = S.grade_rates(frames.audits, small_n=4)
    assert whole.loc[0, "n"] == 4 and not whole.loc[0, "small_sample"]
    assert whole.loc[0, "pct_good_or_better"] == 50.0


def test_monthly_trend_includes_empty_months(frames):
    got = S.monthly_trend(frames.audits, months=["2026-02", "2026-03", "2026-04"])
    assert list(got["n"]) == [0, 2, 2]
    assert np.isnan(got.loc[0, "pct_good_or_better"])
    assert list(got["pct_inadequate"])[1:] == [50.0, 50.0]


def test_moderation_agreement_and_changes(frames):
    per_section = S.moderation_agreement(frames.answers, by="section_id")
    expected = pd.DataFrame(
        {
            "section_id": ["assessment", "planning"],
            "n": [1, 1],
            "exact_pct": [100.0, 0.0],
            "within_one_pct": [100.0, 100.0],
        }
    )
    assert_frame_equal(per_section[expected.columns], expected, check_dtype=False)
    overall = S.moderation_agreement(
        frames.audits, auditor="overall_grade", moderator="moderated_overall_grade"
    )
    assert overall.loc[0, "n"] == 2 and overall.loc[0, "exact_pct"] == 50.0
    changes = S.grade_changes(
        frames.audits, auditor="overall_grade", moderator="moderated_overall_grade"
    )
    assert changes.iloc[0].to_dict() == {"n": 2, "raised": 1, "same": 1, "lowered": 0}
    lowered = S.grade_changes(frames.answers)
    assert lowered.iloc[0].to_dict() == {"n": 2, "raised": 0, "same": 1, "lowered": 1}
    matrix = S.agreement_matrix(frames.answers)
    assert matrix.loc["requires_improvement", "inadequate"] == 1
    assert matrix.loc["good", "good"] == 1 and matrix.to_numpy().sum() == 2
    assert list(matrix.index) == LEVELS5 == list(matrix.columns)


def test_action_summary(frames):
    got = S.action_summary(frames.actions, by="team")
    expected = pd.DataFrame(
        {
            "team": ["Team A"],
            "actions": [3],
            "open": [2],
            "overdue": [1],
            "completed": [1],
            "completed_on_time": [1],
            "pct_on_time": [100.0],
        }
    )
    assert_frame_equal(got, expected, check_dtype=False)
    by_owner = S.action_summary(frames.actions, by=("team", "owner"))
    assert by_owner.set_index("owner").loc["TM", "overdue"] == 1


def test_escalations_and_completion(frames):
    got = S.escalation_summary(frames.audits, by="team")
    expected = pd.DataFrame(
        {
            "team": ["Team A", "Team B"],
            "audits": [2, 2],
            "escalated": [1, 1],
            "pct_escalated": [50.0, 50.0],
            "not_safe": [1, 0],
            "followed_up": [1, 0],
            "pct_followed_up": [100.0, 0.0],
        }
    )
    assert_frame_equal(got, expected, check_dtype=False)
    done = S.completion(frames.audits, expected={"2026-03": 3, "2026-04": 2})
    expected = pd.DataFrame(
        {
            "month": ["2026-03", "2026-04"],
            "completed": [2, 1],  # a3 is still a draft
            "expected": [3, 2],
            "pct_of_expected": [66.7, 50.0],
            "shortfall": [1, 1],
        }
    )
    assert_frame_equal(done, expected, check_dtype=False)


def test_headline(frames):
    got = S.headline(frames)
    assert got == {
        "audits": 4,
        "completed": 3,
        "graded": 3,
        "pct_good_or_better": 33.3,
        "pct_inadequate": 66.7,
        "inadequate": 2,
        "small_sample": True,
        "moderated": 2,
        "moderation_exact_pct": 50.0,
        "overdue_actions": 1,
        "open_actions": 2,
        "escalated": 2,
        "escalations_unconfirmed": 1,
    }
    # Each count opens as the rows behind it.
    for figure in S.HEADLINE_LISTS:
        assert len(S.behind(frames, figure)) == got[figure], figure
    assert list(S.behind(frames, "overdue_actions").columns) == list(frames.actions.columns)
    assert set(S.behind(frames, "escalations_unconfirmed")["audit_id"]) < set(
        S.behind(frames, "escalated")["audit_id"]
    )
    with pytest.raises(ValueError):
        S.behind(frames, "audits")


def test_empty_folder_and_progress_bar(tmp_path, library, folder, capsys):
    empty = load_audits(tmp_path / "nothing", library)
    assert empty.audits.empty and empty.answers.empty and empty.actions.empty
    assert list(empty.audits.columns)[:3] == ["audit_id", "rubric_id", "rubric_version"]
    assert S.grade_rates(empty.audits).loc[0, "n"] == 0
    load_audits(folder, library, progress=True)
    assert "Reading audits" in capsys.readouterr().err


def test_age_band_never_the_date_of_birth(tmp_path, library):
    from auditbook.analytics import age_band

    assert age_band("2020-06-15", "2026-06-14") == "5-9"
    assert age_band("2020-06-15", "2026-06-15") == "5-9"
    assert age_band("2026-01-01", "2026-03-01") == "under 1"
    assert age_band("2010-03-01", "2026-03-01") == "16-17"
    assert age_band("2000-01-01", "2026-03-01") == "18+"
    assert age_band(None, "2026-03-01") is None and age_band("2027-01-01", "2026-03-01") is None
    store = AuditStore(tmp_path)
    wb = library.rubrics["west-berkshire-learning-audit"]
    sw = library.rubrics["swindon-practice-evaluation"]
    put(store, wb, "w1", {"audit_date": "2026-03-01", "child_dob": "2014-09-30"})
    put(store, sw, "s1", {"audit_date": "2026-03-01", "age_band": "age_11_15"})
    frames = load_audits(tmp_path, library)
    assert dict(zip(frames.audits["audit_id"], frames.audits["age_band"], strict=True)) == {
        "s1": "11-15",
        "w1": "10-15",
    }
    everything = pd.concat([frames.audits, frames.answers, frames.actions]).astype(str)
    assert not everything.apply(lambda c: c.str.contains("2014-09-30")).any().any()


def test_reading_in_several_processes_gives_the_same_frames(folder, library):
    one = load_audits(folder, library, as_of=AS_OF, workers=1)
    two = load_audits(folder, library, as_of=AS_OF, workers=2)
    for name in ("audits", "answers", "actions", "problems"):
        assert_frame_equal(getattr(one, name), getattr(two, name))
    assert one.scale == two.scale and one.rubric_levels == two.rubric_levels
