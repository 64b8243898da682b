"""What keeps a worker's memory down: spaCy batches bounded in characters (read.py), the gazetteer's
index read from its SQLite file (ground/gazetteer_index.py) under the curated rows, and pyarrow kept
from importing pandas in workers (run/work.py). Memory itself is measured in bench/worker_memory.py."""
from __future__ import annotations

import subprocess
import sys
import textwrap

from eventwire import read
from eventwire.ground.gazetteer import Gazetteer
from eventwire.ground.gazetteer_index import open_index, write_index


def _tokens(docs):
    return [[(t.text, t.tag_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_, t.is_sent_start) for t in d] for d in docs]


def test_bounded_batches_parse_as_one_stream(nlp, monkeypatch):
    texts = ["Rebels shelled the town of Idlib on Monday, killing 12 people.",
             "The ministry in Damascus said aid was blocked. " * 6,
             "Turkey denied the report.", "A very long paragraph about the talks in Geneva. " * 12,
             "Officials met in Ankara."]
    sizes = []
    real_pipe = nlp.pipe

    def pipe(group, batch_size):
        group = list(group)
        sizes.append((len(group), sum(map(len, group))))
        return real_pipe(group, batch_size=batch_size)

    monkeypatch.setattr(read, "BATCH_CHARS", 400)
    monkeypatch.setattr(nlp, "pipe", pipe)
    bounded = list(read._pipe_bounded(nlp, iter(texts), batch_size=2))
    monkeypatch.undo()
    # at most 2 paragraphs and 400 characters a batch, unless one paragraph alone is longer
    assert [n for n, _ in sizes] == [2, 1, 1, 1] and sum(n for n, _ in sizes) == len(texts)
    assert all(chars <= 400 or n == 1 for n, chars in sizes)
    assert _tokens(bounded) == _tokens(nlp.pipe(texts, batch_size=64))


def _row(name, kind, country, population, lat=10, lon=20.5):
    return (name, kind, country, None, lat, lon, population, None, "geonames")


def test_index_keeps_values_as_built_and_rejects_another_version(tmp_path):
    path = tmp_path / "g.sqlite"
    write_index(path, 7, [_row("Springfield", "city", "USA", 160_000), _row("Springfield", "locality", "AUS", 1_200)],
                {"springfield": (1, 0)}, {"IL": 0})
    built = open_index(path, 7)
    assert built.ids("springfield") == (1, 0) and built.ids("shelbyville") == ()
    assert built.row(0) == ("Springfield", "city", "USA", None, 10, 20.5, 160_000, None, "geonames")
    assert type(built.row(0)[4]) is int  # an integer coordinate stays an integer (the records print it)
    assert built.state_code("IL") == 0 and built.state_code("XX") is None
    assert open_index(path, 8) is None and open_index(tmp_path / "missing.sqlite", 7) is None
    (tmp_path / "junk.sqlite").write_bytes(b"not a database")
    assert open_index(tmp_path / "junk.sqlite", 7) is None


def test_curated_rows_correct_and_add_over_the_built_index(tmp_path):
    path = tmp_path / "g.sqlite"
    write_index(path, 1, [_row("Ruritania", "country", "RUR", 5_000_000), _row("Strelsau", "city", "RUR", 300_000)],
                {"ruritania": (0,), "strelsau": (1,)}, {})
    curated = [  # a correction of the built capital, and a village of its own with an alternate name
        {"name": "Strelsau", "kind": "city", "country": "RUR", "lat": "50.1", "lon": "", "population": "",
         "alternate_names": "Strelsaw", "_where": "test"},
        {"name": "Zenda", "kind": "locality", "country": "RUR", "lat": "50.5", "lon": "14.2", "population": "900",
         "alternate_names": "Strelsau", "adjectives": "Zendan", "_where": "test"}]
    countries = [{"iso3": "RUR", "name": "Ruritania", "aliases": "Kingdom of Ruritania", "demonyms": "Ruritanian",
                  "_where": "test"}]
    gaz = Gazetteer(open_index(path, 1), curated, countries)
    capital = gaz.lookup("Strelsaw")[0]
    assert (capital.index, capital.lat, capital.lon, capital.population, capital.source) == (1, 50.1, 20.5, 300_000,
                                                                                            "curated")
    assert [e.name for e in gaz.lookup("strelsau")] == ["Strelsau", "Zenda"]  # built first, then added
    assert len(gaz) == 3 and gaz.entry(2).name == "Zenda" and gaz.adjective_place("Zendan").index == 2
    assert gaz.has("Kingdom of Ruritania") and gaz.country("RUR").index == 0
    assert gaz.adjective_place("Ruritanian").name == "Ruritania" and not gaz.has("Graustark")


def test_a_worker_keeps_pyarrow_from_importing_pandas():
    """In a fresh process: after warm_up_worker, pandas is not imported; it still imports, and
    pyarrow converts to and from it, when something asks for it."""
    script = textwrap.dedent("""
        import sys
        from eventwire.config import load_settings
        from eventwire.run.work import warm_up_worker
        warm_up_worker(load_settings(None))
        print("pandas" in sys.modules)
        import pandas, pyarrow
        table = pyarrow.Table.from_pandas(pandas.DataFrame({"a": [1, 2]}))
        print(table.to_pandas()["a"].tolist(), pyarrow.array(pandas.Series([3])).to_pylist())
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["False", "[1, 2] [3]"], done.stdout


def test_a_chunk_leaves_the_vocabulary_as_it_found_it(tmp_path):
    """Words a chunk meets for the first time (codes, numbers, one-off names) are not kept in spaCy's
    vocabulary or string store after the chunk, and the same chunk analysed again, after they were
    freed, gives the same records."""
    from eventwire.config import load_settings
    from eventwire.read import load_model
    from eventwire.run.work import InputItem, process_chunk, warm_up

    settings = load_settings(None)
    warm_up(settings)
    nlp = load_model(settings.model, settings.blis)  # the pipeline process_chunk uses
    paths = []
    for i, (code, name) in enumerate([("XQ-7731-ZB", "Vorlandistan"), ("KT-0092-PW", "Brumholt")]):
        path = tmp_path / f"a{i}.txt"
        path.write_text(f"Published: 2021-05-0{i + 1}T08:00:00Z\n\nFighting near {name}\n\nTroops of the "
                        f"Brigade {code} shelled villages near {name} on Tuesday, killing 4{i}1 people, officials "
                        f"said. Part numbers {code}-{i}9 and 77{i}4-QQ were listed at {name}wick depot.\n",
                        encoding="utf-8")
        paths.append(str(path))
    items = [InputItem(p) for p in paths]
    def sizes():  # lexemes held (len(nlp.vocab) counts every lexeme ever added) and strings
        return sum(1 for _ in nlp.vocab), len(nlp.vocab.strings)

    before = sizes()
    first = process_chunk(items, settings)
    assert sizes() == before
    assert "Vorlandistan" not in nlp.vocab.strings and "XQ-7731-ZB" not in nlp.vocab
    again = process_chunk(items, settings)
    assert first.rows.column("record") == again.rows.column("record") and len(first.rows) == 2
    assert any("Vorlandistan" in r for r in first.rows.column("record"))
