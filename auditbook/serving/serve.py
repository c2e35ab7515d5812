"""Running Voilà: the command line, and the server processes the tests and benchmarks share."""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path

# Kernels of closed pages: Voilà 0.5's page asks for its kernel's shutdown as it closes, and
# auditbook.serving.voila_pages makes that request work (voila#1458). A browser that crashes, or
# loses its connection, sends no such request, so idle kernels with no page connected are
# also culled. An open page keeps its websocket and is never culled (cull_connected stays
# False), so an auditor who pauses over a case is not cut off; a page whose connection has
# dropped for longer than this loses its kernel (drafts autosave).
CULL_IDLE_TIMEOUT = 900  # seconds
CULL_INTERVAL = 60  # seconds


# Kernels talk to the server over Unix sockets in the server's private connection folder, not
# loopback TCP ports: with TCP, pages opened at the same moment can start kernels that race
# for the same free port; the loser dies at start ("Address already in use") and Voilà then
# waits on it forever, so the page never finishes loading (seen in CI: five renders at once).
# Sockets are also closed to other accounts on the machine, where TCP ports are open to all.
KERNEL_TRANSPORT = "--KernelManager.transport=ipc"


def kernel_args(cull_idle_timeout: float, cull_interval: float) -> list[str]:
    """Kernel settings, the same for Voilà and a Jupyter server: culling and transport."""
    return [
        f"--MappingKernelManager.cull_idle_timeout={cull_idle_timeout:g}",
        f"--MappingKernelManager.cull_interval={cull_interval:g}",
        "--MappingKernelManager.cull_connected=False",
        "--MappingKernelManager.cull_busy=False",
        KERNEL_TRANSPORT,
    ]


def lockdown_args(
    cull_idle_timeout: float = CULL_IDLE_TIMEOUT, cull_interval: float = CULL_INTERVAL
) -> list[str]:
    """Voilà settings that serve the app notebooks and nothing else (docs/deploy.md)."""
    return [
        "--no-browser",
        # Auditors see a short error, never a traceback that may quote case data.
        "--show_tracebacks=False",
        "--strip_sources=True",
        # /voila/files/ serves no file at all (Voilà's default serves images under the root).
        "--VoilaConfiguration.file_denylist=.*",
        *kernel_args(cull_idle_timeout, cull_interval),
    ]


def extension_args(
    cull_idle_timeout: float = CULL_IDLE_TIMEOUT, cull_interval: float = CULL_INTERVAL
) -> list[str]:
    """The same lockdown for Voilà as a Jupyter server extension, as each JupyterHub user's
    server runs it (deploy/jupyterhub_config.py): Jupyter server command-line settings."""
    return [
        "--VoilaConfiguration.show_tracebacks=False",
        "--VoilaConfiguration.strip_sources=True",
        "--VoilaConfiguration.file_denylist=.*",
        *kernel_args(cull_idle_timeout, cull_interval),
        # Voilà's pages: a closed page's kernel shut down, and a Content-Security-Policy
        # (auditbook.serving.voila_pages).
        "--ServerApp.jpserver_extensions=auditbook.serving.voila_pages=True",
        # Auditors need the app's pages, not a shell on the server.
        "--ServerApp.terminals_enabled=False",
    ]


# Debian's chromium: Playwright's own browser download is not reachable from CI.
CHROMIUM = os.environ.get("AUDITBOOK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # Only the local server is reachable: anything else fails at once instead of waiting on
    # a network that CI does not have (the pages' own policy already blocks Voilà's CDN
    # stylesheets; tests/browser/test_lockdown.py tells the two failures apart).
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]


def notebook_kind(path: str | Path) -> str:
    """The notebook's `auditbook.kind` metadata: "page" (a thin notebook Voilà serves as an
    app page, the default) or "analysis" (a worked example for JupyterLab)."""
    try:
        metadata = json.loads(Path(path).read_text(encoding="utf-8")).get("metadata", {})
    except (OSError, ValueError):
        return "page"
    return (metadata.get("auditbook") or {}).get("kind", "page")


def preheat_args(notebook: str | Path) -> list[str]:
    """A kernel per app page runs the page's notebook ahead of the first visit, so pages open
    in a few seconds; Voilà's default would also preheat every other notebook in the folder.

    A page opened while its pooled kernel is still running the notebook waits for that run,
    so the first visit to a fresh server waits for every kernel Voilà starts at once. Analysis
    notebooks (notebooks/explore.ipynb writes 500 demo audits and draws charts) are for
    JupyterLab: preheating them made each start compete with the app pages, on two cores,
    for work nobody asked for; they still open, with a kernel started for the visit.
    """
    args = ["--preheat_kernel=True"]
    folder = Path(notebook)
    if folder.is_dir():
        # Voilà matches each entry as a regex from the start of the notebook's absolute path
        # (or as a substring of it): "(.*/)?explore\.ipynb$" is that notebook of the folder.
        skip = [
            "(.*/)?" + re.escape(path.relative_to(folder).as_posix()) + "$"
            for path in sorted(folder.rglob("*.ipynb"))
            if ".ipynb_checkpoints" not in path.parts and notebook_kind(path) != "page"
        ]
        if skip:  # one list, as JSON: a bare string here is silently ignored
            args.append(f"--VoilaKernelManager.preheat_denylist={json.dumps(skip)}")
    return args


