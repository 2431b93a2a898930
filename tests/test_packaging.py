"""Packaging: environment.yml stays in step with pyproject.toml; the API is curated."""

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

import workbench

ROOT = Path(__file__).resolve().parents[1]
_NAME = re.compile(r"^([A-Za-z0-9_.-]+)\s*(.*)$")


def _split(requirement: str) -> tuple[str, str]:
    name, spec = _NAME.match(requirement.strip()).groups()
    return name.lower().replace("_", "-"), spec.replace(" ", "")


def test_environment_yml_matches_pyproject_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip_deps = dict(_split(r) for r in project["dependencies"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = dict(_split(d) for d in env["dependencies"] if isinstance(d, str))
    conda_versioned = {k: v for k, v in conda.items() if k not in ("python", "pip")}
    assert conda_versioned == pip_deps
    assert conda["python"] == ">=" + project["requires-python"].lstrip(">=")
    assert "conda-forge" in env["channels"]


def test_required_stack_is_declared():
    deps = {_split(r)[0] for r in
            tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]}
    assert {"pandas", "networkx", "plotly", "ipywidgets", "anywidget", "voila", "jupyterlab",
            "pyyaml", "openpyxl"} <= deps


def test_public_api_is_curated_and_importable():
    assert workbench.__all__ == sorted(workbench.__all__)
    for name in workbench.__all__:
        assert getattr(workbench, name) is not None, name
    assert not any(name.startswith("_") for name in workbench.__all__)


@pytest.mark.parametrize("module", ["workbench", "workbench.cli", "workbench.io.importer",
                                    "workbench.io.casefile", "workbench.analysis.rules",
                                    "workbench.timeline", "workbench.apps"])
def test_modules_import_without_side_effects(module, tmp_path):
    """In a fresh interpreter (in this one every module is imported already): nothing
    printed, no file written, and the command line does not pull in pandas or plotly."""
    code = (f"import sys, {module}; "
            "print(sorted(m for m in ('pandas', 'plotly') if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    heavy = run.stdout.strip()
    if module in ("workbench", "workbench.cli"):
        assert heavy == "[]"
    assert list(tmp_path.iterdir()) == []


def test_required_top_level_entries_exist():
    for entry in ("workbench/timeline.py", "notebooks", "dashboards", "casestudies", "tests",
                  "pyproject.toml", "environment.yml", "Makefile", "README.md", ".ci/run",
                  "docs/case-format.md"):
        assert (ROOT / entry).exists(), entry


def test_readme_opens_with_the_two_make_commands_the_ci_calls():
    readme = (ROOT / "README.md").read_text()
    first_block = readme.split("```")[1]
    assert "make run" in first_block and "make test" in first_block
    assert "make test" in (ROOT / ".ci/run").read_text()
