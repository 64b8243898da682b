"""Bad input is refused (or read) with a one-line reason naming the input; never a traceback."""
import json

from eventwire.errors import InputError
from eventwire.ingest import detect_kind, read_bytes, read_path
from eventwire.record import Document

ARTICLE = ("Rebels ambush an army convoy\n\nFebruary 2, 2021\n\n"
           "Rebels ambushed an army convoy on the main road south of the capital on Monday, "
           "killing six soldiers, the defence ministry said in a statement.")


def one(data: bytes, source: str = "input"):
    items = list(read_bytes(data, source))
    assert len(items) == 1
    return items[0]


def assert_refused(item, source, words):
    assert isinstance(item, InputError), item
    assert item.source == source
    assert "\n" not in str(item)
    assert words in item.reason


def test_empty_and_blank_inputs():
    assert_refused(one(b"", "empty.txt"), "empty.txt", "empty")
    assert_refused(one(b"  \n\n\t ", "blank.txt"), "blank.txt", "empty")


def test_binary_input():
    data = bytes(range(256)) * 40
    assert_refused(one(data, "image.png"), "image.png", "binary")


def test_huge_text_refused_without_reading_it_as_an_article():
    data = (b"All work and no play makes a very long file. " * 1_200_000)[: 50 * 1024 * 1024]
    assert_refused(one(data, "huge.txt"), "huge.txt", "too large")


def test_cp1252_bytes_are_decoded():
    data = ARTICLE.replace("Rebels ambushed", "\u201cRebels\u201d ambushed").replace(
        "ministry", "ministry \u2013 caf\u00e9").encode("cp1252")
    doc = one(data, "latin.txt")
    assert isinstance(doc, Document)
    assert "\u201cRebels\u201d" in doc.text and "\u2013 caf\u00e9" in doc.text


def test_gzip_is_opened_and_truncated_gzip_refused():
    import gzip

    packed = gzip.compress(ARTICLE.encode())
    assert isinstance(one(packed, "a.txt.gz"), Document)
    assert_refused(one(packed[: len(packed) // 2], "cut.txt.gz"), "cut.txt.gz", "gzip")


def test_jsonl_with_one_broken_line_keeps_the_others():
    good = {"url": "https://x.example/1", "title": "Rebels ambush convoy", "published": "2021-02-02",
            "text": ARTICLE.split("\n\n")[-1]}
    lines = [json.dumps(good), '{"url": "https://x.example/2", "title": "broken', json.dumps({**good, "url": "https://x.example/3"}), ""]
    items = list(read_bytes("\n".join(lines).encode(), "feed.jsonl"))
    assert [type(i).__name__ for i in items] == ["Document", "InputError", "Document"]
    assert items[1].source == "feed.jsonl:2" and "broken JSON" in items[1].reason
    assert items[0].published == "2021-02-02" and items[0].input_kind == "jsonl"
    assert items[0].id != items[2].id


def test_jsonl_object_without_text_is_refused():
    (item,) = read_bytes(b'{"url": "https://x.example/1", "title": "t"}\n', "f.jsonl")
    assert_refused(item, "f.jsonl:1", "no text or html")


def test_missing_file_is_refused_with_the_os_reason(tmp_path):
    (item,) = read_path(str(tmp_path / "nope.txt"))
    assert_refused(item, str(tmp_path / "nope.txt"), "No such file")


def test_kind_detection_by_content():
    assert detect_kind('{"text": "a"}\n{"text": "b"}') == "jsonl"
    assert detect_kind("<!DOCTYPE html><html><body><p>x</p></body></html>") == "html"
    assert detect_kind("<?xml version='1.0'?><rss version='2.0'></rss>") == "feed"
    assert detect_kind(ARTICLE) == "text"
    assert detect_kind("<p>one</p><p>two</p><div>three</div><p>4</p><a href='#'>5</a>") == "html"


def test_jsonl_line_longer_than_the_sniffed_head_is_read_as_jsonl():
    # One article's page can be longer than the characters the kind is sniffed from; its first
    # key still says JSON Lines, and the page is read as HTML, not the JSON line as text.
    script = "<script>var s = '" + "x" * 70000 + "';</script>"
    page = ("<html><head><title>Talks resume</title>" + script + "</head><body><article>"
            "<p>Negotiators met again on Monday after a week of delays, officials said in the capital.</p>"
            "<p>The two delegations agreed to meet again next week to discuss a ceasefire.</p>"
            "</article></body></html>")
    line = json.dumps({"html": page, "url": "https://x.example/long"})
    assert detect_kind(line + "\n") == "jsonl"
    (doc,) = read_bytes((line + "\n").encode("utf-8"), "long.jsonl")
    assert type(doc).__name__ == "Document"
    assert "Negotiators met again" in doc.text
    assert '"html"' not in doc.text and "xxxx" not in doc.text


def test_jsonl_text_with_unicode_line_separators_stays_one_article():
    line = json.dumps({"url": "https://x.example/9", "title": "Talks resume",
                       "text": "Negotiators met again on Monday\u2028after a week of delays, officials said."},
                      ensure_ascii=False)
    items = list(read_bytes((line + "\n").encode("utf-8"), "sep.jsonl"))
    assert [type(i).__name__ for i in items] == ["Document"]


def test_utf16_jsonl_keeps_every_line():
    from eventwire.ingest import read_bytes
    from eventwire.record import Document

    lines = "\n".join('{"text": "Troops shelled the town of Kafr Nabl on Monday, killing %d people."}' % n
                      for n in (3, 4, 5))
    items = list(read_bytes(lines.encode("utf-16"), "feed.jsonl"))
    assert [type(i) for i in items] == [Document] * 3, items
