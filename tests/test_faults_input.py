"""Fault suite, input side (issue 17, items 3 and 4): each hostile input that once broke ingestion,
repeated, with the behaviour that holds now. Everything is generated here, bounded in time and
memory; the bombs run in a child process so that their peak memory can be measured alone.

Imports of what the fixes added stay inside the tests: on a checkout without them each probe
fails on its own instead of the whole file failing to load."""
import io
import json
import subprocess
import sys
import textwrap
import zlib

import pytest

from eventwire.errors import InputError
from eventwire.ingest import read_bytes, read_path
from eventwire.record import Document

ARTICLE = ("Rebel forces attacked the northern town of Kismayo on Monday, killing five soldiers, the "
           "army said in a statement.\n\nThe government condemned the attack and promised to send "
           "reinforcements to the region before the end of the week.")


def _split(items):
    items = list(items)
    return [i for i in items if isinstance(i, Document)], [i for i in items if isinstance(i, InputError)]


# ------------------------------------------------------------------------------- bounded work

_BOMB = textwrap.dedent("""
    import json, resource, sys, zlib
    from eventwire.ingest import read_path
    path, kind = sys.argv[1], sys.argv[2]
    head = {"text": b"", "jsonl": b'{"title": "x", "text": "', "zeros": b"", "members": b""}[kind]
    fill = b"\\0" if kind == "zeros" else b"war "
    chunk = fill * ((1 << 20) // len(fill))
    with open(path, "wb") as out:
        packer = zlib.compressobj(9, zlib.DEFLATED, 31)
        out.write(packer.compress(head))
        for i in range(512):  # 512 MiB expanded: twice the largest limit
            out.write(packer.compress(chunk))
            if kind == "members" and i % 64 == 63:  # a new gzip member every 64 MiB
                out.write(packer.flush())
                packer = zlib.compressobj(9, zlib.DEFLATED, 31)
        out.write(packer.flush())
    items = list(read_path(path))
    # VmHWM is this process image's own peak; ru_maxrss would also count the parent's memory
    # (it survives the exec of a vforked child).
    try:
        with open("/proc/self/status") as status:
            peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except OSError:
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"peak_mb": peak_kb / 1024,
                      "reasons": [getattr(i, "reason", None) for i in items]}))
""")


