"""Devices named as agents (ground/actor_devices.py, data/actors/device_words.tsv), countries named
as a stance ("anti-Syria") and forces a pronoun owns, on hand-written sentences."""
import pytest

from test_actor_rules import actors_of
from test_actors import by_mention


@pytest.mark.parametrize("body, mention, code", [
    # the device's own place phrase
    ("A car bomb near the town of Tikrit killed four police officers on Monday.", "A car bomb near the town of Tikrit",
     "IRQUAF"),
    # a passive agent
    ("Two soldiers were killed by an improvised explosive device outside the Afghan city of Kandahar.",
     "an improvised explosive device outside the Afghan city of Kandahar", "AFGUAF"),
    # the place phrase of its verb
    ("Two soldiers were killed by a roadside bomb on Sunday in the Afghan city of Kandahar.",
     "a roadside bomb", "AFGUAF"),
    ("A lawyer was killed in a bomb blast in Beirut on Tuesday.", "a bomb blast", "LBNUAF"),
])
def test_a_device_that_killed_is_unidentified_attackers_where_it_went_off(nlp, body, mention, code):
    actor = by_mention(actors_of(nlp, body), mention)
    assert actor.code == code and actor.sector == "UAF"


def test_no_guess_a_device_with_no_place_or_places_of_two_countries_is_no_actor(nlp):
    for body in ("A car bomb killed three people on Monday.",
                 "A car bomb killed three people near the border between Kenya and Somalia."):
        actors = actors_of(nlp, body)
        assert not any("bomb" in m.text for a in actors for m in a.mentions), body


def test_a_device_needs_its_modifier_and_a_country_word_keeps_it_a_states(nlp):
    # "device" alone is no weapon
    actors = actors_of(nlp, "The device was found in a car park in Nairobi.")
    assert not any(a.sector == "UAF" for a in actors)
    # "Israeli bombs": the state's, not unidentified attackers
    actors = actors_of(nlp, "Israeli bombs killed ten people in Gaza City.")
    assert not any(a.sector == "UAF" for a in actors)


def test_a_country_named_as_a_stance_is_not_the_actors_country(nlp):
    actors = actors_of(nlp, "Anti-American protesters marched through the capital.")
    assert not any(a.country == "USA" for a in actors)
    assert by_mention(actors_of(nlp, "American protesters marched on Sunday."), "American protesters").country == "USA"


def test_a_states_own_forces_take_no_country_from_where_they_are(nlp):
    actors = actors_of(nlp, "Israel has strengthened its forces in Lebanon after the rocket attacks.")
    assert by_mention(actors, "Lebanon").code == "LBN"
    assert not any(a.code == "LBNMIL" for a in actors)
    # without an owner, the place still gives the group its country
    assert by_mention(actors_of(nlp, "Government forces in Lebanon shelled the camp."),
                      "Government forces in Lebanon").code == "LBNMIL"


def test_a_regional_or_multinational_force_is_intergovernmental_unless_a_country_is_given(nlp):
    actors = actors_of(nlp, "The rebels opposed the deployment of a regional peacekeeping force.")
    assert by_mention(actors, "peacekeeping force").code == "IGOMIL"
    actors = actors_of(nlp, "The rebels opposed the deployment of Nigerian multinational forces.")
    assert not any(a.code.startswith("IGO") for a in actors)
    # the bloc is for armed forces only
    actors = actors_of(nlp, "Regional leaders met in the capital.")
    assert not any(a.code.startswith("IGO") for a in actors)
