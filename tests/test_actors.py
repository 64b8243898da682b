"""Actor grounding rules on hand-written sentences (first grounding; the actors issue deepens it)."""
import pytest

from eventwire.ground.actor_kb import load_actor_kb
from eventwire.ground.actors import resolve_actors
from eventwire.ingest.text import parse_text
from eventwire.read import read


def actors_of(nlp, body, kb=None, title="A headline for the test"):
    doc = parse_text(f"{title}\n\n{body}", "t.txt")
    return resolve_actors(read(doc, nlp), kb or load_actor_kb())


def by_mention(actors, text):
    hits = [a for a in actors if any(m.text == text for m in a.mentions)]
    assert hits, f"no actor mentioned as {text!r}: {[(a.name, [m.text for m in a.mentions]) for a in actors]}"
    return hits[0]


@pytest.mark.parametrize("body, mention, code", [
    ("Russian President Vladimir Putin met the delegation in Sochi on Friday.", "Vladimir Putin", "RUSGOV"),
    ("Kremlin spokesperson, Dmitry Peskov, told reporters the meeting was useful.", "Dmitry Peskov", "RUSGOV"),
    ("The talks were hosted by Emmanuel Macron [French president] in Paris.", "Emmanuel Macron", "FRAGOV"),
    ("Jean Dupont, the French defence minister, said the troops would stay.", "Jean Dupont", "FRAGOV"),
    ("Iranian Foreign Minister Ali Example arrived in Baghdad on Sunday.", "Ali Example", "IRNGOV"),
    ("Syrian regime forces shelled the town overnight.", "Syrian regime forces", "SYRMIL"),
    ("Russian warplanes struck a market in the town.", "Russian warplanes", "RUSMIL"),
    ("The Kremlin said the talks would resume next week.", "Kremlin", "RUSGOV"),
    ("The White House rejected the plan on Monday.", "White House", "USAGOV"),
    ("Moscow said it would respond to the sanctions.", "Moscow", "RUSGOV"),
])
def test_title_seat_group_and_metonym_codes(nlp, body, mention, code):
    assert by_mention(actors_of(nlp, body), mention).code == code


def test_surname_joins_the_full_name(nlp):
    actors = actors_of(nlp, "Turkish President Recep Tayyip Erdogan spoke on Friday. "
                            "Later, Erdogan said the talks had failed.")
    full = by_mention(actors, "Recep Tayyip Erdogan")
    assert any(m.text == "Erdogan" for m in full.mentions)
    assert full.code == "TURGOV" and full.kind == "person" and full.role == "president"


def test_country_as_place_is_not_an_actor(nlp):
    actors = actors_of(nlp, "Aid reached families in Syria's Idlib province on Monday, the agency said.")
    assert not any(a.code == "SYR" for a in actors)


def test_coordinated_demonyms_give_one_actor_each(nlp):
    actors = actors_of(nlp, "He said he would meet with his Russian, German and French counterparts on Monday.")
    codes = {a.code for a in actors if a.role}
    assert {"RUSGOV", "DEUGOV", "FRAGOV"} <= codes


def test_mentions_index_their_section(nlp):
    doc = parse_text("Leaders meet\n\nFirst paragraph here.\n\nGerman Chancellor Angela Merkel arrived.", "t.txt")
    for actor in resolve_actors(read(doc, nlp), load_actor_kb()):
        for m in actor.mentions:
            assert doc.section_text(m.section, m.caption_index)[m.start:m.end] == m.text


def test_user_dictionary_adds_and_overrides(nlp, tmp_path):
    (tmp_path / "organisations.tsv").write_text(
        "name\taliases\tcode\tcountry\tsector\tkind\twikidata\n"
        "Harbour Watch\t\tNGO\t\tSOC\torganisation\t\n"
        "International Rescue Committee\tIRC\tNGOTEST\t\tSOC\torganisation\t\n", encoding="utf-8")
    kb = load_actor_kb(str(tmp_path))
    actors = actors_of(nlp, "Harbour Watch and the International Rescue Committee warned of shortages.", kb)
    assert by_mention(actors, "Harbour Watch").code == "NGO"
    assert by_mention(actors, "International Rescue Committee").code == "NGOTEST"
    assert by_mention(actors_of(nlp, "The International Rescue Committee warned of shortages."),
                      "International Rescue Committee").code == "NGO"


