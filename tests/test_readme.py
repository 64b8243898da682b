"""The README's Python snippets run as written, on a database and a GDELT file made from the examples."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from eventwire.cli import app

from conftest import REPO

MARK = "<!-- tested by tests/test_readme.py -->"


def snippets() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    found = re.findall(re.escape(MARK) + r"\s*```python\n(.*?)```", text, flags=re.S)
    assert len(found) == 2, "the README's tested snippets: the Python API and reading the GDELT export"
    return found


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("readme")
    runner = CliRunner()
    db = folder / "news.duckdb"
    # One Syrian article besides the examples, so the snippets' SY filters find something.
    (folder / "in").mkdir()
    (folder / "in" / "idlib.txt").write_text(
        "Shelling kills 12 in Idlib\n\npublished: 2021-03-02\n\nSyrian government forces shelled the town of "
        "Saraqib in Idlib province on Monday, killing 12 civilians, a monitoring group said.")
    assert runner.invoke(app, ["ingest", str(REPO / "examples"), str(folder / "in"), "--db", str(db)]).exit_code == 0
    result = runner.invoke(app, ["export", "--format", "gdelt", "--db", str(db), "-o", str(folder / "events.tsv")])
    assert result.exit_code == 0, result.output
    return folder


@pytest.mark.parametrize("index", [0, 1])
def test_readme_snippet_runs(workdir, index):
    code = snippets()[index]
    result = subprocess.run([sys.executable, "-c", code], cwd=workdir, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    if index == 0:
        assert "2021-02-01" in result.stdout  # "on Monday" anchored on the given publication date
        assert "2021" in result.stdout and "killed" in result.stdout
    else:
        assert "NumArticles" in result.stdout and "Empty DataFrame" not in result.stdout


def test_notebook_example_runs():
    script = REPO / "examples" / "notebook" / "walkthrough.py"
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "GlobalEventID" in result.stdout
