"""ACLED sub-event types (coding/acled.py, data/codebook/acled.tsv) on hand-written sentences."""
import pytest

from eventwire.coding.acled import AcledRow, AcledTable, ActorCondition, _check, load_acled_table, type_of
from eventwire.coding.codebook import load_codebook
from eventwire.ingest.text import parse_text
from eventwire.pipeline import ground_and_code
from eventwire.read import read


def types_of(nlp, kb, body):
    doc = parse_text(f"A headline for the test\n\n{body}", "t.txt", published="2021-06-10T10:00:00")
    record = ground_and_code(read(doc, nlp), kb, load_codebook())
    return [e.acled.sub_event_type for e in record.events if e.acled is not None], record


def first_type(nlp, kb, body):
    found, record = types_of(nlp, kb, body)
    assert found, [(e.cameo, e.rule) for e in record.events]
    return found[0]


@pytest.mark.parametrize("sentence, expected", [
    # Explosions/Remote violence: the weapon decides, whatever the verb
    ("Syrian warplanes bombed rebel positions near Idlib on Monday.", "Air/drone strike"),
    ("A drone strike killed three militants in North Waziristan on Sunday.", "Air/drone strike"),
    ("Government forces shelled the rebel-held town of Daraya with mortars and artillery.",
     "Shelling/artillery/missile attack"),
    ("A roadside bomb exploded near a police convoy in Kandahar, killing two officers.",
     "Remote explosive/landmine/IED"),
    ("A suicide bomber blew himself up at a checkpoint in Mogadishu, killing five soldiers.", "Suicide bomb"),
    ("Militants lobbed a grenade at a police post in Srinagar, injuring two policemen.", "Grenade"),
    ("Government helicopters dropped barrels of chlorine gas on the town of Douma.", "Chemical weapon"),
    # Battles and violence against civilians
    ("Nigerian troops clashed with Boko Haram fighters near Maiduguri on Sunday.", "Armed clash"),
    ("Two civilians were killed in a gun battle between soldiers and bandits in Zamfara.", "Armed clash"),
    ("Gunmen killed twelve villagers in an attack on a village in Zamfara state.", "Attack"),
    ("Gunmen kidnapped 30 students from a school in Kaduna state on Friday.", "Abduction/forced disappearance"),
    ("Soldiers raped two women in a village near Bunia, a rights group said.", "Sexual violence"),
    # Protests and riots
    ("Thousands of teachers marched through the capital to demand higher wages.", "Peaceful protest"),
    ("Police fired tear gas to disperse protesters who had gathered outside parliament.",
     "Protest with intervention"),
    ("Security forces opened fire on protesters in Khartoum, killing four people.",
     "Excessive force against protesters"),
    ("Rioters torched cars and threw stones at police in the city centre.", "Violent demonstration"),
    ("An angry mob lynched a man accused of witchcraft in the village.", "Mob violence"),
    ("Riot police clashed with stone-throwing protesters outside the parliament on Friday.",
     "Violent demonstration"),
    # Strategic developments
    ("Armed men looted shops and burned houses in the market town.", "Looting/property destruction"),
    ("Police arrested the opposition leader in Kampala on Tuesday.", "Arrests"),
    ("Soldiers found a weapons cache with rifles and ammunition near the border.", "Disrupted weapons use"),
    ("The government and the rebels signed a ceasefire agreement in Juba.", "Agreement"),
    ("Two hundred rebel fighters surrendered to the army in the north.", "Agreement"),
    ("The Iraqi army recaptured the town of Tal Afar from Islamic State militants.",
     "Government regains territory"),
    ("Al-Shabaab militants seized control of the town of Baidoa.", "Non-state actor overtakes territory"),
    ("Turkish forces set up a new military base near the border.", "Headquarters or base established"),
    ("Hundreds of rebel fighters defected to the government side last week.", "Change to group/activity"),
    ("Rebels took control of the town without a fight after the army withdrew.",
     "Non-violent transfer of territory"),
    # CASE 2021 types outside ACLED
    ("Floods swept through the region on Monday, killing 20 people.", "Natural disaster"),
    ("A fire broke out at a garment factory on Monday, killing 12 workers.", "Man-made disaster"),
    ("A gas explosion at a chemical plant killed three workers on Monday.", "Man-made disaster"),
    ("Police arrested five drug traffickers and seized 200 kilograms of cocaine.", "Organised crime"),
    ("Canada expelled two Russian diplomats on Friday.", "Diplomatic event"),
])
def test_sub_event_type_of_each_row_family(nlp, kb, sentence, expected):
    assert first_type(nlp, kb, sentence) == expected


