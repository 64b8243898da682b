"""tools/import_phoenix_actors.py on dictionary snippets written here (format: dictionaries.rst)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _tool():
    spec = importlib.util.spec_from_file_location("import_phoenix_actors", REPO / "tools" / "import_phoenix_actors.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_dates_and_code_ranges():
    tool = _tool()
    assert tool.iso_date("090120") == "2009-01-20" and tool.iso_date("450703") == "1945-07-03"
    assert tool.iso_date("19270101") == "1927-01-01" and tool.iso_date("991341") is None
    assert tool.parse_code("USAGOV 090120-170120") == "USAGOV 2009-01-20..2017-01-20"
    assert tool.parse_code("IGOUNO >070201") == "IGOUNO 2007-02-01.."
    assert tool.parse_code("ABCELI <991231") == "ABCELI ..1999-12-31"
    assert tool.parse_code("---") is None and tool.parse_code("XYZGOV 2004017-20061201") is None


def test_actor_entries_with_synonyms_and_dated_codes(tmp_path):
    tool = _tool()
    path = tmp_path / "x.actors.txt"
    path.write_text("# comment\nRURITANIA_  [RUR]\n+RURITANIAN_\n\nJAN_EXAMPLE_  # note\n+MR._EXAMPLE\n"
                    "\t[RURELI 700101-991231]\n\t[RURGOV 000101-041231]\n\t[RURELI]\nNULL_ENTRY_\n"
                    "ANN_OTHER_\t[USAGOV 010120-050120] [IGOUNOKID >050501]\n", "utf-8")
    rows = {r["name"]: r for r in tool.read_actors(path, "countries")}
    assert rows["ruritania"]["aliases"] == "ruritanian" and rows["ruritania"]["codes"] == "RUR"
    assert rows["jan example"]["aliases"] == "mr. example"
    assert rows["jan example"]["codes"] == "RURELI 1970-01-01..1999-12-31|RURGOV 2000-01-01..2004-12-31|RURELI"
    assert rows["ann other"]["codes"] == "USAGOV 2001-01-20..2005-01-20|IGOUNOKID 2005-05-01.."
    assert "null entry" not in rows  # no code: codes nothing


def test_agents_plurals_substitutions_and_attachment(tmp_path):
    tool = _tool()
    path = tmp_path / "agents.txt"
    path.write_text("!PERSON! = MAN, MEN\nPOLICE {} [~COP]\nLAWMAKER [~LEG]\nMILITIA [~UAF]\n"
                    "CONGRESS!PERSON! [~LEG]\nHUMAN_RIGHTS_BODY  [NGO~] # x\nTHIEF {THIEVES} [~CRM]\n", "utf-8")
    rows = {r["agent"]: r for r in tool.read_agents(path)}
    assert rows["police"]["plurals"] == "" and rows["police"]["code"] == "COP"
    assert rows["lawmaker"]["plurals"] == "lawmakers" and rows["militia"]["plurals"] == "militias"
    assert rows["thief"]["plurals"] == "thieves"
    assert {"congressman", "congressmen"} <= set(rows) and rows["congressmen"]["code"] == "LEG"
    assert rows["human rights body"]["attach"] == "before" and rows["police"]["attach"] == "after"


def test_discards_are_phrases_without_petrarch_marks(tmp_path):
    tool = _tool()
    path = tmp_path / "discards.txt"
    path.write_text("+ACADEMY AWARD   # x\nASIAN CUP\nBASEBALL_\nASIAN CUP\n", "utf-8")
    rows = tool.read_discards(path)
    assert rows == [{"phrase": "academy award"}, {"phrase": "asian cup"}, {"phrase": "baseball"}]


def test_non_iso_phoenix_country_codes_are_rewritten_on_import():
    tool = _tool()
    assert tool.parse_code("YUGGOV 920427-030204") == "SRBGOV 1992-04-27..2003-02-04"
    assert tool.parse_code("KSVGOV") == "KOSGOV" and tool.parse_code("TMPREB") == "TLSREB"
    assert tool.parse_code("USAGOV") == "USAGOV"
