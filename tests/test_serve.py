"""The Voilà command line as shipped: locked down (docs/deploy.md)."""

from __future__ import annotations

import urllib.error
import urllib.request

from auditbook.serving import serve


def test_command_is_locked_down():
    cmd = serve.voila_command("notebooks", 8866)
    assert "--Voila.ip=127.0.0.1" in cmd
    assert "--no-browser" in cmd
    assert "--show_tracebacks=False" in cmd
    assert "--strip_sources=True" in cmd
    assert "--VoilaConfiguration.file_denylist=.*" in cmd
    assert "--MappingKernelManager.cull_idle_timeout=900" in cmd
    assert "--MappingKernelManager.cull_connected=False" in cmd
    assert "--KernelManager.transport=ipc" in cmd
    assert "--KernelManager.transport=ipc" in serve.extension_args()
    # auditbook.serving.voila_pages: a closed page's kernel is shut down as it closes; a CSP.
    assert cmd[1:3] == ["-m", "auditbook.serving.voila"]
    assert (
        "--ServerApp.jpserver_extensions=auditbook.serving.voila_pages=True"
        in serve.extension_args()
    )


def test_voila_pages_installs_once():
    from voila.handler import BaseVoilaHandler

    from auditbook.serving import voila_pages

    voila_pages.install()
    patched = BaseVoilaHandler.prepare
    voila_pages.install()
    assert BaseVoilaHandler.prepare is patched  # not wrapped twice
    assert voila_pages._jupyter_server_extension_points() == [
        {"module": "auditbook.serving.voila_pages"}
    ]


def test_each_setting_given_once_so_voila_starts():
    # traitlets refuses a setting given twice on the command line.
    cmd = serve.voila_command("notebooks", 8866, cull=(2, 1))
    names = [arg.split("=")[0] for arg in cmd if arg.startswith("--")]
    assert len(names) == len(set(names))
    assert "--MappingKernelManager.cull_idle_timeout=2" in cmd


def test_main_binds_loopback_unless_told(monkeypatch):
    ran = []
    monkeypatch.setattr(serve.os, "execvp", lambda prog, cmd: ran.append(cmd))
    monkeypatch.delenv("AUDITBOOK_IP", raising=False)
    serve.main(["--notebook", "notebooks/audit.ipynb"])
    monkeypatch.setenv("AUDITBOOK_IP", "10.0.0.5")
    serve.main(["--notebook", "notebooks/audit.ipynb"])
    serve.main(["--notebook", "notebooks/audit.ipynb", "--ip", "0.0.0.0"])
    assert [next(a for a in cmd if a.startswith("--Voila.ip=")) for cmd in ran] == [
        "--Voila.ip=127.0.0.1",
        "--Voila.ip=10.0.0.5",
        "--Voila.ip=0.0.0.0",
    ]


def test_only_app_pages_are_preheated():
    # An analysis notebook (explore.ipynb: 500 demo audits and charts) is for JupyterLab;
    # preheating it made every start compete with the app pages for the first visit.
    import json
    import re
    from pathlib import Path

    cmd = serve.voila_command("notebooks", 8866)
    assert "--preheat_kernel=True" in cmd
    [denied] = [a for a in cmd if a.startswith("--VoilaKernelManager.preheat_denylist=")]
    patterns = json.loads(denied.split("=", 1)[1])

    # Voilà matches each pattern from the start of the notebook's absolute path.
    def preheated(name):
        path = str(Path("notebooks").resolve() / name)
        return not any(re.match(p, path) or p in path for p in patterns)

    assert not preheated("explore.ipynb")
    for page in ("audit.ipynb", "dashboard.ipynb", "guidance.ipynb", "calibration.ipynb"):
        assert preheated(page)
    assert serve.notebook_kind("notebooks/explore.ipynb") == "analysis"
    assert serve.notebook_kind("notebooks/audit.ipynb") == "page"
    # A single notebook has a pool of its own only.
    assert serve.preheat_args("notebooks/audit.ipynb") == ["--preheat_kernel=True"]


