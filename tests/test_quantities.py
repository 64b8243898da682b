"""Quantity grounding on hand-written sentences: number forms, qualifiers, categories, scope,
sources, and the numbers that are not counts."""
import pytest

from eventwire.ground.actors import resolve_actors
from eventwire.ground.quantities import load_quantity_tables, resolve_quantities
from eventwire.ingest.text import parse_text
from eventwire.read import read


def quantities_of(nlp, body, kb=None):
    doc = parse_text(f"A headline for the test\n\n{body}", "t.txt", published="2020-02-24T09:25:00")
    parsed = read(doc, nlp)
    actors = resolve_actors(parsed, kb) if kb is not None else ()
    return [q for q in resolve_quantities(parsed, actors) if q.evidence.section == "body"], actors


def only(nlp, body, kb=None):
    found, _ = quantities_of(nlp, body, kb)
    assert len(found) == 1, [(q.text, q.value) for q in found]
    return found[0]


# ---------------------------------------------------------------- qualifiers and bounds

@pytest.mark.parametrize("body, text, value, low, high, approximate", [
    ("More than 1,800 civilians have been killed in the attacks on the town.",
     "More than 1,800", 1800, 1800, None, False),
    ("Over 300 people were wounded in the shelling of the market on Monday.", "Over 300", 300, 300, None, False),
    ("At least six children died in the camp during the cold spell.", "At least six", 6, 6, None, False),
    ("Nearly a million people have been displaced by the fighting in the north.",
     "Nearly a million", 1_000_000, None, 1_000_000, False),
    ("Almost 40 protesters were arrested by the police in the capital on Friday.", "Almost 40", 40, None, 40, False),
    ("Up to 500 soldiers will be deployed to the border region next month.", "Up to 500", 500, None, 500, False),
    ("Some 800,000 people have fled their homes in the region this winter.", "Some 800,000", 800_000, None, None, True),
    ("About 70 families were evacuated from the village by the aid agencies.", "About 70", 70, None, None, True),
    ("Around 25 people were injured when the bridge collapsed on Sunday.", "Around 25", 25, None, None, True),
    ("Twelve people were killed in the blast at the bus station.", "Twelve", 12, 12, 12, False),
    ("Between 10 and 15 people were injured in the attack on the checkpoint.",
     "Between 10 and 15", None, 10, 15, False),
    ("50 or more people were detained after the protest in the city centre.", "50 or more", 50, 50, None, False),
    ("No more than 20 fighters remained in the town after the retreat.", "No more than 20", 20, None, 20, False),
])
def test_qualifiers_set_the_bounds(nlp, body, text, value, low, high, approximate):
    q = only(nlp, body)
    assert (q.text, q.value, q.low, q.high, q.approximate) == (text, value, low, high, approximate)


# ---------------------------------------------------------------- number forms

@pytest.mark.parametrize("body, value", [
    ("Six civilians were killed in the air strike on the village.", 6),
    ("A dozen houses were destroyed in the storm overnight.", 12),
    ("The agency said 1,800 families needed urgent help after the flood.", 1800),
    ("The ministry said 1800 families needed urgent help after the flood.", 1800),
    ("The camp now shelters 1.5 million refugees from across the region.", 1_500_000),
    ("Half a million people lost power when the storm hit the coast.", 500_000),
    ("Two hundred and fifty prisoners were released under the amnesty.", 250),
    ("Twenty-five workers were rescued from the collapsed mine on Friday.", 25),
    ("Two dozen soldiers guarded the crossing through the night.", 24),
])
def test_number_forms(nlp, body, value):
    assert only(nlp, body).value == value


@pytest.mark.parametrize("body, low", [
    ("Dozens of people were wounded in the clashes near the university.", 12),
    ("Hundreds of families have fled the fighting in the province.", 100),
    ("Thousands of people marched through the capital on Saturday.", 1000),
    ("Tens of thousands of people have fled the offensive in the north.", 10_000),
    ("Hundreds of thousands of people were without water after the attack.", 100_000),
])
def test_vague_plurals_are_lower_bounds(nlp, body, low):
    q = only(nlp, body)
    assert (q.value, q.low, q.high, q.approximate) == (None, low, None, True)


# ---------------------------------------------------------------- subjects and categories

@pytest.mark.parametrize("body, subject, category", [
    ("More than 1,800 civilians have been killed in attacks by the regime.", "civilians", "killed"),
    ("At least six children have died of the cold in the camps.", "children", "killed"),
    ("Gunmen shot dead 14 villagers in the market on Tuesday morning.", "villagers", "killed"),
    ("The death toll from the bombing rose to 45 on Wednesday evening.", None, "killed"),
    ("Thirty people were wounded when the shell hit the school.", "people", "injured"),
    ("Some 800,000 people have fled the province since the offensive began.", "people", "displaced"),
    ("More than 80,000 people are sleeping in the open air in freezing temperatures.", "people", "homeless"),
    ("The police detained 35 activists during the demonstration on Friday.", "activists", "arrested"),
    ("Seven fishermen remain missing after the boat capsized off the coast.", "fishermen", "missing"),
    ("Rescue teams evacuated 400 patients from the damaged hospital.", "patients", "evacuated"),
    ("The ministry deployed 3,000 troops to the border over the weekend.", "troops", "deployed"),
    ("Turkey has 12 observation posts in the province to monitor the truce.", "observation posts", "other"),
    ("Thousands of people were displaced by the floods in the south.", "people", "displaced"),
])
def test_subject_and_category(nlp, body, subject, category):
    q = only(nlp, body)
    assert (q.subject, q.category) == (subject, category)