def voila_command(
    notebook: str | Path,
    port: int,
    ip: str = "127.0.0.1",
    extra: Sequence[str] = (),
    cull: tuple[float, float] = (CULL_IDLE_TIMEOUT, CULL_INTERVAL),
    first_page: str | None = None,
) -> list[str]:
    """Voilà serving `notebook` (a file, or a folder for /voila/render/<name>.ipynb) on ip:port;
    a folder's root URL redirects to its `first_page` (default audit.ipynb)."""
    return [
        sys.executable,
        "-m",
        "auditbook.serving.voila",  # Voilà, with voila_pages' additions to its pages
        *([f"--first-page={first_page}"] if first_page else []),
        str(notebook),
        f"--Voila.ip={ip}",
        f"--port={port}",
        *lockdown_args(*cull),
        *preheat_args(notebook),
        *extra,
    ]


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


# Waiting for a server: a redirect is an answer, not followed (following Voilà's root to the
# app page would render it, and take a kernel, as the server starts).
_NOT_FOLLOWING = urllib.request.build_opener(_NoRedirect)


class ServerProcess:
    """A server started in its own process group, waited for until `url` + `probe` answers;
    `with` stops it and anything it started (kernels, a proxy, users' servers)."""

    def __init__(
        self,
        command: Sequence[str],
        log: Path,
        url: str,
        probe: str = "/",
        cwd: str | Path = ".",
        env: dict | None = None,
        timeout: float = 60,
        name: str = "The server",
        stop_timeout: float = 15,
    ):
        self.url, self.log, self.name, self.stop_timeout = url, Path(log), name, stop_timeout
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                list(command),
                cwd=cwd,
                env={**os.environ, **(env or {})},
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wait(self.url + probe, timeout)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def _wait(self, probe: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with code {self.process.returncode} before "
                    f"answering:\n{self.output()}"
                )
            try:
                with _NOT_FOLLOWING.open(probe, timeout=2):
                    return
            except urllib.error.HTTPError as exc:
                if 300 <= exc.code < 400:
                    return  # answering: Voilà's root redirects to the first page
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(
                    f"{self.name} did not answer on {probe} within {timeout} s:\n{self.output()}"
                )
            time.sleep(0.25)

    def stop(self) -> None:
        proc = self.process
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        # Kernels live in the server's own process group: end any it left behind.
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


class VoilaProcess(ServerProcess):
    """Voilà started in its own process group on a free loopback port; `with` stops it."""

    def __init__(
        self,
        notebook: str | Path,
        log: Path,
        cwd: str | Path = ".",
        env: dict | None = None,
        extra: Sequence[str] = (),
        timeout: float = 60,
        cull: tuple[float, float] = (CULL_IDLE_TIMEOUT, CULL_INTERVAL),
        first_page: str | None = None,
    ):
        self.port = free_port()
        super().__init__(
            voila_command(notebook, self.port, extra=extra, cull=cull, first_page=first_page),
            log,
            f"http://127.0.0.1:{self.port}",
            cwd=cwd,
            env=env,
            timeout=timeout,
            name="Voilà",
        )

    def render_url(self, notebook: str) -> str:
        """The page a person opens for `notebook` in tree mode, e.g. "guidance.ipynb"."""
        return f"{self.url}/voila/render/{notebook}"


def default_notebook() -> str:
    audit = Path("notebooks/audit.ipynb")
    return str(audit) if audit.exists() else "notebooks/guidance.ipynb"


def app_folder(notebook: str | Path) -> tuple[Path, str | None]:
    """The folder to serve and the page to start on, for `make app APP=notebooks/x.ipynb`:
    the notebook's whole folder, so that every page is served and the header's links work,
    starting on x.ipynb. A folder starts on its default first page (None)."""
    path = Path(notebook)
    if path.is_dir():
        return path, None
    return path.parent, path.name


def open_url(ip: str, port: int) -> str:
    """The address a person opens: the server's root, which redirects to the first page."""
    host = "127.0.0.1" if ip in ("", "0.0.0.0", "::") else ip
    return f"http://{'[' + host + ']' if ':' in host else host}:{port}/"


def main(argv: Sequence[str] | None = None) -> None:
    """Replace this process with Voilà serving the app's pages:
    `python -m auditbook.serving.serve [--port N] [--notebook P]`."""
    parser = argparse.ArgumentParser(
        prog="python -m auditbook.serving.serve", description=main.__doc__
    )
    parser.add_argument("--port", type=int, default=8866)
    parser.add_argument("--notebook", default=default_notebook())
    parser.add_argument(
        "--ip",
        default=os.environ.get("AUDITBOOK_IP", "127.0.0.1"),
        help="address to listen on (default 127.0.0.1, or $AUDITBOOK_IP)",
    )
    args = parser.parse_args(argv)
    folder, first = app_folder(args.notebook)
    cmd = voila_command(folder, args.port, ip=args.ip, first_page=first)
    print(
        f"auditbook: open {open_url(args.ip, args.port)} (it starts on "
        f"{first or 'audit.ipynb'}; the header links to every page)",
        flush=True,
    )
    os.execvp(cmd[0], cmd)


if __name__ == "__main__":
    main()