def test_credit_agency_is_not_an_actor(nlp):
    doc = parse_text("Smoke over the city\n\nSmoke rises over the city [Jane Roe/Anadolu Agency]\n\n"
                     "Warplanes struck the city centre on Monday, residents said in interviews.", "t.txt")
    actors = resolve_actors(read(doc, nlp), load_actor_kb())
    assert not any("Anadolu" in m.text for a in actors for m in a.mentions)


def actors_on(nlp, body, published, kb=None):
    doc = parse_text(f"A headline for the test\n\n{body}", "t.txt", published=published)
    return resolve_actors(read(doc, nlp), kb or load_actor_kb())


@pytest.mark.parametrize("published, code, role", [
    ("2020-02-24T09:25:00", "RUSGOV", "president"),
    ("2010-06-01T12:00:00", "RUSGOV", "prime minister"),  # Putin was prime minister 2008-2012
])
def test_leader_code_follows_the_article_date(nlp, published, code, role):
    actor = by_mention(actors_on(nlp, "Putin said the talks would continue.", published), "Putin")
    assert (actor.code, actor.role, actor.kind) == (code, role, "person")
    assert actor.wikidata == "Q7747"


def test_former_leader_after_the_office_ended_is_an_elite(nlp):
    actor = by_mention(actors_on(nlp, "Merkel said the talks would continue.", "2023-03-01T10:00:00"), "Merkel")
    assert actor.code == "DEUELI" and actor.role == "former chancellor"
    actor = by_mention(actors_on(nlp, "Merkel said the talks would continue.", "2015-03-01T10:00:00"), "Merkel")
    assert actor.code == "DEUGOV"


def test_title_after_the_name_with_comma(nlp):
    actors = actors_of(nlp, "Dmitry Peskov, the Kremlin spokesman, told reporters the talks had ended.")
    assert by_mention(actors, "Dmitry Peskov").code == "RUSGOV"


def test_unknown_titled_person_takes_the_only_country_of_the_sentence(nlp):
    actors = actors_of(nlp, "Aid convoys reached Sudan on Monday. "
                            "President Omar Example said the curfew in Sudan would end.")
    actor = by_mention(actors, "Omar Example")
    assert actor.code == "SDNGOV" and "one country" in actor.resolved_by


def test_former_in_the_title_gives_elite(nlp):
    actor = by_mention(actors_of(nlp, "Ousted President Jan Example agreed to resign, the speaker of Ruritania's parliament said."),
                       "Jan Example")
    assert actor.sector == "ELI" and actor.code.endswith("ELI")


def test_generic_group_takes_the_country_of_the_story(nlp):
    body = ("Shelling hit villages in Syria's Idlib province on Monday. "
            "Idlib has been a stronghold of anti-government armed groups since 2011. "
            "Russia and Turkey discussed the offensive, Russia said.")
    assert by_mention(actors_of(nlp, body), "anti-government armed groups").code == "SYRREB"


def test_bare_group_takes_the_country_the_article_gives_it(nlp):
    body = "The Syrian regime denied the report. Later the regime said the attacks would go on."
    actors = actors_of(nlp, body)
    regime = by_mention(actors, "Syrian regime")
    assert any(m.text == "regime" for m in regime.mentions) and regime.code == "SYRGOV"


def test_backed_by_keeps_both_actors(nlp):
    actors = actors_of(nlp, "Some 800,000 people have fled since Syrian regime forces – backed by Russian air power – "
                            "intensified their assault on the town in December.")
    assert by_mention(actors, "Syrian regime forces").code == "SYRMIL"
    assert by_mention(actors, "Russian air power").code == "RUSMIL"