def test_the_same_verb_takes_its_weapon_s_sub_event(nlp, kb):
    """One attack verb, four weapons: the sentence's weapon words choose the sub-event."""
    base = "Militants attacked a police station in the north with {} on Monday."
    assert first_type(nlp, kb, base.format("rockets and mortars")) == "Shelling/artillery/missile attack"
    assert first_type(nlp, kb, base.format("a car bomb")) == "Remote explosive/landmine/IED"
    assert first_type(nlp, kb, base.format("hand grenades")) == "Grenade"
    assert first_type(nlp, kb, base.format("drones")) == "Air/drone strike"


def test_a_disaster_s_toll_is_no_attack_but_a_militant_s_is(nlp, kb):
    assert first_type(nlp, kb, "The earthquake killed eight people in the province.") == "Natural disaster"
    assert first_type(nlp, kb, "Militants killed eight people in the province.") != "Natural disaster"


def test_a_protest_lodged_by_a_government_is_no_street_protest(nlp, kb):
    found, record = types_of(nlp, kb, "Serbia lodged an official protest with Albania.")
    assert "Peaceful protest" not in found
    assert all(e.cameo for e in record.events)  # no incident added where the coder found an event


def test_intended_acts_and_actor_dependent_triggers_give_no_agentless_event(nlp, kb):
    found, record = types_of(nlp, kb, "Baku wanted a peace treaty signed before the end of the year.")
    assert not any("agentless" in e.rule for e in record.events)
    found, record = types_of(nlp, kb, "The rape investigation was closed by the prosecutors last year.")
    assert "Sexual violence" not in found  # a noun modifying another names no event


def test_incident_events_carry_no_cameo_code_and_validate(nlp, kb):
    from eventwire.record import to_json, validate_record

    found, record = types_of(nlp, kb, "Heavy floods displaced thousands of families in the delta.")
    incident = next(e for e in record.events if not e.cameo)
    assert incident.acled.event_type == "Disasters" and incident.rule.startswith("incident ")
    assert incident.source == () and incident.target == () and incident.plover is None
    # dated like every other event: the publication day, assumed, with its calendar date and grain
    assert (incident.date["date"], incident.date["date_grain"], incident.date["anchor"]) == (
        "2021-06-10", "day", "assumed-published")
    validate_record(to_json(record))


def test_first_matching_row_wins_and_conditions_are_checked():
    table = load_acled_table()
    assert type_of("195", "", [], [], frozenset(), table).sub_event_type == "Air/drone strike"
    # a fight between two armed sides is a battle, the same code against civilians an attack
    assert type_of("190", "", [{"MIL"}], [{"REB"}], frozenset(), table).sub_event_type == "Armed clash"
    assert type_of("190", "", [{"REB"}], [{"CVL"}], frozenset(), table).sub_event_type == "Attack"
    assert type_of("173", "", [{"COP"}], [], frozenset({"crime"}), table).sub_event_type == "Organised crime"
    assert type_of("173", "", [{"COP"}], [], frozenset(), table).sub_event_type == "Arrests"
    assert type_of("040", "", [], [], frozenset(), table) is None  # a meeting is no ACLED event
    assert type_of("191", "", [], [], frozenset(), table) is None  # a blockade is no fighting


def test_a_row_naming_an_unknown_class_fails_at_load():
    table = load_acled_table()
    bad = AcledRow(1, "Battles", "Armed clash", ("19",), frozenset(), ActorCondition(), ActorCondition(),
                   (frozenset({"no_such_class"}),), frozenset())
    with pytest.raises(ValueError, match="no_such_class"):
        _check(AcledTable((bad,), table.words, table.sectors, table.incidents))


def test_agentless_event_finds_compound_trigger_rows(nlp, kb):
    # no actor anywhere: the ACLED stage's own search must see the compound row ("air strike" 195)
    found, record = types_of(nlp, kb, "An air strike flattened the market yesterday.")
    agentless = [e for e in record.events if "agentless" in e.rule]
    assert agentless and agentless[0].cameo == "195" and found[0] == "Air/drone strike", [
        (e.cameo, e.rule) for e in record.events]


def test_agentless_event_is_dated_by_its_clause(nlp, kb):
    found, record = types_of(nlp, kb, "An air strike flattened the market on Monday.")
    (event,) = [e for e in record.events if "agentless" in e.rule]
    assert event.date["value"] == "2021-06-07" and event.date["anchor"] != "assumed-published"


def test_an_event_named_as_a_landmark_is_no_incident(nlp, kb):
    found, record = types_of(nlp, kb, "Soldiers patrolled a village close to the chemical attack in Idlib.")
    assert "Chemical weapon" not in found and not [e for e in record.events if e.cameo[:2] in ("18", "19", "20")]
