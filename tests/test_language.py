"""Language identification: each document records its language and confidence; only English is coded."""
from __future__ import annotations

from eventwire.ingest.text import parse_text
from eventwire.language import UNDETERMINED, classify, identify_language, is_analysed
from eventwire.pipeline import extract_documents

SPANISH = ("El Gobierno aprobó este martes un paquete de medidas para contener la subida de los precios de la "
           "energía, que según el ministro de Economía beneficiará a millones de hogares en todo el país.")
GERMAN = ("Die Bundesregierung hat am Mittwoch in Berlin ein neues Gesetz zur Förderung erneuerbarer Energien "
          "beschlossen, das nach Angaben des Ministeriums im kommenden Jahr in Kraft treten soll.")
PORTUGUESE = ("O presidente anunciou nesta segunda-feira novas medidas econômicas para conter a inflação, "
              "que atingiu o maior nível dos últimos dez anos segundo o instituto de estatística.")
ENGLISH = ("Government forces shelled the rebel-held town on Monday, killing at least twelve civilians, "
           "according to a monitoring group, as talks on a ceasefire stalled in the capital.")


def test_languages_are_told_apart_with_a_confidence():
    for text, expected in ((SPANISH, "es"), (GERMAN, "de"), (PORTUGUESE, "pt"), (ENGLISH, "en")):
        language, confidence = classify(text)
        assert language == expected
        assert confidence is not None and 0.8 <= confidence <= 1.0


def test_too_short_to_tell_is_undetermined_and_still_analysed():
    doc = identify_language(parse_text("Kyiv: 12 killed", "short.txt"))
    assert doc.language == UNDETERMINED and doc.language_confidence is None
    assert is_analysed(doc)


def test_non_english_documents_are_stored_but_not_parsed_or_coded():
    docs = [parse_text(f"Medidas contra la inflación\n\n{SPANISH}", "es.txt", published="2022-03-01"),
            parse_text(f"Town shelled\n\n{ENGLISH}", "en.txt", published="2022-03-01")]
    spanish, english = list(extract_documents(docs))
    assert spanish.document.language == "es" and not is_analysed(spanish.document)
    assert spanish.document.text == SPANISH and spanish.document.title == "Medidas contra la inflación"
    assert (spanish.actors, spanish.places, spanish.times, spanish.events) == ((), (), (), ())
    assert english.document.language == "en" and english.document.language_confidence > 0.8
    assert english.times and english.events


def test_lang_filter_in_store_events_api_search_and_exports(tmp_path):
    from eventwire.export import event_rows
    from eventwire.store.duckdb import open_store

    docs = [parse_text(f"Medidas contra la inflación\n\n{SPANISH}", "es.txt", published="2022-03-01"),
            parse_text(f"Town shelled\n\n{ENGLISH}", "en.txt", published="2022-03-01")]
    path = str(tmp_path / "x.duckdb")
    with open_store(path) as store:
        for record in extract_documents(docs):
            store.write(record)
        n_english = store.search_events(lang="en")["total"]
        assert n_english > 0 and store.search_events()["total"] == n_english
        assert store.search_events(lang="es")["total"] == 0
        assert len(list(event_rows(store, {"lang": "en"}))) == n_english
        assert list(event_rows(store, {"lang": "es"})) == []
        assert [r["document"]["language"] for r in store.records(lang="es")] == ["es"]
        row = next(event_rows(store))
        assert row["date"] == "2022-02-28" and row["date_grain"] == "day" and row["timex"] == "2022-02-28"