def test_subject_pronoun_is_a_mention_of_the_nearest_person(nlp):
    actors = actors_of(nlp, "Turkish President Recep Tayyip Erdogan spoke on Friday. "
                            "He said the offensive would continue.")
    erdogan = by_mention(actors, "Recep Tayyip Erdogan")
    assert [m.text for m in erdogan.mentions] == ["Turkish President", "Recep Tayyip Erdogan", "He"]
    assert erdogan.mentions[-1].sentence == erdogan.mentions[0].sentence + 1


def test_country_modifiers_before_and_after_groups_and_roles(nlp):
    assert by_mention(actors_of(nlp, "Poland's parliament demanded an apology."), "Poland's parliament").code == "POLLEG"
    assert by_mention(actors_of(nlp, "Rebels in the Ivory Coast rejected the plan."), "Rebels in the Ivory Coast").code == "CIVREB"
    assert by_mention(actors_of(nlp, "The Sri Lankan army shelled the zone."), "Sri Lankan army").code == "LKAMIL"


def test_country_as_recipient_and_demonym_as_actor(nlp):
    actors = actors_of(nlp, "Libya has offered to hand over two suspects to Great Britain. "
                            "Bangladesh rejected an Indian proposal. Palestinians rejected the plan.")
    assert by_mention(actors, "Great Britain").code == "GBR"
    assert by_mention(actors, "Indian").code == "IND"
    assert by_mention(actors, "Palestinians").code == "PSE"


def test_organisation_with_a_group_noun(nlp):
    actor = by_mention(actors_of(nlp, "UN peacekeepers left the town on Friday."), "UN peacekeepers")
    assert actor.code.startswith("IGO") and actor.code.endswith("MIL")


def test_user_people_file_overrides_and_adds(nlp, tmp_path):
    (tmp_path / "people.tsv").write_text(
        "name\taliases\tcountry\trole\tsector\tstart\tend\twikidata\n"
        "Vladimir Putin\tPutin\tRUS\tprime minister\tGOV\t2000-01-01\t\t\n"
        "Anna Lindqvist\t\tFRA\tforeign minister\tGOV\t2019-01-01\t\t\n", encoding="utf-8")
    kb = load_actor_kb(str(tmp_path / "people.tsv"))
    actors = actors_on(nlp, "Putin met Anna Lindqvist in Paris on Friday.", "2020-02-24T09:25:00", kb)
    assert by_mention(actors, "Putin").role == "prime minister"
    assert by_mention(actors, "Anna Lindqvist").code == "FRAGOV"


def test_country_named_as_a_whole_place_is_its_state_without_sector(nlp):
    actors = actors_of(nlp, "France will send 4,000 troops to a peacekeeping force in Liberia.")
    liberia = by_mention(actors, "Liberia")
    assert liberia.code == "LBR" and liberia.kind == "state"


def test_counted_or_described_plural_demonyms_are_civilians(nlp):
    actors = actors_of(nlp, "Thousands of Nigerians marched through the capital on Thursday.")
    assert by_mention(actors, "Nigerians").code == "NGACVL"
    actors = actors_of(nlp, "Thousands of Iraqi Kurds demonstrated in the north on Sunday.")
    assert by_mention(actors, "Iraqi Kurds").code == "IRQCVL"


def test_group_takes_the_country_it_is_spread_throughout(nlp):
    actors = actors_of(nlp, "Students throughout Indonesia staged mass demonstrations on Saturday.")
    assert by_mention(actors, "Students throughout Indonesia").code == "IDNEDU"


def test_known_leader_out_of_office_keeps_his_country(nlp):
    # The people table dates Reagan's presidency 1981-1989; on a 2000 date the title still names him.
    doc = parse_text("A headline\n\nThe German government welcomed President Reagan's statement.", "t.txt",
                     published="2000-01-01T00:00:00")
    actors = resolve_actors(read(doc, nlp), load_actor_kb())
    assert by_mention(actors, "Reagan").country == "USA"
    actors = actors_of(nlp, "The Bush administration said China must drop its barriers to exports.")
    assert by_mention(actors, "Bush administration").country == "USA"


