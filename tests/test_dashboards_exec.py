"""The Voilà dashboards: stored without outputs, wiring only (no def, no class, no
logic), and each executed top to bottom in a kernel with nbclient, followed by a cell
that clicks through the app it built."""

from __future__ import annotations

import ast
import json
import os
import sys
from pathlib import Path

import nbformat
import pytest

from tests.appcases import write_cases

ROOT = Path(__file__).resolve().parents[1]
DASHBOARDS = sorted((ROOT / "dashboards").glob("*.ipynb"))

#: a cell appended to each dashboard: it exercises the app the dashboard built
CHECKS = {
    "review": """
import plotly.graph_objects as go
assert app.current.key == "tiny" and app._poller.running
before = app.knowledge_panel.value
app.next_button.click()
assert app.position == 1 and app.knowledge_panel.value != before
assert app.figure.layout.xaxis.type == "date"
""",
    "workshop": """
assert app.role.value == "participant" and app._poller.running
app.role.value = "facilitator"
app.case_picker.value = "undeclared"
assert app.open_button.disabled and "anonymisation" in app.gate_panel.value
app.case_picker.value = "tiny"
session = app.open_workshop()
assert session.join_code in app.code_panel.value
assert app.figure.layout.xaxis.type == "date"
""",
    "network": """
assert app.edge_picker.options and "Silo" in app.silo_panel.value
""",
    "cohort": """
assert app.figure.layout.xaxis.type == "date"
assert app.report.totals["cases"] >= 2
""",
}


def test_each_dashboard_is_there():
    assert [p.stem for p in DASHBOARDS] == ["cohort", "network", "review", "workshop"]


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.stem)
def test_dashboard_is_wiring_only_and_stored_without_outputs(path):
    book = nbformat.read(path, as_version=4)
    nbformat.validate(book)
    assert book.metadata.kernelspec.name == "python3"
    code = [c for c in book.cells if c.cell_type == "code"]
    assert code, path.name
    for cell in code:
        assert cell.outputs == [] and cell.execution_count is None, path.name
        tree = ast.parse(cell.source)
        banned = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.If,
                  ast.For, ast.While, ast.With, ast.Try, ast.IfExp, ast.ListComp,
                  ast.DictComp, ast.SetComp, ast.GeneratorExp)
        assert not [type(n).__name__ for n in ast.walk(tree) if isinstance(n, banned)], \
            f"{path.name}: logic belongs in workbench/apps"
        for node in tree.body:   # imports, assignments, one expression (the app's widget)
            assert isinstance(node, (ast.Import, ast.ImportFrom, ast.Assign, ast.Expr)), \
                ast.dump(node)
            if isinstance(node, ast.ImportFrom):       # everything comes from the library
                assert node.module.split(".")[0] == "workbench", ast.dump(node)
            if isinstance(node, ast.Import):
                assert all(a.name.split(".")[0] == "workbench" for a in node.names)
    last = ast.parse(code[-1].source).body
    assert len(last) == 1 and ast.unparse(last[0]) == "app.widget", \
        "the last cell displays the app's widget, once"


@pytest.fixture
def isolated_jupyter(tmp_path, monkeypatch):
    """Jupyter, IPython and the review store in a temporary home, not the user's."""
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
    monkeypatch.setenv("WORKBENCH_STORE", str(tmp_path / "review.sqlite"))
    monkeypatch.setenv("WORKBENCH_CASES", str(write_cases(tmp_path / "cases")))
    monkeypatch.delenv("WORKBENCH_COHORT", raising=False)
    spec_dir = tmp_path / "jupyter" / "data" / "kernels" / "python3"
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec = {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python 3", "language": "python"}
    (spec_dir / "kernel.json").write_text(json.dumps(spec))
    return tmp_path


@pytest.mark.slow
@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.stem)
def test_dashboard_runs_in_a_kernel(path, isolated_jupyter):
    from nbclient import NotebookClient

    book = nbformat.read(path, as_version=4)
    if path.stem == "review":   # open the tiny case, whatever the bundled ones are
        book.cells.insert(-1, nbformat.v4.new_code_cell('app.case_picker.value = "tiny"'))
    book.cells.append(nbformat.v4.new_code_cell(CHECKS[path.stem]))
    client = NotebookClient(book, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute(cwd=str(path.parent), env={**os.environ})
    errors = [o for c in book.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert errors == []
    shown = [o for o in book.cells[-2].outputs if o.output_type == "execute_result"]
    assert len(shown) == 1 and "application/vnd.jupyter.widget-view+json" in shown[0]["data"]
