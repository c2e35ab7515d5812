"""Voilà as shipped: every route refuses saved audits and notebook sources, no tracebacks,
loopback only, and the kernels of closed pages go away (docs/deploy.md)."""

from __future__ import annotations

import json
import shutil
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import pytest

from auditbook.demo import generate
from auditbook.serving.serve import VoilaProcess

from ..conftest import notebook
from .conftest import ROOT, START_TIMEOUT, page_kernel, wait_for_kernel_to_end, wait_for_widgets

pytestmark = pytest.mark.browser
DECOY = "DECOY-EXPORT-7f3a9c"  # text in a file beside the audits, where exports are written
SOURCE = "audit_app(audits=audits)"  # a line of audit.ipynb's source


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, timeout: float = 60, follow: bool = True) -> tuple[int, bytes]:
    """The status and body of `url`; a page still loading after `timeout` seconds fails the
    test (a render waiting on a dead kernel streams forever) instead of hanging the run.
    follow=False answers a redirect with its status, and its Location as the body."""
    deadline = time.monotonic() + timeout
    opener = urllib.request.build_opener(*([] if follow else [NoRedirect]))
    try:
        with opener.open(url, timeout=timeout) as r:
            chunks = []
            while chunk := r.read1(65536):
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{url} still loading after {timeout} s")
            return r.status, b"".join(chunks)
    except urllib.error.HTTPError as e:
        if 300 <= e.code < 400:
            return e.code, (e.headers.get("Location") or "").encode()
        return e.code, e.read()


def kernel_connections(server: VoilaProcess) -> list[Path]:
    """The connection files of the kernels the server has running (Voilà has no kernel list
    route), one per kernel process."""
    connections = []
    for child in psutil.Process(server.process.pid).children(recursive=True):
        try:  # a culled kernel may be exiting, or a zombie until the server reaps it
            if child.status() == psutil.STATUS_ZOMBIE:
                continue
            cmdline = child.cmdline()
        except psutil.Error:
            continue
        if "ipykernel" in " ".join(cmdline) and "-f" in cmdline:
            connections.append(Path(cmdline[cmdline.index("-f") + 1]))
    return connections


def kernels(server: VoilaProcess) -> int:
    """How many kernels the server has running."""
    return len(kernel_connections(server))


