"""Language identification: the language a document is written in, and how sure we are of it.

py3langid (a maintained fork of langid.py, whose model ships inside the package) classifies the title
and the start of the body among its 97 languages; the probabilities are normalised, so the confidence
is the top language's probability in 0..1. Only documents in English are parsed and coded (the model
and the dictionaries are English); the others are stored with their title, text and language.

A text too short to tell (fewer than MIN_LETTERS letters), or one the classifier is unsure about
(confidence under MIN_CONFIDENCE), is recorded as "und" (undetermined, ISO 639-2) and still analysed:
a one-line English snippet must not be dropped because a few words look Italian.
"""
from __future__ import annotations

import functools
import re
from dataclasses import replace

from eventwire.record import Document

__all__ = ["identify_language", "is_analysed", "is_analysed_language", "ANALYSED_LANGUAGES", "UNDETERMINED"]

ANALYSED_LANGUAGES = frozenset({"en"})
UNDETERMINED = "und"
MIN_LETTERS = 40
MIN_CONFIDENCE = 0.80
_SAMPLE_CHARS = 3000  # the start of an article says its language; more only costs time

_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


@functools.lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def classify(text: str) -> tuple[str, float | None]:
    """(ISO 639-1 code or "und", confidence or None) for a piece of text."""
    sample = text[:_SAMPLE_CHARS]
    if len(_LETTER.findall(sample)) < MIN_LETTERS:
        return UNDETERMINED, None
    language, confidence = _identifier().classify(sample)
    confidence = round(float(confidence), 4)
    if confidence < MIN_CONFIDENCE:
        return UNDETERMINED, confidence
    return str(language), confidence


def identify_language(document: Document) -> Document:
    """The document with its `language` and `language_confidence` set from its title and body."""
    language, confidence = classify(f"{document.title}\n\n{document.text}".strip())
    return replace(document, language=language, language_confidence=confidence)


def is_analysed(document: Document) -> bool:
    """English documents, and those whose language could not be told, are parsed and coded."""
    return is_analysed_language(document.language)


def is_analysed_language(language: str | None) -> bool:
    """Whether documents of this language (an ISO 639-1 code, or "und") are parsed and coded."""
    return language in ANALYSED_LANGUAGES or language == UNDETERMINED
