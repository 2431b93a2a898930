"""Documentation that runs: the analyst notebooks (stored without outputs, executed
from top to bottom) and docs/rules.md (generated from the rule registry)."""

import importlib.util
from pathlib import Path

import nbformat
import pytest

from tests.notebooks import run_notebook

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


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path, isolated_jupyter):
    book = nbformat.read(path, as_version=4)
    assert run_notebook(book, path.parent) == []


def _rules_doc_script():
    spec = importlib.util.spec_from_file_location("make_rules_doc",
                                                  ROOT / "docs" / "make_rules_doc.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_rules_page_is_generated_from_the_registry_and_up_to_date():
    from workbench.analysis.rules import default_rules
    from workbench.protocols import PROTOCOLS

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
