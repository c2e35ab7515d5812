"""The app on an existing Jupyter server through Voilà's server extension (as JupyterHub runs
each user's server): signed-in users get the page, anyone else is sent to log in, and the
audits folder, kept outside the server's root, is not served."""

from __future__ import annotations

import shutil
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from auditbook.demo import generate
from auditbook.serving.serve import ServerProcess, extension_args, free_port

from .conftest import notebook

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "test-token-not-a-secret"
START_TIMEOUT = 90


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def get(url: str, token: str | None = None, timeout: float = 90) -> tuple[int, bytes]:
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"token {token}")
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.fixture(scope="module")
def jupyter_server(tmp_path_factory):
    audits = tmp_path_factory.mktemp("shared-audits")
    generate(audits, n=2, seed=9)
    root = tmp_path_factory.mktemp("server") / "notebooks"
    shutil.copytree(ROOT / "notebooks", root)
    notebook(
        root / "fails.ipynb",
        "def read_case():\n    raise ValueError('CASE-DETAIL-in-traceback')\n",
        "read_case()",
    )
    port = free_port()
    command = [
        sys.executable, "-m", "jupyter_server", "--no-browser", "--allow-root",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
        f"--ServerApp.root_dir={root}", f"--IdentityProvider.token={TOKEN}",
        *extension_args(),  # as deploy/jupyterhub_config.py gives each user's server
    ]  # fmt: skip
    try:
        server = ServerProcess(
            command,
            tmp_path_factory.mktemp("jupyter") / "server.log",
            f"http://127.0.0.1:{port}",
            probe="/login",  # answers before signing in
            cwd=ROOT,
            env={
                "AUDITBOOK_AUDITS": str(audits),
                "AUDITBOOK_RUBRICS": str(ROOT / "rubrics"),  # as the hub's config passes them
                "JUPYTER_RUNTIME_DIR": str(tmp_path_factory.mktemp("run")),  # as the spawner
                "JUPYTERHUB_USER": "qa.officer",
            },
            timeout=START_TIMEOUT,
            name="Jupyter server",
        )
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    with server:
        yield server.url, audits


def test_signed_in_user_gets_the_app_at_voila_render(jupyter_server):
    url, audits = jupyter_server
    status, body = get(url + "/voila/render/audit.ipynb", TOKEN)
    assert status == 200
    page = body.decode("utf-8")
    assert "application/vnd.jupyter.widget-view+json" in page
    assert "Case file audits" in page
    # The header: the hub's user signed in, and links relative to /voila/render/ (in the
    # outputs' JSON, which the page renders).
    header = page.replace("\\u003c", "<").replace("\\u003e", ">").replace('\\"', '"')
    assert "Signed in as <strong>qa.officer</strong>" in header
    assert 'href="dashboard.ipynb"' in header
    assert 'href="audit.ipynb" target="_self" aria-current="page"' in header


def test_the_file_listing_redirects_to_the_app(jupyter_server):
    url, _ = jupyter_server
    opener = urllib.request.build_opener(NoRedirect)
    for path in ("/voila", "/voila/tree", "/voila/tree/"):
        request = urllib.request.Request(url + path)
        request.add_header("Authorization", f"token {TOKEN}")
        with pytest.raises(urllib.error.HTTPError) as redirect:
            opener.open(request, timeout=30)
        assert redirect.value.code == 302, path
        assert redirect.value.headers["Location"] == "/voila/render/audit.ipynb", path
    assert get(url + "/voila/tree/audit.ipynb", TOKEN)[0] == 404


def test_anyone_else_is_sent_to_log_in(jupyter_server):
    url, _ = jupyter_server
    status, body = get(url + "/voila/render/audit.ipynb")
    assert status in (302, 403)
    assert b"widget-view" not in body


def test_the_shared_audits_folder_is_not_served(jupyter_server):
    url, audits = jupyter_server
    audit = sorted(audits.glob("demo-*.json"))[0]
    secret = audit.read_bytes()[:200]
    tried = 0
    for path in (
        f"/files/{audit}",
        f"/files/../{audits.name}/{audit.name}",
        f"/api/contents/{audit}",
        f"/api/contents/..%2f{audits.name}%2f{audit.name}",
        f"/voila/files/{audit}",
        f"/voila/render/../{audit.name}",
    ):
        status, body = get(url + path, TOKEN)
        tried += 1
        assert secret not in body, path
        assert status != 200 or b'"content"' not in body, path
    assert tried == 6


def test_an_error_shows_no_traceback(jupyter_server):
    url, _ = jupyter_server
    status, body = get(url + "/voila/render/fails.ipynb", TOKEN)
    text = body.decode("utf-8")
    assert "CASE-DETAIL-in-traceback" not in text
    assert "Traceback" not in text and "read_case" not in text
    assert "error" in text.lower()  # a short message says something went wrong
