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
    assert result.exit_code == 3, result.output  # some inputs refused: stored what it could, says so
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
    assert "4 unchanged" in again.stderr and again.exit_code == 3  # the refusals are still there


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
    assert mixed.exit_code == 3 and "empty.txt" in mixed.stderr  # some read, some failed
    assert run("extract", tmp_path / "empty.txt", *mode).exit_code == 1  # nothing read
    assert run("extract", tmp_path / "a.txt", *mode).exit_code == 0  # all read


# ---------------------------------------------------------------- issue 16: the analyst's workbench

@pytest.fixture(scope="module")
def example_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("cli") / "ex.duckdb"
    assert run("ingest", REPO / "examples", "--db", db).exit_code == 0
    return db


def test_version():
    from eventwire import __version__

    result = run("--version")
    assert result.exit_code == 0 and __version__ in result.stdout


def test_extract_table_shows_events_with_actors_and_dates(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD)
    result = run("extract", tmp_path / "a.txt", "--table")
    assert result.exit_code == 0, result.output
    assert "events" in result.stdout and "evidence" in result.stdout
    assert "2021-02-01" in result.stdout  # "on Monday" before Tuesday 2 February 2021
    assert "Rebels" in result.stdout.split("events", 1)[1]  # the source actor in the events table


def test_export_to_stdout_with_dash_and_no_file_named_dash(example_db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("export", "--format", "csv", "--db", example_db, "-o", "-")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("doc_id,event_id,story_id,date,date_grain")
    assert not (tmp_path / "-").exists() and not list(tmp_path.iterdir())
    plain = run("export", "--format", "gdelt", "--db", example_db)  # no -o: standard output too
    assert plain.exit_code == 0 and len(plain.stdout.splitlines()[0].split("\t")) == 61
    assert not list(tmp_path.iterdir())


def test_export_refuses_to_overwrite_without_force(example_db, tmp_path):
    target = tmp_path / "e.csv"
    target.write_text("precious")
    result = run("export", "--format", "csv", "--db", example_db, "-o", target)
    assert result.exit_code == 2 and "--force" in result.stderr and target.read_text() == "precious"
    result = run("export", "--format", "csv", "--db", example_db, "-o", target, "--force")
    assert result.exit_code == 0 and target.read_text().startswith("doc_id")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e.csv"]  # no temporary file left behind


def test_export_parquet_needs_a_file(example_db):
    result = run("export", "--format", "parquet", "--db", example_db)
    assert result.exit_code == 2 and "-o FILE" in result.stderr


@pytest.mark.parametrize("args, message", [
    (["--since", "2020-13"], "--since: '2020-13' is not a calendar date"),
    (["--until", "2021-02-30"], "--until"),
    (["--since", "last week"], "is not a date"),
    (["--country", "GM"], "ambiguous"),
    (["--country", "Narnia"], "not a country"),
    (["--cameo", "1x"], "--cameo"),
])
def test_filters_are_checked_with_clear_errors(example_db, args, message):
    for command in ("events", "export"):
        extra = ["--format", "gdelt"] if command == "export" else []
        result = run(command, "--db", example_db, *extra, *args)
        assert result.exit_code == 2, (command, result.output)
        assert message in result.stderr and "Traceback" not in result.output


def test_country_accepts_iso2_iso3_and_fips_and_means_actor_or_place(example_db):
    con = duckdb.connect(str(example_db), read_only=True)
    (iso3, fips, iso2), = con.execute("""SELECT p.country, NULL, NULL FROM events e JOIN places p
        ON p.doc_id = e.doc_id AND p.place_id = e.place_id WHERE p.country IS NOT NULL
        GROUP BY 1 ORDER BY count(*) DESC LIMIT 1""").fetchall()
    expected = con.execute("""SELECT count(*) FROM events e WHERE
        EXISTS (SELECT 1 FROM places p WHERE p.doc_id = e.doc_id AND p.place_id = e.place_id AND p.country = ?)
        OR EXISTS (SELECT 1 FROM event_actors x JOIN actors a USING (doc_id, actor_id)
                   WHERE x.doc_id = e.doc_id AND x.event_id = e.event_id AND a.country = ?)""",
        [iso3, iso3]).fetchone()[0]
    con.close()
    from eventwire.countries import country_rows

    row = next(r for r in country_rows() if r.iso3 == iso3 and not r.admin1)
    counts = set()
    for code in (iso3, f"iso:{row.iso2}", f"fips:{row.fips}"):
        result = run("export", "--format", "gdelt", "--db", example_db, "--country", code)
        assert result.exit_code == 0, result.output
        counts.add(len(result.stdout.splitlines()))
    assert counts == {expected} and expected > 0
