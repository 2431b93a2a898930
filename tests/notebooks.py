"""Running notebooks in tests (nbclient)."""

import os


def run_notebook(book, folder):
    """Execute a notebook in ``folder`` with nbclient; return the error outputs."""
    from nbclient import NotebookClient

    client = NotebookClient(book, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(folder)}})
    client.execute(cwd=str(folder), env={**os.environ})
    return [o for c in book.cells if c.cell_type == "code" for o in c.outputs
            if o.output_type == "error"]

