"""The shipped JupyterHub configuration (deploy/jupyterhub_config.py), read as JupyterHub reads
it, and run with its own sign-in: the part tests/browser/test_hub.py replaces."""

from __future__ import annotations

import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from jupyterhub.spawner import LocalProcessSpawner
from traitlets.config.loader import PyFileConfigLoader
from traitlets.utils.importstring import import_item

from auditbook.serving.hub import SharedAccountSpawner
from auditbook.serving.serve import ServerProcess, extension_args, free_port

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy" / "jupyterhub_config.py"


@pytest.fixture
def config(tmp_path, monkeypatch):
    for name in ("HOME", "AUDITS", "HUB_URL", "RUBRICS", "PSEUDONYM_KEY"):
        monkeypatch.delenv(f"AUDITBOOK_{name}", raising=False)
    users = tmp_path / "users.txt"
    users.write_text("Alice.Auditor\n\nbob.moderator  \n", encoding="utf-8")
    monkeypatch.setenv("AUDITBOOK_HUB_STATE", str(tmp_path / "state"))
    monkeypatch.setenv("AUDITBOOK_HUB_USERS", str(users))
    return PyFileConfigLoader(DEPLOY.name, path=str(DEPLOY.parent)).load_config()


def test_each_person_signs_in_with_their_organisation_account(config):
    from importlib.metadata import entry_points

    assert config.JupyterHub.authenticator_class == "azuread"
    [entry] = entry_points(group="jupyterhub.authenticators", name="azuread")
    assert entry.load().__name__ == "AzureAdOAuthenticator"  # oauthenticator is installed
    assert config.Authenticator.allowed_users == {"alice.auditor", "bob.moderator"}
    assert config.Authenticator.allow_all is False


def test_users_servers_run_the_locked_down_app_over_the_shared_folder(config, tmp_path):
    assert config.JupyterHub.bind_url == "http://127.0.0.1:8000"
    spawner = import_item(config.JupyterHub.spawner_class)
    assert spawner is SharedAccountSpawner and issubclass(spawner, LocalProcessSpawner)
    assert config.Spawner.default_url == "/voila/render/audit.ipynb"
    assert Path(config.Spawner.notebook_dir) == ROOT / "notebooks"
    assert set(extension_args()) <= set(config.Spawner.args)
    assert "--ServerApp.terminals_enabled=False" in config.Spawner.args
    assert config.Spawner.environment["AUDITBOOK_AUDITS"] == str(ROOT / "exports" / "audits")
    key = config.Spawner.environment["AUDITBOOK_PSEUDONYM_KEY"]  # one for all users' servers
    assert key == str(tmp_path / "state" / "pseudonym.key")
    assert config.SharedAccountSpawner.home_dir_template.startswith(str(tmp_path / "state"))
    assert (tmp_path / "state").stat().st_mode & 0o777 == 0o700
    assert "allow-root" not in " ".join(config.Spawner.args)  # a root hub's servers refuse


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_the_shipped_sign_in_sends_people_to_microsoft_entra_id(tmp_path):
    """The file as shipped, only the ports moved: the hub starts, its sign-in page offers the
    organisation's accounts and hands the browser to Entra ID with the app registration's
    client id and the hub's callback (Entra ID itself is on the internet, not reachable here)."""
    proxy = ROOT / "deploy" / "node_modules" / ".bin" / "configurable-http-proxy"
    assert proxy.exists(), "`make test` installs JupyterHub's proxy with npm ci in deploy/"
    port = free_port()
    config = tmp_path / "ports.py"
    config.write_text(
        f"load_subconfig({str(DEPLOY)!r})\n"
        f"c.JupyterHub.bind_url = 'http://127.0.0.1:{port}'\n"
        f"c.JupyterHub.hub_bind_url = 'http://127.0.0.1:{free_port()}'\n"
        f"c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:{free_port()}'\n",
        encoding="utf-8",
    )
    (tmp_path / "users.txt").write_text("a.smith@council.example\n", encoding="utf-8")
    callback = f"http://127.0.0.1:{port}/hub/oauth_callback"
    env = {
        "AUDITBOOK_HUB_STATE": str(tmp_path / "state"),
        "AUDITBOOK_HUB_USERS": str(tmp_path / "users.txt"),
        "AZURE_TENANT_ID": "tenant-0000",
        "AZURE_CLIENT_ID": "client-1111",
        "AZURE_CLIENT_SECRET": "not-a-secret",
        "AUDITBOOK_HUB_CALLBACK_URL": callback,
    }
    hub = ServerProcess(
        [sys.executable, "-m", "jupyterhub", "-f", str(config)],
        tmp_path / "hub.log",
        f"http://127.0.0.1:{port}",
        probe="/hub/api",
        cwd=tmp_path,
        env=env,
        timeout=90,
        name="JupyterHub",
        stop_timeout=30,
    )
    with hub:
        with urllib.request.urlopen(hub.url + "/hub/login", timeout=30) as page:
            assert b"Sign in with Azure AD" in page.read()
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            opener.open(hub.url + "/hub/oauth_login", timeout=30)
            raise AssertionError("the hub did not send the browser to Entra ID")
        except urllib.error.HTTPError as answer:
            assert answer.code == 302
            location = urllib.parse.urlsplit(answer.headers["Location"])
    assert location.scheme == "https" and location.netloc == "login.microsoftonline.com"
    assert location.path.startswith("/tenant-0000/oauth2/")
    query = urllib.parse.parse_qs(location.query)
    assert query["client_id"] == ["client-1111"]
    assert query["redirect_uri"] == [callback]
    assert query["state"] and query["code_challenge_method"] == ["S256"]
