# JupyterHub for the Case Review Workbench: many rooms, one server (docs/deploy.md).
#
# Each participant signs in as their own user and lands on the review dashboard
# (Voilà) in a container of their own, made from the image of docs/jupyterhub/
# Dockerfile. Every container mounts the same review-store volume, so a facilitator's
# workshop and the participants' notes meet as they do under `workbench serve`.
# Copy this file to the hub's folder and change the marked values. Read SECURITY.md
# and docs/deploy.md first.
#
# The hub's environment needs: jupyterhub, dockerspawner, jupyterhub-nativeauthenticator,
# jupyterhub-idle-culler (and configurable-http-proxy, from npm).
import os
import sys

c = get_config()  # noqa: F821 (provided by JupyterHub when it loads this file)

#: the image every participant's server runs (docs/jupyterhub/Dockerfile)
IMAGE = os.environ.get("WORKBENCH_IMAGE", "case-review-workbench:latest")
#: the Docker network the hub and the containers share
NETWORK = os.environ.get("DOCKER_NETWORK_NAME", "jupyterhub")
#: inside each container: the dashboards (from the image), the review store (a volume
#: shared by all), the review's own case folders (read-only)
ROOT = "/srv/workbench"
#: the dashboard a participant lands on
LANDING = "/voila/render/dashboards/review.ipynb"

# --- the hub: behind a reverse proxy that adds HTTPS ---------------------------------
c.JupyterHub.bind_url = "http://:8000"        # CHANGE: publish only through nginx/Caddy (TLS)
c.JupyterHub.hub_ip = "0.0.0.0"               # reachable by the containers on NETWORK
c.JupyterHub.hub_connect_ip = "jupyterhub"    # the hub container's name on NETWORK
c.JupyterHub.cookie_secret_file = "/data/jupyterhub_cookie_secret"
c.JupyterHub.db_url = "sqlite:////data/jupyterhub.sqlite"

# --- who: one account per participant, approved by a facilitator --------------------
c.JupyterHub.authenticator_class = "nativeauthenticator.NativeAuthenticator"
c.NativeAuthenticator.open_signup = False          # an admin approves every account
c.NativeAuthenticator.minimum_password_length = 12
c.Authenticator.admin_users = {"facilitator"}      # CHANGE
c.Authenticator.allow_all = True                   # every approved account may sign in

# --- what each participant gets: Voilà on the dashboards, in a container -----------
c.JupyterHub.spawner_class = "dockerspawner.DockerSpawner"
c.DockerSpawner.image = IMAGE
c.DockerSpawner.network_name = NETWORK
c.DockerSpawner.remove = True                      # a stopped server leaves nothing behind
c.DockerSpawner.notebook_dir = ROOT
c.Spawner.default_url = LANDING
c.DockerSpawner.volumes = {
    # one review store for every room: a Docker volume on this server's own disk
    # (SQLite in WAL mode: never a network file system)
    "workbench-store": f"{ROOT}/store",
    # the review's case folders, prepared by the review's lead (read-only)
    "/srv/workbench/cases": {"bind": f"{ROOT}/cases", "mode": "ro"},   # CHANGE
}
c.Spawner.environment = {
    "WORKBENCH_STORE": f"{ROOT}/store/review.sqlite",
    "WORKBENCH_CASES": f"{ROOT}/cases",
}
c.Spawner.mem_limit = "1G"     # a participant's kernels: about 250 MB per open dashboard
c.Spawner.cpu_limit = 1.0
c.Spawner.http_timeout = 120
c.Spawner.start_timeout = 180

# --- tidy up: stop servers nobody has used for an hour ------------------------------
c.JupyterHub.load_roles = [{
    "name": "idle-culler",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["idle-culler"],
}]
c.JupyterHub.services = [{
    "name": "idle-culler",
    "command": [sys.executable, "-m", "jupyterhub_idle_culler", "--timeout=3600"],
}]