def test_a_figure_inside_including_takes_the_clause_category(nlp):
    found, _ = quantities_of(nlp, "At least 30 people, including 24 civilians, were killed in the raids.")
    assert [(q.text, q.subject, q.category) for q in found] == [
        ("At least 30", "people", "killed"), ("24", "civilians", "killed")]


def test_categories_file_has_only_known_categories():
    tables = load_quantity_tables()
    assert set(tables.categories.values()) <= {"killed", "injured", "displaced", "homeless", "arrested",
                                               "missing", "evacuated", "deployed", "other"}
    assert tables.categories[("sleep", "in", "open")] == "homeless"


# ---------------------------------------------------------------- scope and period

@pytest.mark.parametrize("body, period", [
    ("The truce was agreed in 2018, but more than 1,800 civilians have been killed since then.", "since then"),
    ("Some 800,000 people have fled since December, the agency said on Monday.", "since December"),
    ("More than 500 migrants have drowned in the sea so far this year.", "so far this year"),
    ("Syria's war has killed more than 380,000 people and displaced millions more.", "Syria's war"),
])
def test_cumulative_figures_carry_their_period(nlp, body, period):
    found, _ = quantities_of(nlp, body)
    q = found[0]
    assert (q.scope, q.period) == ("cumulative", period)


def test_a_single_event_figure_has_event_scope(nlp):
    q = only(nlp, "Twelve people were killed in the blast at the bus station on Monday.")
    assert (q.scope, q.period) == ("event", None)


# ---------------------------------------------------------------- sources

def test_source_from_according_to(nlp, kb):
    found, actors = quantities_of(
        nlp, "According to the International Rescue Committee at least six children have died of the cold.", kb)
    irc = next(a for a in actors if a.name == "International Rescue Committee")
    assert [q.source for q in found] == [irc.id]


def test_source_from_a_reporting_verb(nlp, kb):
    found, actors = quantities_of(
        nlp, "The Syrian Observatory for Human Rights said 45 people were killed in the strikes on Saturday.", kb)
    sohr = next(a for a in actors if a.name == "Syrian Observatory for Human Rights")
    assert [q.source for q in found] == [sohr.id]


def test_no_source_when_none_is_named(nlp, kb):
    found, _ = quantities_of(nlp, "Twelve people were killed in the blast at the bus station.", kb)
    assert found[0].source is None


# ---------------------------------------------------------------- not counts

@pytest.mark.parametrize("body", [
    "The leaders will meet on 5 March 2020 to discuss the situation in the province.",
    "The talks began at 9:25 am on Monday in the capital.",
    "The war began in 2011 after protests spread across the country.",
    "A 55-year old man was arrested by the police at the scene.",
    "The boy, aged 12, was taken to the hospital in the city.",
    "The victim was 34 years old and lived in the old town.",
    "Prices have risen by 40 percent since the start of the crisis.",
    "Unemployment has reached 35% in the northern provinces this winter.",
    "The donors pledged $5 million to rebuild the damaged schools.",
    "The government promised 200 dollars to every family in the camp.",
    "It was the second attack on the market this month.",
    "The council adopted Resolution 2254 after long negotiations.",
    "The ceasefire lasted three days before the shelling resumed.",
    "The convoy travelled 40 kilometres along the highway before it stopped.",
    "The report was published on 17-06-2016 by the local council.",
    "He agreed to a five-day truce with the rebels in the north.",
    "One of the witnesses said the shelling started before dawn.",
])
def test_dates_times_ages_percentages_money_and_names_are_not_counts(nlp, body):
    found, _ = quantities_of(nlp, body)
    counts = [q for q in found if q.category not in ("money", "area", "distance")]
    assert counts == [], [(q.text, q.value) for q in counts]


@pytest.mark.parametrize("body", [
    "Firefighters battled the 911 Fire near the town through the night.",
    "Passengers on Flight 370 were never found, officials said.",
    "Traffic on Route 66 was stopped after the crash near the town.",
    "The council adopted resolution 2254 after long negotiations.",
])
def test_numbers_inside_names_are_never_quantities(nlp, body):
    found, _ = quantities_of(nlp, body)
    assert found == [], [(q.text, q.value) for q in found]


def test_a_count_before_a_proper_adjective_and_its_noun_is_still_a_count(nlp):
    found, _ = quantities_of(nlp, "The 12 Taliban fighters were killed in the raid on Monday.")
    assert [(q.value, q.category) for q in found] == [(12, "killed")]


