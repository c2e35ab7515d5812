"""Export from the app's landing page in a real browser: the document downloads from the page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from auditbook import load_rubric
from auditbook.audits.store import AuditStore
from auditbook.demo.synthetic import sample_answers

from .test_audit_page import choose_audit, open_app

pytestmark = pytest.mark.browser


def test_export_word_document_downloads_from_the_page(page, voila_server):
    rubric = load_rubric("rubrics/swindon-practice-evaluation.yaml")
    store = AuditStore(voila_server.audits_dir)
    record = store.create(rubric, "SW-01")
    answers = sample_answers(rubric, seed=12)
    answers["child_id"] = "C-EXPORT-1"
    record = store.save(
        {**record, "answers": answers, "status": "submitted"}, "SW-01", event="submitted"
    )

    open_app(page, voila_server)
    row = choose_audit(page, record["id"])
    page.get_by_label("Export as").select_option(label="Word")
    row.get_by_role("button", name=re.compile("^Export")).click()  # "Export case C-EXPORT-1"
    link = page.get_by_role("link", name=f"Download {record['id']}.docx")
    expect(link).to_be_visible()
    assert link.get_attribute("href").startswith("data:application/vnd.openxmlformats")
    written = Path(voila_server.audits_dir).parent / "documents" / f"{record['id']}.docx"
    # the link only: where the server keeps its copy is not the page's business
    expect(page.locator(".ab-download")).not_to_contain_text(str(written.parent))
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == f"{record['id']}.docx"
    assert Path(download.value.path()).read_bytes() == written.read_bytes()
