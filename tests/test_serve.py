"""`workbench serve`: the Voilà command line and its safe defaults (no server started
here; tests/test_browser.py runs one)."""

from __future__ import annotations

import json

import pytest

from workbench.cli import main
from workbench.serve import (
    CULL_IDLE_TIMEOUT_S,
    CULL_INTERVAL_S,
    LOOPBACK,
    ServeError,
    dashboards_folder,
    serve_plan,
)


@pytest.fixture
def plan(tmp_path):
    return serve_plan(port=8899, config_dir=tmp_path / "cfg", store=tmp_path / "r.sqlite",
                      environ={"HOME": str(tmp_path)})


def option(plan, name: str) -> str:
    hits = [a.split("=", 1)[1] for a in plan.command if a.startswith(name + "=")]
    assert len(hits) == 1, name
    return hits[0]


def test_loopback_with_a_fresh_token_by_default(plan, tmp_path):
    assert plan.address == LOOPBACK and option(plan, "--Voila.ip") == "127.0.0.1"
    assert len(plan.token) >= 32 and option(plan, "--token") == plan.token
    assert plan.url == f"http://127.0.0.1:8899/?token={plan.token}"
    other = serve_plan(config_dir=tmp_path / "c2", environ={"HOME": str(tmp_path)})
    assert other.token != plan.token and other.port == 8866


def test_the_voila_command_carries_every_safe_default(plan):
    assert plan.command[1:4] == ("-m", "voila", str(dashboards_folder()))
    assert option(plan, "--port") == "8899"
    assert option(plan, "--Voila.port_retries") == "0"            # the printed URL is true
    assert option(plan, "--MappingKernelManager.cull_interval") == str(CULL_INTERVAL_S)
    assert option(plan, "--MappingKernelManager.cull_idle_timeout") == str(CULL_IDLE_TIMEOUT_S)
    assert option(plan, "--preheat_kernel") == "True"
    assert option(plan, "--strip_sources") == "True"
    assert option(plan, "--show_tracebacks") == "False"
    assert option(plan, "--Voila.config_file_paths") == str(plan.config_dir)
    assert "--no-browser" in plan.command


def test_the_configuration_serves_no_file_beside_the_dashboards(plan):
    config = json.loads((plan.config_dir / "voila.json").read_text())
    assert config["VoilaConfiguration"]["file_allowlist"] == []
    assert config["VoilaConfiguration"]["file_denylist"] == [".*"]
    assert config["Voila"]["tornado_settings"]["headers"]["Referrer-Policy"] == "no-referrer"
    assert config["VoilaKernelManager"]["kernel_pools_config"]["default"]["pool_size"] == 1


def test_the_kernels_get_the_store_cases_and_cohort(tmp_path):
    (tmp_path / "cases").mkdir()
    plan = serve_plan(config_dir=tmp_path / "cfg", store=tmp_path / "r.sqlite",
                      cases=tmp_path / "cases", environ={"HOME": str(tmp_path),
                                                         "WORKBENCH_COHORT": "/stale"})
    assert plan.env["WORKBENCH_STORE"] == str(tmp_path / "r.sqlite")
    assert plan.env["WORKBENCH_CASES"] == str(tmp_path / "cases")
    assert "WORKBENCH_COHORT" not in plan.env
    default = serve_plan(config_dir=tmp_path / "c2", environ={"HOME": str(tmp_path)})
    assert default.env["WORKBENCH_STORE"] == str(tmp_path / ".local/share/workbench/review.sqlite")


def test_lan_binds_the_given_address_and_needs_a_token(tmp_path):
    plan = serve_plan(lan="192.168.1.20", config_dir=tmp_path, environ={})
    assert option(plan, "--Voila.ip") == "192.168.1.20" and plan.token
    assert plan.url.startswith("http://192.168.1.20:8866/?token=")
    with pytest.raises(ServeError, match="needs a token"):
        serve_plan(lan="192.168.1.20", token="", config_dir=tmp_path, environ={})
    for wildcard in ("0.0.0.0", "::"):
        with pytest.raises(ServeError, match="every network"):
            serve_plan(lan=wildcard, config_dir=tmp_path, environ={})
    with pytest.raises(ServeError, match="expects an IP address"):
        serve_plan(lan="my-laptop", config_dir=tmp_path, environ={})
    assert serve_plan(token="", config_dir=tmp_path, environ={}).url == "http://127.0.0.1:8866/"
    v6 = serve_plan(lan="fd00::5", config_dir=tmp_path, environ={})
    assert v6.url.startswith("http://[fd00::5]:8866/")


def test_dashboard_urls_carry_the_token(plan):
    urls = plan.dashboard_urls()
    assert list(urls) == ["review", "workshop", "network", "cohort"]
    assert urls["review"] == f"http://127.0.0.1:8899/voila/render/review.ipynb?token={plan.token}"


@pytest.mark.parametrize("argv, message", [
    (["serve", "--lan", "192.168.1.20", "--no-token"], "needs a token"),
    (["serve", "--lan", "0.0.0.0"], "every network"),
    (["serve", "--port", "0"], "--port must lie"),
    (["serve", "--cases", "/no/such/folder"], "no such folder"),
])
def test_cli_refuses_unsafe_serving(argv, message, capsys):
    assert main(argv) == 2
    assert message in capsys.readouterr().err