def kernel_running(server: VoilaProcess, kernel_id: str) -> bool:
    return any(c.name == f"kernel-{kernel_id}.json" for c in kernel_connections(server))


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The project's layout in a temporary folder: notebooks/ beside exports/audits/."""
    root = tmp_path_factory.mktemp("project")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    generate(root / "exports" / "audits", n=2, seed=3)
    (root / "exports" / "decoy.json").write_text(json.dumps({"note": DECOY}), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def shipped(project, tmp_path_factory):
    log = tmp_path_factory.mktemp("lockdown") / "voila.log"
    with VoilaProcess(
        project / "notebooks",
        log,
        cwd=ROOT,
        env={
            "AUDITBOOK_AUDITS": str(project / "exports" / "audits"),
            "AUDITBOOK_RUBRICS": str(ROOT / "rubrics"),
        },
        timeout=START_TIMEOUT,
    ) as server:
        yield server


def routes(project: Path) -> list[str]:
    audits = sorted((project / "exports" / "audits").glob("*.json"))
    assert audits, "the synthetic audits were not written"
    targets = [
        *[f"exports/audits/{a.name}" for a in audits],
        "exports/decoy.json",
        "exports/audits",
        "exports",
    ]
    absolute = [str(a) for a in audits] + [str(project / "exports" / "decoy.json")]
    prefixes = [
        "/voila/files/",
        "/files/",
        "/voila/render/",
        "/voila/tree/",
        "/tree/",
        "/notebooks/",
        "/voila/api/contents/",
        "/api/contents/",
        "/voila/static/",
        "/static/",
        "/voila/templates/",
        "/voila/labextensions/",
        "/voila/api/themes/",
        "/view/",
        "/edit/",
        "/",
    ]
    ups = ["../", "%2e%2e/", "..%2f"]
    urls = []
    for prefix in prefixes:
        for target in targets:
            for up in ups:
                urls.append(prefix + up + target)
            urls.append(prefix + target)
        for path in absolute:
            urls.append(prefix + path.lstrip("/"))
            urls.append(prefix + "/" + path.lstrip("/"))
        # The notebook sources, by name.
        urls += [prefix + "audit.ipynb", prefix + "audit.ipynb?content=1&format=text"]
    urls += [
        "/voila/api/contents",
        "/voila/api/contents/?content=1",
        "/api/contents",
        "/api/kernels",
        "/api/sessions",
        "/tree",
        "/voila/tree",
        "/voila/files/",
    ]
    return urls


def test_no_route_gives_out_audits_exports_or_sources(shipped, project):
    audits = sorted((project / "exports" / "audits").glob("*.json"))
    secrets = {a.name: a.read_text(encoding="utf-8")[:120] for a in audits}
    secrets["decoy"] = DECOY
    urls = routes(project)
    exposed, statuses = [], {}
    for path in urls:
        # The root and the file listing redirect to the app page: not followed (rendering it
        # would start a kernel each time). Any other redirect is followed to where it leads.
        status, body = fetch(shipped.url + path, timeout=20, follow=False)
        if 300 <= status < 400 and body != b"/voila/render/audit.ipynb":
            status, body = fetch(urllib.parse.urljoin(shipped.url + path, body.decode()), 20)
        statuses[status] = statuses.get(status, 0) + 1
        text = body.decode("utf-8", errors="replace")
        leaks = [name for name, secret in secrets.items() if secret in text]
        if SOURCE in text:
            leaks.append("audit.ipynb source")
        if leaks:
            exposed.append((path, status, leaks))
    print(f"URLs tried: {len(urls)}; statuses: {statuses}; exposed: {len(exposed)}")
    assert not exposed, exposed
    assert kernels(shipped) <= 8, "the traversal requests started kernels"


def test_rendered_app_has_no_notebook_source(shipped):
    status, body = fetch(shipped.render_url("audit.ipynb"))
    assert status == 200
    assert SOURCE not in body.decode("utf-8")


def test_contents_api_lists_notebooks_without_their_content(shipped):
    status, body = fetch(shipped.url + "/voila/api/contents/audit.ipynb?content=1")
    assert status == 200
    assert json.loads(body)["content"] is None


def test_listens_on_loopback_only(shipped):
    listening = [
        c.laddr
        for c in psutil.Process(shipped.process.pid).net_connections(kind="inet")
        if c.status == psutil.CONN_LISTEN
    ]
    assert listening, "Voilà listens on no address"
    assert {addr.ip for addr in listening} == {"127.0.0.1"}, listening


def test_kernels_use_unix_sockets_not_tcp_ports(shipped):
    # TCP kernels started at the same moment can race for a port and die at start, leaving
    # their page loading forever (auditbook.serving.serve.KERNEL_TRANSPORT).
    status, _ = fetch(shipped.render_url("audit.ipynb"))
    assert status == 200
    connections = kernel_connections(shipped)
    pairs = [(c, json.loads(c.read_text(encoding="utf-8"))) for c in connections if c.exists()]
    assert pairs
    infos = [info for _, info in pairs]
    for connection, info in pairs:
        assert info["transport"] == "ipc", info
        # The channels are socket files beside the connection file, in Voilà's private folder.
        assert Path(info["ip"]).parent == connection.parent
        assert connection.parent.stat().st_mode & 0o777 == 0o700
    # The page's kernel is up, so its sockets are bound; a kernel the preheated pool is still
    # starting may not have bound its own yet.
    assert any(Path(f"{info['ip']}-{info['shell_port']}").is_socket() for info in infos)


@pytest.fixture(scope="module")
def culling(tmp_path_factory):
    """Voilà as shipped over two small notebooks, culling after 5 s idle, checked each second
    (long enough that a kernel starting under a loaded CI machine is not culled first)."""
    folder = tmp_path_factory.mktemp("culled")
    notebook(
        folder / "fails.ipynb",
        "def read_case():\n    raise ValueError('CASE-DETAIL-in-traceback')\n",
        "read_case()",
    )
    notebook(folder / "visit.ipynb", "print('visited')")
    log = tmp_path_factory.mktemp("culling") / "voila.log"
    with VoilaProcess(folder, log, cwd=ROOT, timeout=START_TIMEOUT, cull=(5, 1)) as server:
        yield server


def test_an_error_shows_no_traceback(culling):
    status, body = fetch(culling.render_url("fails.ipynb"))
    text = body.decode("utf-8")
    assert "CASE-DETAIL-in-traceback" not in text
    assert "Traceback" not in text and "read_case" not in text
    assert "error" in text.lower()  # a short message says something went wrong


def test_fifty_visits_leave_no_fifty_kernels(culling):
    # Plain HTTP renders: each runs the notebook in its own kernel server-side, as a page
    # visit does, and never connects a websocket, like a page that has been closed.
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=5) as pool:
        results = list(pool.map(lambda _: fetch(culling.render_url("visit.ipynb")), range(50)))
    assert all(status == 200 and b"visited" in body for status, body in results)
    print(f"50 visits in {time.monotonic() - start:.1f} s; kernels after: {kernels(culling)}")
    deadline = time.monotonic() + 45
    while kernels(culling) > 4 and time.monotonic() < deadline:
        time.sleep(0.5)
    left = kernels(culling)
    print(f"kernels running {time.monotonic() - start:.1f} s after the first visit: {left}")
    assert left <= 4  # one preheated kernel per notebook, and at most two more