def test_led_compound_gives_the_leading_country(nlp):
    actors = actors_of(nlp, "Vietnamese-led forces have retaken a strategic village.")
    assert by_mention(actors, "Vietnamese-led forces").code == "VNMMIL"
    actors = actors_of(nlp, "The Turkish government refused to assist the US-led war against Iraq.")
    assert by_mention(actors, "US").code == "USA"


# --- actors issue #3: coordination, misspellings, places, ethnic groups, context --------------------

def test_coordinated_country_modifiers_share_the_head_noun(nlp):
    actors = actors_of(nlp, "Iraqi and Jordanian diplomats met on Monday.")
    iraq, jordan = by_mention(actors, "Iraqi"), by_mention(actors, "Jordanian diplomats")
    assert iraq.code == "IRQGOV" and jordan.code == "JORGOV"
    assert [m.text for m in iraq.mentions] == ["Iraqi", "diplomats"]  # the head noun names both


def test_coordination_the_parse_missed_still_gives_one_actor_per_country(nlp):
    actors = actors_of(nlp, "Guinea expelled Sierra Leonean and Liberian refugees.")
    assert by_mention(actors, "Sierra Leonean").code == "SLEREF"
    assert by_mention(actors, "Liberian refugees").code == "LBRREF"


def test_misspelt_country_and_surname_read_as_the_known_names(nlp):
    assert by_mention(actors_of(nlp, "Mozambque accused Zimbabwe of backing the rebels."), "Mozambque").code == "MOZ"
    netanyahu = by_mention(actors_of(nlp, "Prime Minister Benjamin Netanyhu spoke on Monday."), "Benjamin Netanyhu")
    assert netanyahu.code == "ISRGOV"


def test_known_first_names_and_english_words_are_never_misspellings(nlp):
    actors = actors_of(nlp, "Angela Merkel met the Standards Committee on Monday.")
    assert by_mention(actors, "Angela Merkel").country == "DEU"
    assert not any(a.country in ("AGO", "ESP") for a in actors)


def test_towns_and_regions_are_state_actors_of_their_country(nlp):
    town = by_mention(actors_of(nlp, "Gunmen attacked a checkpoint near the town of Tikrit on Sunday."), "Tikrit")
    assert town.code == "IRQ" and town.sector is None and town.kind == "state"
    region = by_mention(actors_of(nlp, "Aid workers returned to West Darfur State on Monday."), "West Darfur State")
    assert region.code == "SDN"
    assert by_mention(actors_of(nlp, "The government said rebels in Darfur had attacked."), "rebels in Darfur").code == "SDNREB"


def test_a_direction_alone_is_no_place(nlp):
    actors = actors_of(nlp, "Leaders in the West condemned the attack.")
    assert not any(a.kind == "state" for a in actors)


def test_ethnic_groups_take_their_home_country_or_the_articles(nlp):
    assert by_mention(actors_of(nlp, "Tamil rebels attacked an army camp on Sunday."), "Tamil rebels").code == "LKAREB"
    actors = actors_of(nlp, "Syrian forces shelled the town of Afrin. Kurds protested in the streets on Monday.")
    assert by_mention(actors, "Kurds").code == "SYRCVL"  # Kurds live in several countries: the article's


def test_unknown_titled_person_takes_the_country_named_in_the_sentence(nlp):
    actors = actors_of(nlp, "Candidate Ama Mensah won the vote in Ghana on Sunday, observers said.")
    assert by_mention(actors, "Ama Mensah").country == "GHA"


def test_a_party_takes_the_only_country_of_its_sentence_and_no_other(nlp):
    actors = actors_of(nlp, "The fundamentalist Nahda party said it would boycott Tunisia's elections.")
    assert by_mention(actors, "party").code == "TUNPTY"
    # two countries named: which one's party it is the sentence does not say
    actors = actors_of(nlp, "The Nahda party said Tunisia and Algeria should hold talks.")
    assert by_mention(actors, "party").code == "---PTY"