WAIT_FOR_VISITOR = """
import asyncio, os, sys, threading
import tornado.httpserver, tornado.netutil, tornado.web, tornado.websocket

class Query(tornado.websocket.WebSocketHandler):
    def open(self, kernel_id):
        seen.append((self.request.path, kernel_id))
        self.write_message('{"QUERY_STRING": "visit=1"}')

seen = []
ready = threading.Event()

def serve():
    async def main():
        [sock] = tornado.netutil.bind_sockets(0, "127.0.0.1")
        app = tornado.web.Application([(r"/voila/query/(.*)", Query)])
        tornado.httpserver.HTTPServer(app).add_sockets([sock])
        os.environ["VOILA_APP_PORT"] = str(sock.getsockname()[1])
        ready.set()
        await asyncio.Event().wait()
    asyncio.run(main())

threading.Thread(target=serve, daemon=True).start()
ready.wait()
os.environ.update(VOILA_PREHEAT="True", VOILA_KERNEL_ID="k-1", VOILA_SERVER_URL="/")
from auditbook.pages.common import wait_for_visitor
wait_for_visitor()
print(seen, os.environ.get("QUERY_STRING"), "voila" in sys.modules)
"""


def test_wait_for_visitor_waits_on_voilas_query_socket_without_importing_voila():
    # voila.utils.wait_for_request imports Voilà's server into every preheated kernel (3-5 s
    # of CPU each as the server starts); auditbook.pages.common speaks the same protocol without it.
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", WAIT_FOR_VISITOR], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["[('/voila/query/k-1',", "'k-1')]", "visit=1", "False"]


def test_make_app_serves_the_whole_folder_starting_on_the_app_page(monkeypatch, capsys):
    # One server for every page (the header links to each), whichever page APP names first.
    ran = []
    monkeypatch.setattr(serve.os, "execvp", lambda prog, cmd: ran.append(cmd))
    serve.main(["--notebook", "notebooks/dashboard.ipynb", "--port", "9000"])
    serve.main(["--notebook", "notebooks"])
    first, folder = ran
    assert first[1:5] == [
        "-m",
        "auditbook.serving.voila",
        "--first-page=dashboard.ipynb",
        "notebooks",
    ]
    assert folder[1:4] == ["-m", "auditbook.serving.voila", "notebooks"]  # audit.ipynb first
    out = capsys.readouterr().out
    assert "open http://127.0.0.1:9000/ (it starts on dashboard.ipynb" in out
    assert serve.open_url("0.0.0.0", 8866) == "http://127.0.0.1:8866/"
    assert serve.open_url("::1", 8866) == "http://[::1]:8866/"


def test_voila_takes_the_first_page_off_voilas_command_line(monkeypatch):
    import sys

    from auditbook.serving import voila

    seen = []
    monkeypatch.setattr(voila, "install", lambda first=None: seen.append(first))
    monkeypatch.setattr("voila.app.main", lambda: seen.append(list(sys.argv[1:])))
    monkeypatch.setattr(sys, "argv", ["voila", "--first-page=guidance.ipynb", "notebooks", "--x=1"])
    voila.main()
    assert seen == ["guidance.ipynb", ["notebooks", "--x=1"]]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def status_and_location(url: str) -> tuple[int, str | None]:
    try:
        with urllib.request.build_opener(NoRedirect).open(url, timeout=30) as r:
            return r.status, r.headers.get("Location")
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Location")


def test_the_root_and_the_file_listing_redirect_to_the_first_page(tmp_path):
    # Council staff land on the app, never on a listing of the folder (Voilà has no setting
    # for it: auditbook.serving.voila_pages redirects).
    from .conftest import notebook

    pages = tmp_path / "pages"
    pages.mkdir()
    notebook(pages / "first.ipynb", "print('first')")
    with serve.VoilaProcess(pages, tmp_path / "voila.log", first_page="first.ipynb") as server:
        for path in ("/", "/voila/tree", "/voila/tree/"):
            assert status_and_location(server.url + path) == (302, "/voila/render/first.ipynb")
        for path in ("/voila/tree/first.ipynb", "/voila/tree/sub/", "/voila/tree/.."):
            assert status_and_location(server.url + path)[0] == 404, path