def wait_for_no_kernel(server: VoilaProcess, kernel_id: str) -> float:
    def shutdowns() -> str:
        return "\n".join(line for line in server.output().splitlines() if "shutdown" in line)

    return wait_for_kernel_to_end(kernel_id, lambda k: kernel_running(server, k), detail=shutdowns)


def test_closing_or_reloading_a_page_ends_its_kernel(shipped, page):
    # voila#1458: Voilà's page asks for its kernel's shutdown as it unloads, and without
    # auditbook.serving.voila_pages the request is refused (403) and the kernel runs on until
    # culled, 15 minutes later in the shipped configuration. Here it goes within seconds.
    page.goto(shipped.render_url("audit.ipynb"), timeout=90_000)
    wait_for_widgets(page, ".ab-app")
    first = page_kernel(page)
    assert kernel_running(shipped, first)

    page.reload(timeout=90_000)  # a reload is a close and a new visit
    wait_for_widgets(page, ".ab-app")
    second = page_kernel(page)
    assert second != first
    took = wait_for_no_kernel(shipped, first)
    print(f"\nkernel of the reloaded page gone after {took:.1f} s")
    assert kernel_running(shipped, second)

    page.goto("about:blank")  # the auditor closes the page, or goes elsewhere
    took = wait_for_no_kernel(shipped, second)
    print(f"kernel of the closed page gone after {took:.1f} s")
    log = shipped.output().splitlines()
    refused = [line for line in log if "403 POST /voila/api/shutdown" in line]
    assert not refused, refused


@pytest.mark.parametrize(
    "notebook, selector",
    [
        ("audit.ipynb", ".ab-app"),
        ("dashboard.ipynb", ".ab-figure"),
        ("guidance.ipynb", ".ab-guidance-page"),
        ("calibration.ipynb", ".jupyter-widgets"),
    ],
)
def test_pages_fetch_nothing_from_another_host(shipped, page, notebook, selector):
    # Voilà's template links Font Awesome from cdn.jsdelivr.net; the page's policy
    # (auditbook.serving.voila_pages.PAGE_POLICY) keeps it, and anything else, to its own server.
    server = shipped.url
    elsewhere, blocked, violations = [], [], []
    page.on("request", lambda r: None if r.url.startswith(server) else elsewhere.append(r.url))
    page.on(
        "requestfailed",
        lambda r: blocked.append(r.url) if r.failure == "csp" else None,
    )
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    response = page.goto(shipped.render_url(notebook), timeout=90_000)
    assert "default-src 'self'" in response.headers["content-security-policy"]
    wait_for_widgets(page, selector)
    page.wait_for_load_state("load")
    outside = [u for u in elsewhere if not u.startswith(("data:", "blob:"))]
    assert outside, "Voilà's template no longer links another host: update this test"
    assert sorted(blocked) == sorted(outside), "a request left for another host"
    # Nothing of the page's own was refused: only the stylesheets from elsewhere.
    assert all("cdn.jsdelivr.net" in v for v in violations), violations
    icon = page.locator(".fa").first  # Voilà's own bundle carries the icon font
    if icon.count():
        assert "Font Awesome" in icon.evaluate("i => getComputedStyle(i).fontFamily")