def test_the_longest_country_name_wins(nlp):
    actors = actors_of(nlp, "The Democratic People's Republic of Korea rejected the demand.")
    assert by_mention(actors, "Democratic People's Republic of Korea").code == "PRK"


def test_an_ethnic_group_is_coded_by_the_country_it_lives_in(nlp):
    actors = actors_of(nlp, "Ethnic Serb militants operating in Kosovo attacked a police station.")
    assert by_mention(actors, "Serb militants").code == "KOSREB"
    actors = actors_of(nlp, "The government said 5,000 Iranian Kurd refugees would be allowed to return.")
    assert any(a.code == "IRNREF" for a in actors) and not any(a.code.endswith("REF") and a.country != "IRN" for a in actors)


def test_demonym_place_word_and_town_are_one_place(nlp):
    actors = actors_of(nlp, "Soldiers fired on protesters near the Afghan city of Herat.")
    assert by_mention(actors, "Afghan city of Herat").code == "AFG"


def test_capital_namesake_in_a_country_the_article_names_wins(nlp):
    # "Tripoli" is Libya's capital, but in an article that names Lebanon and never Libya it is
    # Lebanon's Tripoli; once Libya is named outright the capital keeps its own country.
    lebanon = actors_of(nlp, "Rebels attacked Tripoli on Monday, the Lebanese army said.")
    assert by_mention(lebanon, "Tripoli").country == "LBN"
    assert by_mention(lebanon, "Rebels").country == "LBN"
    libya = actors_of(nlp, "Libyan troops attacked Tripoli on Monday, the Lebanese army said.")
    assert by_mention(libya, "Tripoli").country == "LBY"


def test_country_naming_a_currency_is_no_actor(nlp):
    actors = actors_of(nlp, "Ousted president Jean-Bertrand Aristide misused up to US $50 million in public funds, "
                            "Haitian officials said.")
    assert all(a.country != "USA" for a in actors)
    assert by_mention(actors, "Jean-Bertrand Aristide").country == "HTI"


def test_country_or_bloc_of_an_actor_code():
    from eventwire.ground.actor_kb import country_or_bloc

    assert country_or_bloc("SYR", "SYRMIL") == "SYR"
    assert country_or_bloc(None, "IGOUNO") == "IGO" and country_or_bloc(None, "NGO") == "NGO"
    assert country_or_bloc(None, "CVL") is None and country_or_bloc(None, None) is None


def test_held_members_of_an_armed_group_keep_its_code(nlp):
    # Prisoners are civilians by condition, but "Hamas prisoners" are Hamas members.
    actor = by_mention(actors_of(nlp, "Israel released 20 Hamas prisoners on Friday."), "Hamas prisoners")
    assert actor.code == "PSEREB"


def test_group_noun_qualifying_the_acting_noun_acts_through_it(nlp):
    # "Regime airstrikes killed ...": the regime acts through its airstrikes (the article's country).
    actors = actors_of(nlp, "Syrian forces shelled Idlib. Regime airstrikes killed 20 civilians in Idlib.")
    assert by_mention(actors, "Regime").code == "SYRGOV"


def test_believers_and_workers_take_their_sentences_one_country(nlp, kb):
    # believers of a religion (a religion's sector) and labour are domestic groups, as parties are
    actors = actors_of(nlp, "Islamic fundamentalists began a sit-in to demand the resignation of Kenya's president.", kb)
    group = by_mention(actors, "Islamic fundamentalists")
    assert group.country == "KEN" and "one country" in group.resolved_by
    actors = actors_of(nlp, "Thousands of workers stopped work over a bill proposed by the Peruvian government.", kb)
    assert by_mention(actors, "workers").country == "PER"
    # with two countries named, which one the group belongs to is not said
    actors = actors_of(nlp, "Thousands of workers protested in front of the embassy over a deal between Peru and Chile.", kb)
    assert not [a for a in actors if a.country and any(m.text == "workers" for m in a.mentions)]
