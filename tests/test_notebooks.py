"""Documentation that runs: the analyst notebooks (stored without outputs, executed
from top to bottom) and docs/rules.md (generated from the rule registry)."""

import importlib.util
import json
import os
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_the_analyst_notebooks_are_there():
    names = [p.name for p in NOTEBOOKS]
    assert names == ["01-load-and-validate.ipynb", "02-walk-a-case.ipynb",
                     "03-local-rule.ipynb", "04-cohort.ipynb", "05-process-mining.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stored_without_outputs(path):
    book = nbformat.read(path, as_version=4)
    nbformat.validate(book)
    for cell in book.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, path.name
        assert "attachments" not in cell


@pytest.fixture
def isolated_jupyter(tmp_path, monkeypatch):
    """Jupyter and IPython write their state into a temporary home, not the user's."""
    for name, sub in (("HOME", "home"), ("JUPYTER_CONFIG_DIR", "jupyter/config"),
                      ("JUPYTER_DATA_DIR", "jupyter/data"),
                      ("JUPYTER_RUNTIME_DIR", "jupyter/runtime"), ("IPYTHONDIR", "ipython"),
                      ("MPLCONFIGDIR", "mpl")):
        folder = tmp_path / sub
        folder.mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(name, str(folder))
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    return tmp_path


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path, isolated_jupyter):
    from nbclient import NotebookClient

    # the kernel is this interpreter (the project's venv), whatever kernels the machine has
    spec_dir = isolated_jupyter / "jupyter" / "data" / "kernels" / "python3"
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec = {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python 3", "language": "python"}
    (spec_dir / "kernel.json").write_text(json.dumps(spec))
    book = nbformat.read(path, as_version=4)
    client = NotebookClient(book, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute(cwd=str(path.parent), env={**os.environ})
    errors = [o for c in book.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert errors == []


def _rules_doc_script():
    spec = importlib.util.spec_from_file_location("make_rules_doc",
                                                  ROOT / "docs" / "make_rules_doc.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_rules_page_is_generated_from_the_registry_and_up_to_date():
    from workbench.protocols import PROTOCOLS
    from workbench.rules import default_rules

    script = _rules_doc_script()
    committed = (ROOT / "docs" / "rules.md").read_text("utf-8")
    assert committed == script.render(), "run: python docs/make_rules_doc.py"
    for r in default_rules():
        assert f"## {r.pattern}\n" in committed and f"`{r.id}`" in committed
        for setting in r.settings:
            assert f"`{setting}`" in committed
    for name in PROTOCOLS:
        assert f"`{name}`" in committed
    assert script.main(["--check"]) == 0
