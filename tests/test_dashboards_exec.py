"""The Voilà dashboards: stored without outputs, wiring only (no def, no class, no
logic), and each executed top to bottom in a kernel with nbclient, followed by a cell
that clicks through the app it built."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

from tests.appcases import write_cases
from tests.notebooks import run_notebook

ROOT = Path(__file__).resolve().parents[1]
DASHBOARDS = sorted((ROOT / "dashboards").glob("*.ipynb"))

#: a cell appended to each dashboard: it exercises the app the dashboard built
CHECKS = {
    "review": """
import plotly.graph_objects as go
assert app.current.key == "tiny" and app.polling
before = app.knowledge_panel.value
app.next_button.click()
assert app.position == 1 and app.knowledge_panel.value != before
assert app.figure.layout.xaxis.type == "date"
""",
    "workshop": """
assert app.role.value == "participant" and app.polling
app.role.value = "facilitator"
app.case_picker.value = "undeclared"
assert app.open_button.disabled and "anonymisation" in app.gate_panel.value
app.case_picker.value = "tiny"
session = app.open_workshop()
assert session.join_code in app.code_panel.value
assert app.figure is None and "nothing revealed yet" in app.heading.value
app.reveal_next()
assert app.figure.layout.xaxis.type == "date"
""",
    "network": """
assert app.edge_picker.options and "Silo" in app.silo_panel.value
""",
    "cohort": """
assert app.figure.layout.xaxis.type == "date"
assert "and the 2 served case(s): tiny, undeclared" in app.source
assert "tiny" in set(app.report.flag_table["case_id"])
first, last = app.window.value
assert first < last and " of " in app.ri_panel.value
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
def workbench_env(isolated_jupyter, monkeypatch):
    """The review store and a tiny case folder in the temporary home."""
    monkeypatch.setenv("WORKBENCH_STORE", str(isolated_jupyter / "review.sqlite"))
    monkeypatch.setenv("WORKBENCH_CASES", str(write_cases(isolated_jupyter / "cases")))
    monkeypatch.delenv("WORKBENCH_COHORT", raising=False)
    return isolated_jupyter


@pytest.mark.slow
@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.stem)
def test_dashboard_runs_in_a_kernel(path, workbench_env):
    book = nbformat.read(path, as_version=4)
    if path.stem == "review":   # open the tiny case, whatever the bundled ones are
        book.cells.insert(-1, nbformat.v4.new_code_cell('app.case_picker.value = "tiny"'))
    book.cells.append(nbformat.v4.new_code_cell(CHECKS[path.stem]))
    assert run_notebook(book, path.parent) == []
    shown = [o for o in book.cells[-2].outputs if o.output_type == "execute_result"]
    assert len(shown) == 1 and "application/vnd.jupyter.widget-view+json" in shown[0]["data"]
