"""The event coder: triggers over the dependency parse -> CAMEO/PLOVER events with their actors,
own date, place, linked quantities, modality and the rule that fired.

Precision first: an event needs a resolved source or target actor, unless it is violence with
casualties; one trigger gives one event. The title is not coded (it restates the lead); captions
are (they often carry a separate, dated event); related links and furniture never reach here.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from eventwire.coding.codebook import Codebook
from eventwire.coding.arguments import _build_index, _device_site, _legal_site, _one_state_site, _own_government, _placed, _quote_of
from eventwire.coding.background import _without_background, _without_untargeted_repeats, is_scene_noun
from eventwire.coding.modality import _date, _is_conditional_threat, _is_historical, _is_readiness, _is_ultimatum, _modality, _reporting_verb, modality_words
from eventwire.coding.noun_triggers import _noun_candidate
from eventwire.coding.trigger_rules import Candidate
from eventwire.coding.triggers import _verb_or_demand_candidate
from eventwire.ground.event_dates import with_calendar_date
from eventwire.read import Parsed
from eventwire.record import Actor, Event, Place, Quantity, Quote, TimeRef
from eventwire.token_columns import columns

__all__ = ["code_events", "PlaceChooser"]


# (parsed, sentence index, trigger token index in the paragraph Doc, places) -> (place id or None, how)
PlaceChooser = Callable[[Parsed, int, int, Sequence[Place]], tuple[str | None, str]]

_RECIPROCAL = {"AGREE", "CONSULT", "COOPERATE", "ASSAULT", "SUPPORT"}

# CAMEO codes of consultations with no host: discuss (040), by telephone (041), negotiate (046).
_MUTUAL = {"040", "041", "046"}

# Roots of material conflict (reduce relations, coerce, assault, fight, mass violence): announced on a
# condition, such an act is a threat.
_HOSTILE_ROOTS = {"16", "17", "18", "19", "20"}

# Legal acts only a state's authorities do (arrest or detain, deport, charge): with no author named, done
# by the state where they happened; so are investigations (09x).
_LEGAL_ACTS = {"173", "174", "115"}

_LINKED_CATEGORIES = {"killed", "injured", "displaced", "missing", "homeless", "evacuated", "arrested", "died", "dead"}


def _recoded(event: Event, cameo: str, codebook: Codebook, **changes) -> Event:
    return replace(event, cameo=cameo, **codebook.code(cameo).event_fields(), **changes)


def _pairwise(event: Event, c: Candidate, codebook: Codebook) -> list[Event]:
    """The events CAMEO codes for one act between several parties:
    - a meeting of coordinated parties ("Chile, Peru and Bolivia held talks", 04x) is a meeting of each
      with each other: one event per ordered pair;
    - talks, a phone call or negotiations of one party with another (040, 041, 046) are each side's, as they
      have no host: the second event with the roles swapped;
    - a pattern with a code for each side ([042:043] "X visited Y": X makes a visit, Y hosts it) gives the
      second event with the roles swapped."""
    out = [event]
    if "+reciprocal" in c.pattern and event.cameo[:2] == "04" and len(event.source) > 1:
        out = [replace(event, source=(a,), target=(b,)) for a in event.source for b in event.source if a != b]
    elif event.cameo[:3] in _MUTUAL and event.source and event.target and not set(event.source) & set(event.target):
        # talks, phone calls and negotiations have no host and no guest: each side takes part (PLOVER manual,
        # CONSULT: "all participants are coded in the actor field")
        out.append(replace(event, source=event.target, target=event.source, rule=f"{event.rule}, mutual"))
    if c.reverse and event.source and event.target and set(event.source) != set(event.target):
        out.append(_recoded(event, c.reverse, codebook, source=event.target, target=event.source,
                            rule=f"{event.rule}, reverse->{c.reverse}"))
    return out


def code_events(
    parsed: Parsed,
    actors: Sequence[Actor],
    codebook: Codebook,
    *,
    times: Sequence[TimeRef] = (),
    places: Sequence[Place] = (),
    quantities: Sequence[Quantity] = (),
    quotes: Sequence[Quote] = (),
    place_of: PlaceChooser | None = None,
) -> tuple[Event, ...]:
    """Every event of the article, in reading order."""
    index = _build_index(parsed, [a for a in actors if not a.media_only], times, quotes)
    published = parsed.document.published
    events: list[Event] = []
    # Each sentence's quantities that a violent event links to, found by the sentence's key once per
    # article (testing every quantity against every sentence cost as much as coding a sentence).
    linkable: dict[tuple, list[Quantity]] = {}
    for q in quantities:
        if q.category in _LINKED_CATEGORIES:
            linkable.setdefault(q.evidence.sentence_key, []).append(q)
    for sentence in parsed.sentences:
        if sentence.section == "title":
            continue
        found = []
        pos = columns(sentence.paragraph.doc).pos
        for tok in sentence.tokens:
            cand = None
            if pos[tok.i] == "NOUN":
                cand = None if is_scene_noun(tok) else _noun_candidate(tok, sentence, index, codebook)
            elif pos[tok.i] == "VERB":
                cand = _verb_or_demand_candidate(tok, sentence, index, codebook)
            if cand is not None:
                found.append(cand)
        # One trigger, one event: where candidates share tokens, the one with more resolved actors wins,
        # then the event noun (a light verb such as "sign a deal" names its noun's event).
        # A threat, demand or refusal beats the act it governs ("threatened to break relations" is a threat),
        # and so does a trigger whose pattern takes in another's trigger as one of its words ("condemned the
        # attack": the condemnation, the attack only its topic) unless that one takes it in too (a light verb).
        triggers = {c.trigger.i: c for c in found}

        def takes_in(c: Candidate) -> bool:
            return any(i != c.trigger.i and c.trigger.i not in triggers[i].consumed for i in c.consumed & triggers.keys())

        found.sort(key=lambda c: (not c.governing, not takes_in(c), -(bool(c.source) + bool(c.target)),
                                  c.trigger.pos_ != "NOUN", c.trigger.i))
        # A dictionary verb coded by its synonym block alone ("go", "issue") is the weakest evidence: it
        # codes a sentence that has no better trigger, never beside one, and only between two actors.
        # A better trigger counts when it names an actor (or is violence) and is not the weak verb's own
        # complement ("ordered X to appear for questioning in an investigation": the order codes).
        better = [c for c in found if not c.rule.weak and (c.source or c.target or c.rule.cameo[:2] in ("18", "19", "20"))]
        found = [c for c in found if not c.rule.weak or not any(b.trigger.i not in c.consumed for b in better)]
        found = [c for c in found if not c.rule.weak or (c.source and [a for a in c.target if a not in c.source])]
        # "agreed to resume talks": the complement's event, made intended, says it all (CAMEO 036).
        governed = {c.governor.head.i for c in found if c.governor.dep_ == "xcomp" and (c.source or c.target)}
        found = [c for c in found if not (c.rule.lemma in modality_words()["intent"] and c.trigger.i in governed)]
        consumed: set[int] = set()
        candidates: list[Candidate] = []
        for cand in found:
            if cand.consumed & consumed:
                continue
            consumed |= cand.consumed
            candidates.append(cand)
        sentence_quantities = linkable.get(sentence.key, [])
        candidates = _without_background(candidates, bool(sentence_quantities))
        violent_seen = False
        found_here: list[Event] = []
        for c in sorted(candidates, key=lambda c: c.trigger.i):
            cameo = c.rule.cameo
            quote = _quote_of(index, c.trigger)
            reporter = _reporting_verb(c.governor)
            mods = _modality(c, codebook.plover_of(cameo), quote is not None, reporter)
            # CAMEO codes what is only announced as intent (03x) or threat (13x), not as done; an announced
            # refusal as rejection (12x); a cooperative step announced with "unless" as an ultimatum (131).
            if "intended" in mods:
                recoded = (("negated" in mods and codebook.recode("refusal", cameo))
                           or (_is_ultimatum(c) and codebook.recode("ultimatum", cameo))
                           or (_is_readiness(c) and codebook.recode("readiness", cameo))
                           or codebook.recode("intent", cameo))
                cameo = recoded or cameo
            elif _is_conditional_threat(c, mods) and cameo[:2] in _HOSTILE_ROOTS:
                # "may halt mediation if cooperation founders": a hostile act on a condition is a threat
                cameo = codebook.recode("intent", cameo) or cameo
                mods += ["intended", "threatened"]
            elif "negated" in mods:
                # "failed to reach agreement", "did not attend the talks": a cooperative act that did not
                # happen is no cooperation but its refusal (12x); a hostile one keeps its code, negated.
                cameo = codebook.recode("refusal", cameo) or cameo
            row = codebook.code(cameo)
            plover = row.plover
            target = [a for a in c.target if a not in c.source]
            if not any(map(_placed, target)) and (plover == "PROTEST" or (
                    c.rule.cameo[:3] == "172" and not target)):
                own = _own_government(c.source, sentence, index)
                if own:
                    target = own
                    c.pattern += "+own-government"
            # A target only guessed from the nearest actor, or one of a side's own country, yields to the
            # sides of a coordinated source of several countries ("Hungarian and Romanian officials agreed ...
            # Romanian refugees", "Israel and Lebanon renewed talks on an Israeli pullback").
            sides = {a.country for a in c.source}
            guessed = len(sides) > 1 and ("+nearest-actor" in c.pattern or {a.country for a in target} <= sides)
            if (guessed or not any(map(_placed, target))) and c.coordinated and len(c.source) > 1 \
                    and (plover in _RECIPROCAL or ("negated" in mods and codebook.plover_of(c.rule.cameo) in _RECIPROCAL)):
                # "Turkey and Russia agreed", "... failed to agree": each side is the other's target
                target = list(c.source)
                c.pattern += "+reciprocal"
            violent = row.quad_class == 4 and c.rule.cameo[:2] in ("18", "19", "20")
            if violent and not c.source:
                site = [a for a in _device_site(c.trigger, sentence, index) if a not in target]
                if site:
                    c.source = site
                    c.pattern += "+device-site"
            coercive = row.quad_class == 4 and c.rule.cameo[:2] == "17"
            if (violent or coercive) and c.source and target and not any(a.country for a in target):
                # "bombers killed 23 people in Tel Aviv", "arresting political opponents in Haiti": victims
                # named by no country are the people of the one state where the violence or coercion happened
                site = _one_state_site(sentence, index, main_clauses=coercive and not violent)
                if site and site[0] not in c.source:
                    target = site
                    c.pattern += "+victims-site"
            if not c.source and (cameo[:3] in _LEGAL_ACTS or cameo[:2] == "09"):
                # "was arrested in Lebanon", "was put under investigation in Italy": by that state
                site = [a for a in _legal_site([c.trigger, c.governor], index, sentence) if a not in target]
                if site:
                    c.source = site
                    c.pattern += "+legal-site"
            linked = [q.id for q in sentence_quantities] if violent and not violent_seen else []
            # Violence with a human toll (dead, injured, displaced, missing ...) is coded even when
            # nobody is named as its author: that toll is what humanitarian monitors count.
            if not c.source and not target and not linked:
                continue
            violent_seen = violent_seen or violent
            when = with_calendar_date(_date(c, sentence, index, quote, reporter, published))
            if _is_historical(when.get("end") or when["value"] or when.get("start"), published):
                mods.append("historical")
            place_id, place_how = (None, "")
            if place_of is not None and places:
                place_id, place_how = place_of(parsed, sentence.index, c.trigger.i, places)
            trigger_text = c.trigger.text if c.governor.i == c.trigger.i or c.governor.i not in c.consumed else (
                f"{c.governor.text} … {c.trigger.text}")
            event = Event(
                id="",
                cameo=cameo,
                **row.event_fields(),
                source=tuple(dict.fromkeys(a.id for a in c.source)),
                target=tuple(dict.fromkeys(a.id for a in target)),
                date=when,
                modality=tuple(mods),
                evidence=sentence.evidence(c.trigger if trigger_text == c.trigger.text
                                           else sentence.paragraph.doc[min(c.governor.i, c.trigger.i):
                                                                       max(c.governor.i, c.trigger.i) + 1]),
                rule=f"{c.rule.name} via {c.pattern}"
                     + (f", {'intended' if 'intended' in mods else 'negated'}->{cameo}" if cameo != c.rule.cameo else ""),
                place=place_id,
                place_how=place_how or None,
                quantities=tuple(linked),
                trigger=trigger_text,
            )
            found_here += _pairwise(event, c, codebook) if cameo == c.rule.cameo else [event]
        for e in _without_untargeted_repeats(found_here):
            events.append(replace(e, id=f"event{len(events) + 1}"))
    return tuple(events)
