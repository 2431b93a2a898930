"""Packaging: the environments stay in step with pyproject.toml; the metadata and the
API are what a package index and a user expect."""

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
#: pip name -> conda-forge name, where they differ
CONDA_NAMES = {"kaleido": "python-kaleido", "playwright": "playwright-python"}
SELF = "case-review-workbench"


def _split(requirement: str) -> tuple[str, str]:
    name, spec = _NAME.match(requirement.strip()).groups()
    return name.lower().replace("_", "-"), spec.replace(" ", "")


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _requirements(*extras: str) -> dict[str, str]:
    """pip name -> version spec of the dependencies and of ``extras`` (following the
    package's own extras that an extra names)."""
    project = _project()
    out = dict(_split(r) for r in project["dependencies"])
    seen: set[str] = set()
    todo = list(extras)
    while todo:
        extra = todo.pop()
        if extra in seen:
            continue
        seen.add(extra)
        for requirement in project["optional-dependencies"][extra]:
            name, spec = _split(requirement)
            if name == SELF:
                todo += spec.strip("[]").split(",")
            else:
                out[name] = spec
    return out


def _conda(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """The conda packages and the pip section of an environment file (name -> spec;
    conda's ``name=1.2`` pin is read as ``==1.2``)."""
    env = yaml.safe_load(path.read_text())
    assert env["channels"] == ["conda-forge"]
    conda = dict(_split(re.sub(r"^([\w.-]+)=(?!=)", r"\1==", d))
                 for d in env["dependencies"] if isinstance(d, str))
    pip = [d["pip"] for d in env["dependencies"] if isinstance(d, dict)]
    return conda, dict(_split(r) for r in (pip[0] if pip else []))


def _in_step(requirements: dict[str, str], conda: dict[str, str], pip: dict[str, str]) -> None:
    for name, spec in requirements.items():
        assert conda.get(CONDA_NAMES.get(name, name)) == spec or pip.get(name) == spec, \
            (name, spec)
    extra = set(conda) - {CONDA_NAMES.get(n, n) for n in requirements} - {"python", "pip"}
    assert not extra, f"in the environment but not in pyproject.toml: {sorted(extra)}"
    assert not set(pip) - set(requirements)


def test_environment_yml_matches_pyproject_under_conda_forge_names():
    conda, pip = _conda(ROOT / "environment.yml")
    _in_step(_requirements("test"), conda, pip)
    assert conda["python"] == _project()["requires-python"]
    assert conda["python-kaleido"] == ">=1.0" and "kaleido" not in conda
    assert "-e ." not in (ROOT / "environment.yml").read_text().split("pip:")[-1]


def test_binder_pins_one_python_and_installs_the_dashboards_dependencies():
    conda, pip = _conda(ROOT / "binder" / "environment.yml")
    assert conda.pop("hatchling") == _requirements("test")["hatchling"]  # builds the wheel
    _in_step(_requirements(), conda, pip)
    assert re.fullmatch(r"==3\.\d+", conda["python"]), conda["python"]
    postbuild = ROOT / "binder" / "postBuild"
    assert postbuild.stat().st_mode & 0o111, "postBuild must be executable"
    text = postbuild.read_text()
    assert "pip install --no-deps" in text and "jupyter trust dashboards/" in text


def test_the_default_install_is_light_and_the_rest_comes_by_extra():
    project = _project()
    core = {_split(r)[0] for r in project["dependencies"]}
    assert {"jupyterlab", "kaleido"}.isdisjoint(core)
    assert {"pandas", "networkx", "plotly", "ipywidgets", "anywidget", "voila", "ipykernel",
            "pyyaml", "openpyxl", "regex", "platformdirs"} <= core
    extras = project["optional-dependencies"]
    assert [_split(r)[0] for r in extras["analyst"]] == ["jupyterlab"]
    assert [_split(r)[0] for r in extras["images"]] == ["kaleido"]
    assert f"{SELF}[analyst,images]" in extras["test"]


def test_one_version_and_the_metadata_an_index_shows():
    toml = tomllib.loads((ROOT / "pyproject.toml").read_text())
    project = toml["project"]
    assert "version" not in project and project["dynamic"] == ["version"]
    assert toml["tool"]["hatch"]["version"]["path"] == "workbench/__init__.py"
    assert re.fullmatch(r"\d+\.\d+\.\d+(\.dev\d+|rc\d+)?", workbench.__version__)
    assert project["license"] == "BSD-3-Clause"
    licence = (ROOT / "LICENSE").read_text()
    assert licence.startswith("BSD 3-Clause License") and "Neither the name" in licence
    assert project["authors"] and project["classifiers"]
    assert "Typing :: Typed" in project["classifiers"]
    assert (ROOT / "workbench" / "py.typed").is_file()
    force = toml["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert force == {"dashboards": "workbench/_bundled/dashboards",
                     "casestudies": "workbench/_bundled/casestudies"}


def test_version_on_the_command_line_and_as_a_module(tmp_path):
    out = subprocess.run([sys.executable, "-m", "workbench", "--version"], cwd=tmp_path,
                         capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(ROOT), "PATH": ""})
    assert out.stdout.strip() == f"workbench {workbench.__version__}"