@pytest.mark.parametrize("kind", ["text", "jsonl", "zeros", "members"])
def test_gzip_bomb_is_refused_in_bounded_memory(tmp_path, kind):
    run = subprocess.run([sys.executable, "-c", _BOMB, str(tmp_path / f"bomb-{kind}.gz"), kind],
                         capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report["peak_mb"] < 600, report
    assert len(report["reasons"]) == 1 and "compression bomb" in report["reasons"][0]


def test_zip_bomb_is_refused_unexpanded():
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.txt", b"war " * (4 << 20))
    docs, errors = _split(read_bytes(buffer.getvalue(), "bomb.zip"))
    assert not docs and len(errors) == 1 and "binary" in errors[0].reason


def _blank_nlp():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def test_giant_paragraph_is_parsed_in_pieces_with_a_note():
    from eventwire.read import MAX_PARAGRAPH_CHARS, doc_text, read

    sentence = "Rebels attacked the town of Kismayo on Monday and officials said five people died. "
    giant = (sentence * (1_100_000 // len(sentence) + 1)).strip()
    nlp = _blank_nlp()
    assert len(giant) > nlp.max_length  # spaCy alone refuses it (E088)
    doc = Document(id="x", source="giant.txt", input_kind="text", title="Giant", text="Short lead.\n\n" + giant)
    parsed = read(doc, nlp)
    body = [p for p in parsed.paragraphs if p.section == "body"]
    assert len(body) > 2 and all(len(doc_text(p.doc)) <= MAX_PARAGRAPH_CHARS for p in body)
    # The pieces cover the paragraph exactly, at their offsets, and cut between sentences.
    assert "".join(doc_text(p.doc) for p in body[1:]) == giant
    assert all(doc.text[p.offset:p.offset + len(doc_text(p.doc))] == doc_text(p.doc) for p in body)
    assert all(doc_text(p.doc).rstrip().endswith(".") for p in body[1:])
    assert len(parsed.document.notes) == 1 and "pieces" in parsed.document.notes[0]


def test_wall_of_text_without_spaces_is_still_cut():
    from eventwire.read import split_long

    pieces = split_long("x" * 50_000, limit=20_000)
    assert [len(p) for _, p in pieces] == [20_000, 20_000, 10_000] and [o for o, _ in pieces] == [0, 20_000, 40_000]


def test_jsonl_giant_line_keeps_the_good_lines():
    good = json.dumps({"title": "Attack in Kismayo", "text": ARTICLE})
    giant = json.dumps({"title": "Giant", "text": "word " * (11 * 1024 * 1024 // 5)})
    long_paragraph = json.dumps({"title": "Long", "text": "Troops shelled the village. " * 40_000})
    data = "\n".join([good, giant, long_paragraph, good.replace("Kismayo", "Baidoa")]).encode()
    docs, errors = _split(read_bytes(data, "mix.jsonl"))
    assert [d.source for d in docs] == ["mix.jsonl:1", "mix.jsonl:3", "mix.jsonl:4"]
    assert [e.source for e in errors] == ["mix.jsonl:2"] and "too large" in errors[0].reason


def test_file_over_the_read_limit_is_refused_not_cut(tmp_path, monkeypatch):
    import eventwire.ingest as ingest

    monkeypatch.setattr(ingest, "MAX_EXPANDED_BYTES", 1000)
    path = tmp_path / "big.jsonl"
    path.write_text("\n".join(json.dumps({"title": f"T{i}", "text": ARTICLE}) for i in range(20)))
    docs, errors = _split(read_path(str(path)))
    assert not docs and len(errors) == 1 and "too large" in errors[0].reason


# --------------------------------------------------------------------------- input detection

RSS_091 = """<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
  "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Wire</title><link>https://wire.example/</link>
<description>News</description><language>en</language>
<item><title>Rebels attack Kismayo</title><link>https://wire.example/1</link>
<description>Rebel forces attacked the northern town of Kismayo on Monday, killing five soldiers.</description></item>
<item><title>Floods in Baidoa</title><link>https://wire.example/2</link>
<description>Heavy rain flooded villages near Baidoa on Sunday, officials said.</description></item>
</channel></rss>"""

XHTML = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en"><head><title>Rebels attack Kismayo</title></head>
<body><article><h1>Rebels attack Kismayo</h1>
<p>Rebel forces attacked the northern town of Kismayo on Monday, killing five soldiers, the army said in a statement.</p>
<p>The government condemned the attack and promised to send reinforcements to the region before the end of the week.</p>
</article></body></html>"""


def test_rss_091_with_doctype_is_a_feed():
    docs, errors = _split(read_bytes(RSS_091.encode("latin-1"), "wire.rss"))
    assert not errors
    assert [d.title for d in docs] == ["Rebels attack Kismayo", "Floods in Baidoa"]
    assert all(d.input_kind == "feed" and "<" not in d.text for d in docs)


def test_xhtml_with_xml_declaration_is_html():
    docs, errors = _split(read_bytes(XHTML.encode(), "page.xhtml"))
    assert not errors and len(docs) == 1
    assert docs[0].input_kind == "html" and "<" not in docs[0].text and "killing five soldiers" in docs[0].text


def _laughs(root: str) -> str:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol;" if i == 1 else f"&lol{i - 1};") * 10}">' for i in range(1, 10))
    return (f'<?xml version="1.0"?>\n<!DOCTYPE {root} [{entities}]>\n'
            f"<{root}><title>Rebels attack &lol9;</title><p>{ARTICLE} &lol9;</p></{root}>")


@pytest.mark.parametrize("root", ["rss", "html", "lolz"])
def test_billion_laughs_is_refused(root):
    docs, errors = _split(read_bytes(_laughs(root).encode(), f"laughs-{root}.xml"))
    assert not docs and len(errors) == 1 and "entit" in errors[0].reason


def test_external_entity_is_refused():
    xxe = ('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
           '<rss version="2.0"><channel><title>&xxe;</title><item><title>A</title>'
           "<description>Troops attacked the town on Monday, officials said.</description></item></channel></rss>")
    docs, errors = _split(read_bytes(xxe.encode(), "xxe.rss"))
    assert not docs and len(errors) == 1 and "entit" in errors[0].reason


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32", "utf-32-be"])
def test_utf16_and_utf32_with_bom_are_decoded(codec):
    text = "Attaque à Kismayo\n\n" + ARTICLE.replace("Kismayo", "Kismayo (Somalie)")
    data = text.encode(codec)
    if not codec.endswith(("16", "32")):  # the -be codecs write no mark: add it
        data = ("\ufeff" + text).encode(codec)
    docs, errors = _split(read_bytes(data, f"article.{codec}.txt"))
    assert not errors and len(docs) == 1
    assert docs[0].title == "Attaque à Kismayo" and "killing five soldiers" in docs[0].text


def test_utf16_feed_with_bom_is_a_feed():
    feed = RSS_091.replace('encoding="ISO-8859-1"', 'encoding="UTF-16"')
    docs, errors = _split(read_bytes(feed.encode("utf-16"), "wire16.rss"))
    assert not errors and [d.title for d in docs] == ["Rebels attack Kismayo", "Floods in Baidoa"]


def test_mostly_utf8_stays_utf8_with_a_note():
    title = "Le président Macron reçoit à l’Élysée"
    body = ("Le président français a reçu mardi à l’Élysée les dirigeants européens, a indiqué la présidence "
            "dans un communiqué publié en fin de journée. Les discussions ont porté sur la défense.")
    data = (title + "\n\n" + body).encode("utf-8")
    bad = data[: len(data) // 2] + b"\xff\xfe\x80\x81\xfe\xff\x82\x83" + data[len(data) // 2:]
    docs, errors = _split(read_bytes(bad, "bad-bytes.txt"))
    assert not errors and len(docs) == 1
    doc = docs[0]
    assert doc.title == title and "défense" in doc.text and "\ufffd" in doc.text
    assert len(doc.notes) == 1 and "not valid UTF-8" in doc.notes[0] and doc.notes[0].startswith("8 bytes")


def test_windows_1252_is_still_detected():
    text = "“Rebels attack Kismayo” – café owners flee\n\n" + ARTICLE.replace("army", "army’s spokesman")
    docs, errors = _split(read_bytes(text.encode("cp1252"), "legacy.txt"))
    assert not errors and docs[0].title == "“Rebels attack Kismayo” – café owners flee"


# ------------------------------------------------------------------------------ truncated WARC

def _archive(gzip_it: bool):
    from warcio.archiveiterator import ArchiveIterator

    from test_feeds_warc import _html, _warc

    records = [("warcinfo", None, None, None, b"")]
    for i in range(4):
        page = _html(f"Ministers meet in city {i}", f"Foreign ministers met in city number {i} on Monday to discuss a ceasefire.")
        records.append(("request", f"https://news.example/{i}", None, None, b""))
        records.append(("response", f"https://news.example/{i}", "200 OK", "text/html", page.encode()))
    data = _warc(records, gzip_it=gzip_it)
    iterator = ArchiveIterator(io.BytesIO(data))
    starts = []
    for record in iterator:
        starts.append((iterator.offset, record.rec_type, record.rec_headers.get_header("WARC-Target-URI")))
        record.content_stream().read()
    ends = [s for s, _, _ in starts[1:]] + [len(data)]
    return data, [(start, end, kind, url) for (start, kind, url), end in zip(starts, ends)]


@pytest.mark.parametrize("gzip_it", [True, False], ids=["warc.gz", "warc"])
def test_truncated_warc_reports_the_cut_and_keeps_the_rest(gzip_it):
    data, records = _archive(gzip_it)
    ends = {end for _, end, _, _ in records}
    step = 13 if gzip_it else 29
    for cut in range(records[1][0] + 1, len(data), step):
        docs, errors = _split(read_bytes(data[:cut], "cut.warc.gz"))  # never raises
        whole = {url for start, end, kind, url in records if kind == "response" and end <= cut}
        assert whole <= {d.url for d in docs}, cut
        # What is missing is more than the blank lines between records: it is reported, by offset.
        cut_record = next((r for r in records if r[0] < cut < r[1]), None)
        if cut not in ends and cut_record and data[cut:cut_record[1]].strip():
            assert errors, cut
            offsets = {int(e.source.rsplit("#", 1)[1]) for e in errors}
            assert cut_record[0] in offsets, (cut, offsets, cut_record)
