"""JupyterHub for auditbook (deploy/jupyterhub_config.py): the spawner that runs every signed-in
user's Jupyter server as the hub's own service account, so that all of them read and write the
one shared audits folder, which the store keeps readable by its owner only (0700, files 0600)."""

from __future__ import annotations

import os

from jupyterhub.spawner import LocalProcessSpawner
from traitlets import Unicode


class SharedAccountSpawner(LocalProcessSpawner):
    """Each user's server as a process of the account the hub runs as (the service account),
    in its own home folder, with a private umask.

    Users are not separated from each other by the operating system: every auditor may read
    every audit in the shared folder, by design, so the hub's sign-in is the boundary. Who saved
    and who exported come from the hub's signed-in user (JUPYTERHUB_USER, set by the hub in each
    server), not from the account. docs/deploy.md says what that trusts."""

    home_dir_template = Unicode(
        "/var/lib/auditbook-hub/users/{username}",
        config=True,
        help="Each user's home folder (notebook checkpoints, kernel files); {username} is the "
        "hub's user name. Created 0700 at the first start.",
    )

    def home_dir(self) -> str:
        return self.home_dir_template.format(username=self.user.name)

    def make_preexec_fn(self, name):
        """Unlike LocalProcessSpawner, keep the hub's account: no switch to a system user."""
        home = self.home_dir()

        def preexec():
            os.umask(0o077)
            os.makedirs(home, 0o700, exist_ok=True)
            os.chdir(home)

        return preexec

    def user_env(self, env):
        """LocalProcessSpawner looks the user up among the system's accounts; these users
        have none."""
        env["USER"] = self.user.name
        env["HOME"] = self.home_dir()
        env["SHELL"] = "/bin/sh"
        return env
