"""Settlements standing for their people (ground/actor_populations.py, data/actors/population_acts.tsv),
on hand-written sentences: a town, city or capital named as where people suffer an act is civilians of
its state; countries and regions named so, and settlements named for other reasons, stay as they were."""
import pytest

from test_actor_rules import actors_of
from test_actors import by_mention


@pytest.mark.parametrize("body, mention, code", [
    # the place of a curfew, of fighting, of aid, named after a settlement word or as a capital
    ("Turkish police imposed a curfew in the town of Cizre after the riots.", "Cizre", "TURCVL"),
    ("Heavy fighting raged in central Baghdad on Tuesday.", "Baghdad", "IRQCVL"),
    ("The agency halted aid deliveries in Mosul after a convoy was hit.", "Mosul", "IRQCVL"),
    # the object of an act
    ("Sudanese rebels shelled Juba on Sunday.", "Juba", "SSDCVL"),
    ("Government troops have besieged the city of Homs since March.", "Homs", "SYRCVL"),
    ("Truck drivers said they would blockade Paris next week.", "Paris", "FRACVL"),
    # a besieged town
    ("Helicopters evacuated the wounded from the besieged Bosnian town of Gorazde.", "Bosnian town of Gorazde", "BIHCVL"),
])
def test_a_settlement_suffering_an_act_is_its_civilians(nlp, body, mention, code):
    actor = by_mention(actors_of(nlp, body), mention)
    assert actor.code == code and actor.sector == "CVL"


@pytest.mark.parametrize("body, mention, code", [
    # a country or a region under a curfew stays the state's territory
    ("Serbia lifted the night curfew in Montenegro on Sunday.", "Montenegro", "MNE"),
    ("The government lifted the state of emergency in Darfur.", "Darfur", "SDN"),
    # a settlement named for what is no act on its people: a meeting place, a capital acting
    ("The leaders agreed to hold the summit in Baku next month.", "Baku", "AZE"),
    ("Moscow shelled no one; Moscow rejected the plan on Monday.", "Moscow", "RUSGOV"),
])
def test_no_population_without_a_settlement_and_an_act(nlp, body, mention, code):
    assert by_mention(actors_of(nlp, body), mention).code == code


def test_a_state_is_coded_by_the_article_date_its_territory_before_independence(nlp):
    body = "Sudanese rebels shelled Juba on Sunday."
    assert by_mention(actors_of(nlp, body, published="2005-03-01"), "Juba").code == "SDNCVL"
    assert by_mention(actors_of(nlp, body, published="2015-03-01"), "Juba").code == "SSDCVL"
    # an article without a date keeps today's state
    assert by_mention(actors_of(nlp, body, published=None), "Juba").code == "SSDCVL"


@pytest.mark.parametrize("body, mention, code", [
    # a settlement noun suffering an act, with the country of its place phrase or of its verb's
    ("Rebels shelled villages near the Syrian town of Qusayr.", "villages", "SYRCVL"),
    ("Tanks shelled army positions and residential areas near the Iraqi city of Mosul.", "residential areas",
     "IRQCVL"),
    # a demonym before it: where that country's people live
    ("Bulldozers demolished Palestinian homes on Sunday.", "Palestinian homes", "PSECVL"),
])
def test_a_settlement_noun_suffering_an_act_is_civilians_of_its_place(nlp, body, mention, code):
    assert by_mention(actors_of(nlp, body), mention).code == code


def test_no_guess_a_settlement_noun_without_a_place_is_no_actor(nlp):
    actors = actors_of(nlp, "Rebels shelled villages on Monday.")
    assert not any("villages" in m.text for a in actors for m in a.mentions)


def test_an_act_on_an_object_only_located_in_a_town_leaves_the_town_a_place(nlp):
    actor = by_mention(actors_of(nlp, "Rebels attacked a military camp outside Mosul on Monday."), "Mosul")
    assert actor.code == "IRQ"
    # a reflexive object is no other target: the act falls on the place
    actor = by_mention(actors_of(nlp, "Two bombers blew themselves up in Tel Aviv on Sunday."), "Tel Aviv")
    assert actor.code == "ISRCVL"