@pytest.mark.parametrize("folder", ["missing", "empty"])
def test_build_refuses_a_missing_or_empty_folder(folder, tmp_path, capsys):
    from workbench.cli import main

    target = tmp_path / folder
    if folder == "empty":
        target.mkdir()
    assert main(["build", str(target), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert str(target) in err
    assert ("no such folder" if folder == "missing" else "no case studies there") in err
    assert not (tmp_path / "out").exists()


def test_bundled_folders_are_found_through_the_package():
    from workbench.apps.library import bundled_case_studies
    from workbench.resources import bundled_folder
    from workbench.serve import dashboards_folder

    assert dashboards_folder() == bundled_folder("dashboards")
    assert (dashboards_folder() / "review.ipynb").is_file()
    assert bundled_case_studies() == bundled_folder("casestudies")
    assert len(list(bundled_case_studies().glob("*/meta.yaml"))) == 5


def test_bundled_folders_in_an_installed_package_come_first(tmp_path, monkeypatch):
    import workbench.resources as resources

    package = tmp_path / "site-packages" / "workbench"
    (package / "_bundled" / "dashboards").mkdir(parents=True)
    monkeypatch.setattr(resources, "_package_root", lambda: package)
    assert resources.bundled_folder("dashboards") == package / "_bundled" / "dashboards"
    assert resources.bundled_folder("casestudies") is None   # no checkout around it
    monkeypatch.setattr(resources, "_package_root", lambda: None)  # a zipped package
    assert resources.bundled_folder("dashboards") is None


def test_serve_says_what_is_wrong_when_the_dashboards_are_missing(monkeypatch):
    import workbench.resources as resources
    from workbench.serve import ServeError, dashboards_folder

    monkeypatch.setattr(resources, "bundled_folder", lambda name: None)
    with pytest.raises(ServeError, match="dashboards are missing from the installed package"):
        dashboards_folder()


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


def test_readme_opens_with_the_two_make_commands_the_ci_calls_then_the_install():
    readme = (ROOT / "README.md").read_text()
    blocks = readme.split("```")[1::2]
    assert "make run" in blocks[0] and "make test" in blocks[0]
    assert "pip install case-review-workbench" in blocks[1] and "workbench serve" in blocks[1]
    assert "make test" in (ROOT / ".ci/run").read_text()
    assert "constraints.txt" in readme and "[images]" in readme and "[analyst]" in readme


def test_readme_pictures_load_on_a_package_index_and_from_the_checkout():
    """Each README picture is an absolute link into the repository that the project's URLs
    name (a package index cannot follow relative ones), wrapped in a relative link to the
    same file, which is in the checkout."""
    readme = (ROOT / "README.md").read_text()
    source = _project()["urls"]["Source"]
    owner_repo = source.removeprefix("https://github.com/")
    assert re.fullmatch(r"[\w.-]+/[\w.-]+", owner_repo), source
    raw = f"https://raw.githubusercontent.com/{owner_repo}/main/"
    pictures = re.findall(r"(\[)?!\[[^\]]+\]\(([^)]+)\)(?:\]\(([^)]+)\))?", readme)
    assert len(pictures) >= 3
    for wrapped, url, local in pictures:
        assert url.startswith(raw), url
        path = url.removeprefix(raw)
        assert wrapped and local == path and (ROOT / path).is_file(), (url, local)
    assert {u.split("/")[2] for u in _project()["urls"].values()} == {"github.com"}
    assert f"mybinder.org/v2/gh/{owner_repo}/HEAD" in (ROOT / "docs" / "deploy.md").read_text()


def test_constraints_pin_a_set_that_meets_every_requirement():
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version.strip()
    assert SELF not in pins
    project = _project()
    wanted = project["dependencies"] + [r for extra in project["optional-dependencies"].values()
                                        for r in extra]
    for text in wanted:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        if name == SELF:
            continue
        assert name in pins, f"{name} is not pinned in constraints.txt"
        assert requirement.specifier.contains(pins[name], prereleases=True), (text, pins[name])


def test_heavy_optional_libraries_load_only_when_used(tmp_path):
    """Presidio and spaCy load when a scan runs, kaleido when an image is written,
    JupyterLab never: importing the command line and the dashboards' apps loads none."""
    code = ("import sys, workbench.cli, workbench.privacy, workbench.apps.gate, "
            "workbench.apps.review, workbench.apps.workshop\n"
            "print(' '.join(sorted(m for m in ('presidio_analyzer', 'spacy', 'kaleido', "
            "'jupyterlab') if m in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, check=True, env={"PYTHONPATH": str(ROOT), "PATH": ""})
    assert out.stdout.strip() == ""


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_an_image_without_kaleido_names_the_images_extra(suffix, tmp_path, monkeypatch):
    import plotly.graph_objects as go

    from workbench.errors import MissingToolError
    from workbench.views.style import write_figure

    monkeypatch.setitem(sys.modules, "kaleido", None)   # as in a plain install
    with pytest.raises(MissingToolError) as missing:
        write_figure(go.Figure(), tmp_path / f"figure{suffix}")
    assert "pip install 'case-review-workbench[images]'" in str(missing.value)
    assert not (tmp_path / f"figure{suffix}").exists()
