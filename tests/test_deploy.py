"""The deployment files in docs/ load, and say what docs/deploy.md and SECURITY.md
promise: Voilà as the landing page, one review store for every room, the safe
defaults of ``workbench serve``."""

from __future__ import annotations

from pathlib import Path

from workbench.serve import CULL_IDLE_TIMEOUT_S, CULL_INTERVAL_S, HEADERS, voila_config

ROOT = Path(__file__).resolve().parents[1]
HUB = ROOT / "docs" / "jupyterhub"


class Section:
    """One configurable class of a stub traitlets config: records what is set."""

    def __init__(self) -> None:
        object.__setattr__(self, "values", {})

    def __setattr__(self, name, value) -> None:
        self.values[name] = value

    def __getattr__(self, name):
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None


class Config(dict):
    """``c`` as JupyterHub and Jupyter Server hand it to a config file."""

    def __getattr__(self, name: str) -> Section:
        return self.setdefault(name, Section())


def load(path: Path) -> Config:
    c = Config()
    exec(compile(path.read_text("utf-8"), str(path), "exec"),   # noqa: S102 (our own file)
         {"get_config": lambda: c, "__file__": str(path)})
    return c


def test_the_hub_lands_each_participant_on_the_review_dashboard():
    c = load(HUB / "jupyterhub_config.py")
    landing = c.Spawner.default_url
    assert landing == "/voila/render/dashboards/review.ipynb"
    assert (ROOT / landing.removeprefix("/voila/render/")).is_file()
    assert c.JupyterHub.spawner_class == "dockerspawner.DockerSpawner"
    assert c.DockerSpawner.notebook_dir == "/srv/workbench"
    assert c.NativeAuthenticator.open_signup is False


def test_every_room_shares_one_review_store_on_a_volume():
    c = load(HUB / "jupyterhub_config.py")
    store = c.Spawner.environment["WORKBENCH_STORE"]
    mounts = {v if isinstance(v, str) else v["bind"]: k for k, v in c.DockerSpawner.volumes.items()}
    assert store == "/srv/workbench/store/review.sqlite"
    assert mounts["/srv/workbench/store"] == "workbench-store"      # a named volume
    cases = next(v for v in c.DockerSpawner.volumes.values() if isinstance(v, dict))
    assert cases["mode"] == "ro" and c.Spawner.environment["WORKBENCH_CASES"] == cases["bind"]
    assert any("jupyterhub_idle_culler" in " ".join(s["command"])
               for s in c.JupyterHub.services)


def test_the_participants_servers_keep_the_safe_defaults_of_workbench_serve():
    c = load(HUB / "jupyter_server_config.py")
    serve = voila_config()["VoilaConfiguration"]
    assert c.ServerApp.jpserver_extensions == {"jupyterlab": False, "notebook": False,
                                               "voila": True}
    for name in ("file_allowlist", "file_denylist", "extension_denylist"):
        assert getattr(c.VoilaConfiguration, name) == serve[name], name
    assert c.VoilaConfiguration.strip_sources is True
    assert c.VoilaConfiguration.show_tracebacks is False
    assert c.MappingKernelManager.cull_interval == CULL_INTERVAL_S
    assert c.MappingKernelManager.cull_idle_timeout == CULL_IDLE_TIMEOUT_S
    assert c.ServerApp.tornado_settings["headers"] == HEADERS


def test_the_image_installs_the_package_and_the_server_settings():
    dockerfile = (HUB / "Dockerfile").read_text()
    assert "case-review-workbench" in dockerfile and "jupyterhub-singleuser" in dockerfile
    assert "/etc/jupyter/" in dockerfile and "bundled_folder(\"dashboards\")" in dockerfile
    assert "USER participant" in dockerfile
