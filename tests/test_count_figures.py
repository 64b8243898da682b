"""Figures read from tokens alone (count_figures): digits, number words, vague plurals and ranges,
on a tokenizer-only pipeline (no parse needed)."""
import pytest
import spacy

from eventwire.ground.count_figures import figure_at, range_end, whole_number


@pytest.fixture(scope="module")
def tokenize():
    return spacy.blank("en")


@pytest.mark.parametrize("text, value, last, vague", [
    ("1,800 civilians", 1800, 0, False),
    ("1.5 million people", 1_500_000, 1, False),
    ("two hundred and fifty thousand refugees", 250_000, 4, False),
    ("twenty - five soldiers", 25, 2, False),
    ("a dozen homes", 12, 1, False),
    ("half a million residents", 500_000, 2, False),
    ("several hundred protesters", 200, 1, True),
    ("dozens of houses", 12, 0, True),
    ("tens of thousands of people", 10_000, 2, True),
])
def test_figure_read_from_its_first_token(tokenize, text, value, last, vague):
    doc = tokenize(text)
    fig = figure_at(doc, 0, len(doc))
    assert (fig.first, fig.last, fig.value, fig.vague) == (0, last, value, vague)


@pytest.mark.parametrize("text", ["the town", "a town", "half the town", "several towns"])
def test_words_that_start_no_figure(tokenize, text):
    doc = tokenize(text)
    assert figure_at(doc, 0, len(doc)) is None


@pytest.mark.parametrize("text, second", [
    ("between 10 and 20 people", 20),
    ("10 to 20 people", 20),
    ("10 - 20 people", 20),
])
def test_range_end(tokenize, text, second):
    doc = tokenize(text)
    start = 1 if doc[0].lower_ == "between" else 0
    fig = figure_at(doc, start, len(doc))
    assert range_end(doc, fig, len(doc)).value == second


@pytest.mark.parametrize("text", [
    "rose from 10 to 20 people",   # a change, not a range
    "10 and 20 people",            # "and" makes a range only after "between"
    "20 to 10 people",             # a range rises
])
def test_no_range(tokenize, text):
    doc = tokenize(text)
    start = next(t.i for t in doc if t.like_num)
    fig = figure_at(doc, start, len(doc))
    assert range_end(doc, fig, len(doc)) is None


def test_whole_numbers_are_ints():
    assert whole_number(800000.0) == 800000 and isinstance(whole_number(800000.0), int)
    assert whole_number(1.5) == 1.5