@pytest.mark.parametrize("body, text, category, value, unit", [
    ("The donors pledged $5 million to rebuild the damaged schools.", "$5 million", "money", 5e6, "USD"),
    ("The bank lent $300m and 4bn euros to the government.", "$300m", "money", 3e8, "USD"),
    ("The bank lent $300m and 4bn euros to the government.", "4bn euros", "money", 4e9, "EUR"),
    ("The state paid 300 million yuan to the families.", "300 million yuan", "money", 3e8, "CNY"),
    ("The fire burned more than 142,000 acres of forest.", "more than 142,000 acres", "area", 574.653552, "km2"),
    ("The zone covers 12 square kilometres of farmland.", "12 square kilometres", "area", 12.0, "km2"),
    ("The convoy travelled 40 kilometres along the highway.", "40 kilometres", "distance", 40.0, "km"),
])
def test_money_areas_and_distances(nlp, body, text, category, value, unit):
    found, _ = quantities_of(nlp, body)
    (q,) = [q for q in found if q.text == text]
    assert (q.category, q.value, q.unit) == (category, value, unit)
    assert not [c for c in found if c.category not in ("money", "area", "distance")]


@pytest.mark.parametrize("body, text, low, high, approximate", [
    ("The fund will give no more than $5 million to the province.", "no more than $5 million", None, 5e6, False),
    ("The fire burned no fewer than 300 acres of forest.", "no fewer than 300 acres", 1.214057, None, False),
    ("The convoy travelled well over 40 kilometres on the highway.", "well over 40 kilometres", 40.0, None, False),
    ("Donors pledged close to 4bn euros for the rebuilding.", "close to 4bn euros", None, 4e9, False),
    ("The state paid an estimated 300 million yuan to the families.", "an estimated 300 million yuan", None, None,
     True),
])
def test_amounts_take_the_same_qualifiers_as_counts(nlp, body, text, low, high, approximate):
    found, _ = quantities_of(nlp, body)
    (q,) = [q for q in found if q.text == text]
    assert (q.low, q.high, q.approximate) == (low, high, approximate)


def test_a_casualty_category_needs_its_word_in_the_same_clause(nlp):
    (q,) = only_all(nlp, "Police detained 12 employees accused of killing a guard at the plant.")
    assert q.category != "killed"


def only_all(nlp, body):
    found, _ = quantities_of(nlp, body)
    return [q for q in found if q.text.startswith("12")]


# ---------------------------------------------------------------- record form

def test_ids_follow_reading_order_and_evidence_is_the_sentence(nlp):
    body = ("Six people were killed in the first strike. Later, 20 people were wounded when a second "
            "strike hit the market.")
    found, _ = quantities_of(nlp, body)
    assert [(q.id, q.text) for q in found] == [("quantity1", "Six"), ("quantity2", "20")]
    assert found[1].evidence.text.startswith("Later, 20 people were wounded")
    assert body[found[1].evidence.start: found[1].evidence.end] == found[1].evidence.text


# ---------------------------------------------------------------- harder shapes

def test_a_partitive_keeps_its_pronoun_as_subject(nlp):
    found, _ = quantities_of(nlp, "Dozens of patients were taken to hospitals in Turkey, three of which died there.")
    three = next(q for q in found if q.text == "three")
    assert (three.subject, three.category) == ("which", "killed")


def test_a_headline_run_gives_the_counted_noun(nlp):
    found, _ = quantities_of(nlp, "Coalition strikes kill 18 IS jihadists near the Syrian border town on Monday.")
    assert [(q.text, q.subject, q.category) for q in found] == [("18", "jihadists", "killed")]


@pytest.mark.parametrize("body", [
    "Reported on 21 Jul 2016 by the local council in the northern town.",
    "The statement came on Jul 21 after a long meeting of the council.",
])
def test_a_day_beside_its_month_is_not_a_count(nlp, body):
    found, _ = quantities_of(nlp, body)
    assert found == [], [(q.text, q.value) for q in found]


def test_a_long_span_is_cumulative_and_a_few_days_are_one_episode(nlp):
    found, _ = quantities_of(nlp, "Air strikes killed 300 people in two months. "
                                  "The shelling killed 84 people in three days.")
    assert [(q.text, q.scope) for q in found] == [("300", "cumulative"), ("84", "event")]
    assert found[0].period == "in two months"


def test_bodies_of_keep_whose_bodies(nlp):
    q = only(nlp, "Activists say at least 65 bodies of civilians have been found in the town.")
    assert (q.subject, q.category) == ("bodies of civilians", "killed")


def test_a_count_the_model_calls_a_quantity_entity_is_still_a_count(nlp):
    found, _ = quantities_of(nlp, "The country had admitted more than 1.4 million Syrian refugees by then.")
    (q,) = found
    assert (q.text, q.low, q.high, q.category) == ("more than 1.4 million", 1_400_000, None, "displaced")


def test_people_among_the_dead_are_killed(nlp):
    found, _ = quantities_of(nlp, "The group put the death toll at 58, saying there were 11 children among the dead.")
    (q,) = [q for q in found if q.text == "11"]
    assert q.category == "killed"
