"""The Voilà command line as shipped: locked down (docs/deploy.md)."""

from __future__ import annotations

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
