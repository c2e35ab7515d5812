"""The shipped JupyterHub configuration (deploy/jupyterhub_config.py), read as JupyterHub reads
it: the parts tests/browser/test_hub.py replaces (the sign-in) and the parts it relies on."""

from __future__ import annotations

from pathlib import Path

import pytest
from jupyterhub.spawner import LocalProcessSpawner
from traitlets.config.loader import PyFileConfigLoader
from traitlets.utils.importstring import import_item

from auditbook.hub import SharedAccountSpawner
from auditbook.serve import extension_args

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
