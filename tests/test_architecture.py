"""Architecture: the layers in the tree are a checked fact, not a convention."""

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "workbench"
LAYER_FOLDERS = ("io", "analysis", "views", "outputs", "apps", "privacy", "generate")


def test_import_linter_layers_contract_is_kept():
    """``lint-imports`` (the contract in pyproject.toml): no import from a higher layer."""
    lint = Path(sys.executable).with_name("lint-imports")
    run = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


def test_the_layers_are_folders():
    for folder in LAYER_FOLDERS:
        assert (PACKAGE / folder / "__init__.py").is_file(), folder
    assert (PACKAGE / "timeline.py").is_file()  # the path the project promises
def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_views_never_import_the_rules_or_the_knowledge_model():
    """Views draw what they are given: flags and knowledge come from the caller."""
    for path in (PACKAGE / "views").rglob("*.py"):
        imported = _imported_modules(path)
        assert not any(m.startswith("workbench.analysis.rules") for m in imported), path
    spec = _imported_modules(PACKAGE / "views" / "timeline_spec.py")
    assert "workbench.analysis.knowledge" not in spec


MAX_LINES = 400


def test_no_module_is_over_400_lines_unless_its_docstring_says_why():
    """Small parts: a module over 400 lines says why it is one ("Why one module: ...")."""
    unexplained = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text("utf-8")
        lines = len(text.splitlines())
        if lines > MAX_LINES and "Why one module" not in (ast.get_docstring(ast.parse(text)) or ""):
            unexplained[str(path.relative_to(ROOT))] = lines
    assert not unexplained, f"over {MAX_LINES} lines with no 'Why one module' in the docstring: " \
                            f"{unexplained}"
