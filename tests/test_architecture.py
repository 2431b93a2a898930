"""Architecture: the layers in the tree are a checked fact, not a convention."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "workbench"
LAYER_FOLDERS = ("io", "analysis", "views", "outputs", "apps", "privacy", "generate")


def test_import_linter_layers_contract_is_kept():
    """``lint-imports`` (the contract in pyproject.toml): no import from a higher layer."""
    run = subprocess.run([sys.executable, "-m", "importlinter.cli", "--no-cache"],
                         cwd=ROOT, capture_output=True, text=True)
    if run.returncode != 0 and "No module named importlinter.cli" in run.stderr:
        run = subprocess.run([str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
                             cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


def test_the_layers_are_folders():
    for folder in LAYER_FOLDERS:
        assert (PACKAGE / folder / "__init__.py").is_file(), folder
    assert (PACKAGE / "timeline.py").is_file()  # the path the project promises
