"""The CLI in-process: every command, bad inputs in a batch, exit codes."""
import json

import duckdb
import pytest
from typer.testing import CliRunner

from eventwire.cli import app

from conftest import REPO

runner = CliRunner()
GOOD = ("Rebels ambush an army convoy\n\nFebruary 2, 2021 at 8:00 am\n\n"
        "Rebels ambushed an army convoy on the main road south of the capital on Monday, "
        "killing six soldiers, the defence ministry said in a statement.")


def run(*args):
    result = runner.invoke(app, [str(a) for a in args])
    return result


@pytest.mark.parametrize("command", ["extract", "ingest", "events", "export", "watch", "serve"])
def test_every_command_has_help(command):
    result = run(command, "--help")
    assert result.exit_code == 0 and "Usage" in result.output


def test_extract_json(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD)
    result = run("extract", tmp_path / "a.txt", "--json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["document"]["title"] == "Rebels ambush an army convoy"
    assert record["document"]["published"] == "2021-02-02T08:00:00"


def test_extract_missing_file_is_one_line_error(tmp_path):
    result = run("extract", tmp_path / "missing.txt", "--json")
    assert result.exit_code == 1
    assert "missing.txt" in result.stderr and "Traceback" not in result.output


def mixed_folder(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.bin").write_bytes(bytes(range(256)) * 50)
    with open(folder / "huge.txt", "wb") as f:
        f.write(b"words and more words. " * (50 * 1024 * 1024 // 22))
    (folder / "latin.txt").write_bytes(GOOD.replace("Rebels ambushed", "\u201cRebels\u201d ambushed").encode("cp1252"))
    (folder / "broken.html").write_text(
        "<html><body><div><p>Police arrested twelve protesters outside parliament on Friday after clashes "
        "with officers, the interior ministry said in a statement.<p>Two officers were injured.<div></span>")
    (folder / "lines.jsonl").write_text("\n".join([
        json.dumps({"url": "https://x.example/1", "title": "Ceasefire agreed",
                    "text": "The two sides agreed a ceasefire on Sunday after a week of fighting, mediators said."}),
        "{not json",
    ]))
    return folder


def test_ingest_mixed_folder_stores_every_good_article(tmp_path):
    db = tmp_path / "t.duckdb"
    result = run("ingest", mixed_folder(tmp_path), "--db", db)
    assert result.exit_code == 0, result.output
    for name in ("empty.txt", "binary.bin", "huge.txt", "lines.jsonl:2"):
        assert name in result.stderr
    assert "Traceback" not in result.output
    con = duckdb.connect(str(db), read_only=True)
    sources = sorted(s.rsplit("/", 1)[-1] for (s,) in con.execute("SELECT source FROM documents").fetchall())
    assert sources == ["broken.html", "good.txt", "latin.txt", "lines.jsonl:1"]
    failures = sorted(s.rsplit("/", 1)[-1] for (s,) in con.execute("SELECT source FROM failures").fetchall())
    assert failures == ["binary.bin", "empty.txt", "huge.txt", "lines.jsonl:2"]
    con.close()
    again = run("ingest", tmp_path / "in", "--db", db)
    assert "4 unchanged" in again.stderr


def test_ingest_exits_nonzero_only_when_nothing_was_read(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    result = run("ingest", tmp_path / "empty.txt", "--db", tmp_path / "t.duckdb")
    assert result.exit_code == 1 and "empty input" in result.stderr


def test_events_and_exports_on_the_examples(tmp_path):
    db = tmp_path / "ex.duckdb"
    assert run("ingest", REPO / "examples", "--db", db).exit_code == 0
    result = run("events", "--db", db, "--since", "2020-01", "--actor", "RUS")
    assert result.exit_code == 0 and "events from 4 articles" in result.stdout
    out = tmp_path / "records.jsonl"
    assert run("export", "--format", "jsonl", "--db", db, "-o", out).exit_code == 0
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 4 and all(r["record_version"] for r in records)
    for fmt in ("csv", "parquet"):
        assert run("export", "--format", fmt, "--db", db, "-o", tmp_path / f"e.{fmt}").exit_code == 0
        assert (tmp_path / f"e.{fmt}").exists()


def test_events_without_database_is_an_error(tmp_path):
    result = run("events", "--db", tmp_path / "none.duckdb")
    assert result.exit_code == 1 and "no such database" in result.stderr


def test_link_groups_the_same_event_across_articles(tmp_path):
    db = tmp_path / "l.duckdb"
    body = ("Syrian government forces shelled the town of Douma on Monday, killing at least 12 civilians, "
            "a monitoring group said.")
    for outlet in ("Daily Example", "Example Herald"):
        (tmp_path / f"{outlet}.txt").write_text(
            f"title: Shelling kills 12 in Douma\noutlet: {outlet}\npublished: 2021-03-02\n---\n{body} "
            f"{outlet} reporters saw the damage.")
    assert run("ingest", tmp_path / "Daily Example.txt", tmp_path / "Example Herald.txt", "--db", db).exit_code == 0
    result = run("link", "--db", db)
    assert result.exit_code == 0, result.output
    assert "story events told by 2+ articles" in result.stdout
    con = duckdb.connect(str(db), read_only=True)
    (n_articles, n_sources), = con.execute(
        "SELECT num_articles, num_sources FROM story_events ORDER BY num_articles DESC LIMIT 1").fetchall()
    con.close()
    assert (n_articles, n_sources) == (2, 2)


@pytest.mark.parametrize("mode", [[], ["--table"], ["--jsonl"], ["--json"]])
def test_extract_exit_code_says_whether_anything_was_read(tmp_path, mode):
    (tmp_path / "a.txt").write_text(GOOD)
    (tmp_path / "empty.txt").write_bytes(b"")
    mixed = run("extract", tmp_path / "a.txt", tmp_path / "empty.txt", *mode)
    assert mixed.exit_code == 0 and "empty.txt" in mixed.stderr
    assert run("extract", tmp_path / "empty.txt", *mode).exit_code == 1
