"""The open audit in the page's address (auditbook.pages.links): what a link may ask for, and
the auditor app following it with the same checks as its buttons."""

from __future__ import annotations

import pytest

from auditbook.audits.store import AuditStore
from auditbook.pages.auditor import AuditApp
from auditbook.pages.links import LinkError, audit_query, marker_html, parse_audit_query

from .conftest import put


@pytest.mark.parametrize(
    "query, wanted",
    [
        ("", None),
        (None, None),
        ("as=moderator", None),
        ("audit=a1", ("a1", "auditor")),
        ("audit=a1&as=auditor", ("a1", "auditor")),
        ("as=moderator&audit=demo-0001", ("demo-0001", "moderator")),
        ("audit=a1&voila-template=lab", ("a1", "auditor")),  # others ignored
    ],
)
def test_a_link_names_an_audit_and_a_view(query, wanted):
    assert parse_audit_query(query) == wanted


@pytest.mark.parametrize(
    "query, said",
    [
        ("audit=../secrets", "is not an audit id"),
        ("audit=%2e%2e%2fsecrets", "is not an audit id"),
        ("audit=", "is not an audit id"),
        ("audit=a%20b", "is not an audit id"),
        ("audit=a1.json", "is not an audit id"),
        ("audit=" + "x" * 101, "is not an audit id"),
        ("audit=%00", "is not an audit id"),
        ("audit=a1&audit=a2", "more than one audit"),
        ("audit=a1&as=admin", "for the auditor, or for the moderator"),
        ("audit=a1&as=moderator&as=auditor", "for the auditor, or for the moderator"),
    ],
)
def test_a_bad_link_is_refused_in_plain_words(query, said):
    with pytest.raises(LinkError, match=said) as refused:
        parse_audit_query(query)
    assert len(str(refused.value)) < 300  # a long id is shortened, not repeated whole


def test_the_address_round_trips():
    assert audit_query(None) == ""
    assert audit_query("a1") == "audit=a1"
    assert audit_query("a1", "moderator") == "audit=a1&as=moderator"
    for role in ("auditor", "moderator"):
        assert parse_audit_query(audit_query("demo-7", role)) == ("demo-7", role)
    assert marker_html('a"><script>') == (
        '<span class="ab-url" data-query="a&quot;&gt;&lt;script&gt;" hidden></span>'
    )


@pytest.fixture
def app(tmp_path, library):
    store = AuditStore(tmp_path)
    plr = library.rubrics["practice-learning-review"]
    put(store, plr, "sub-1", {"id_number": "C-1"}, status="submitted")
    put(store, plr, "draft-1", {"id_number": "C-2"}, status="draft")
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    return AuditApp(store=store, user="QA-01")


def test_the_app_opens_the_audit_a_link_names_and_puts_it_in_the_address(app):
    assert 'data-query=""' in app.address.value
    form = app.open_from_query("audit=sub-1&as=moderator")
    assert form is app.form and form.audit_id == "sub-1" and form.role == "moderator"
    assert 'data-query="audit=sub-1&amp;as=moderator"' in app.address.value
    assert app.link_problem.value == ""
    app.back_btn.click()
    assert app.form is None and 'data-query=""' in app.address.value
    # The buttons put the audit in the address too.
    app.list.row("draft-1").resume_btn.click()
    assert 'data-query="audit=draft-1"' in app.address.value


def test_a_new_audit_is_in_the_address_as_it_opens(app):
    form = app.new("practice-learning-review")
    assert f'data-query="audit={form.audit_id}"' in app.address.value


@pytest.mark.parametrize(
    "query, said",
    [
        ("audit=../../etc/passwd", "is not an audit id"),
        ("audit=nobody", "There is no saved audit called nobody"),
        ("audit=broken", "cannot be opened"),
        ("audit=draft-1&as=moderator", "has not been submitted yet"),
        ("audit=sub-1&as=owner", "for the auditor, or for the moderator"),
    ],
)
def test_a_link_that_cannot_be_followed_leaves_the_list_with_the_reason_at_the_top(
    app, query, said
):
    assert app.open_from_query(query) is None
    assert app.form is None and app.landing.layout.display == ""
    problem = app.link_problem.value
    assert 'class="ab-header-problem" role="alert"' in problem and said in problem
    assert "could not be opened" in problem
    assert app.message.value == ""  # said once, at the top
    assert 'data-query=""' in app.address.value
    # Opening an audit from the list clears it.
    app.list.row("sub-1").resume_btn.click()
    assert app.link_problem.value == ""


def test_a_hostile_id_is_escaped_in_the_reason(app):
    app.open_from_query("audit=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E")
    assert "<img" not in app.link_problem.value and "&lt;img" in app.link_problem.value
