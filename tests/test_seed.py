"""The reference article end to end: the record validates and every acceptance check passes."""
import json
import subprocess
import sys

from eventwire import to_json, validate_record

from conftest import SEED, need_shared

def test_seed_record_validates(seed_record):
    validate_record(to_json(seed_record))


def test_seed_offsets_index_their_sections(seed_record):
    doc = seed_record.document
    for actor in seed_record.actors:
        ev = actor.evidence
        assert doc.section_text(ev.section, ev.caption_index)[ev.start:ev.end] == ev.text
        for m in actor.mentions:
            assert doc.section_text(m.section, m.caption_index)[m.start:m.end] == m.text


def test_seed_acceptance_checks(seed_record, tmp_path):
    """Every check of the seed's expected.toml, must and stretch: the seed stays whole."""
    checker = need_shared("acceptance", "check_article.py")
    record_file = tmp_path / "seed.json"
    record_file.write_text(json.dumps(to_json(seed_record), ensure_ascii=False), encoding="utf-8")
    result = subprocess.run([sys.executable, str(checker), str(record_file), str(SEED / "expected.toml")],
                            capture_output=True, text=True)
    lines = result.stdout.splitlines()
    failed = [line for line in lines if line.startswith("FAIL")]
    assert not failed, "\n".join(failed)
    assert lines[-1].endswith(" passed, 0 failed"), result.stdout
