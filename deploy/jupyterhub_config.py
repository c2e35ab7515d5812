# JupyterHub for auditbook: a team signs in; each person gets their own Jupyter server with the
# auditor app through Voilà's server extension; every server writes to one shared audits folder.
#
#   make hub      (installs the hub's packages and its proxy, then runs this file)
#
# docs/deploy.md explains each part. tests/browser/test_hub.py runs this very file, changing
# only the sign-in (a test authenticator instead of Microsoft Entra ID) and the ports.
# Settings come from the environment so that the file itself need not be edited:
#   AUDITBOOK_HOME           the project checkout (default: the folder above this file)
#   AUDITBOOK_AUDITS         the shared audits folder (default: $AUDITBOOK_HOME/exports/audits)
#   AUDITBOOK_HUB_STATE      the hub's own files: database, cookie secret, users' homes, the
#                            pseudonym key (default /var/lib/auditbook-hub)
#   AUDITBOOK_HUB_USERS      a file of the user names allowed in, one per line
#                            (default $AUDITBOOK_HUB_STATE/users.txt)
#   AUDITBOOK_HUB_URL        where the hub listens (default http://127.0.0.1:8000: put an
#                            HTTPS reverse proxy in front of it)
#   AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, AUDITBOOK_HUB_CALLBACK_URL
#                            the app registration for Microsoft Entra ID sign-in
import os
import sys
from pathlib import Path

from auditbook.serving.serve import extension_args

c = get_config()  # noqa: F821 (JupyterHub's config loader defines it)

home = Path(os.environ.get("AUDITBOOK_HOME", Path(__file__).resolve().parent.parent))
audits = Path(os.environ.get("AUDITBOOK_AUDITS", home / "exports" / "audits")).resolve()
state = Path(os.environ.get("AUDITBOOK_HUB_STATE", "/var/lib/auditbook-hub"))
users_file = Path(os.environ.get("AUDITBOOK_HUB_USERS", state / "users.txt"))
state.mkdir(mode=0o700, parents=True, exist_ok=True)

# 1. The hub: on loopback behind an HTTPS proxy; its database and secret in the state folder.
c.JupyterHub.bind_url = os.environ.get("AUDITBOOK_HUB_URL", "http://127.0.0.1:8000")
c.JupyterHub.hub_bind_url = "http://127.0.0.1:8081"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:8001"
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = str(state / "jupyterhub-proxy.pid")
proxy = home / "deploy" / "node_modules" / ".bin" / "configurable-http-proxy"
if proxy.exists():  # `make hub` installs it there with npm ci
    c.ConfigurableHTTPProxy.command = [str(proxy)]

# 2. Sign-in: each person with their own organisation account (Microsoft Entra ID, through
#    oauthenticator), and only the people listed in the users file. Everyone admitted can read
#    every audit: list only those who may.
c.JupyterHub.authenticator_class = "azuread"
c.AzureAdOAuthenticator.tenant_id = os.environ.get("AZURE_TENANT_ID", "")
c.AzureAdOAuthenticator.client_id = os.environ.get("AZURE_CLIENT_ID", "")
c.AzureAdOAuthenticator.client_secret = os.environ.get("AZURE_CLIENT_SECRET", "")
c.AzureAdOAuthenticator.oauth_callback_url = os.environ.get("AUDITBOOK_HUB_CALLBACK_URL", "")
c.AzureAdOAuthenticator.username_claim = "preferred_username"
if users_file.exists():
    names = users_file.read_text(encoding="utf-8").split()
    c.Authenticator.allowed_users = {n.strip().lower() for n in names if n.strip()}
c.Authenticator.allow_all = False

# 3. Each user's server: the hub's own service account (the shared folder is 0700), the app's
#    notebooks as its only root, Voilà locked down as `make app` locks it, and the app as the
#    page a user lands on after signing in.
c.JupyterHub.spawner_class = "auditbook.serving.hub.SharedAccountSpawner"
c.SharedAccountSpawner.home_dir_template = str(state / "users" / "{username}")
c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]
c.Spawner.notebook_dir = str(home / "notebooks")
c.Spawner.default_url = "/voila/render/audit.ipynb"
c.Spawner.args = [
    *extension_args(),
    # A server nobody has used for an hour stops itself, and its kernels with it.
    "--ServerApp.shutdown_no_activity_timeout=3600",
]
c.Spawner.environment = {
    "AUDITBOOK_AUDITS": str(audits),
    "AUDITBOOK_RUBRICS": os.environ.get("AUDITBOOK_RUBRICS", str(home / "rubrics")),
    "AUDITBOOK_CALIBRATION": os.environ.get(
        "AUDITBOOK_CALIBRATION", str(home / "exports" / "calibration")
    ),
    # One key for everyone, outside the project: the same child has the same pseudonym in
    # every user's exports (each user's own home would give each their own key).
    "AUDITBOOK_PSEUDONYM_KEY": os.environ.get(
        "AUDITBOOK_PSEUDONYM_KEY", str(state / "pseudonym.key")
    ),
}
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
