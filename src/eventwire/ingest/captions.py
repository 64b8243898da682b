"""Photo captions of an HTML page, with their credits, which trafilatura drops from the text.

Pages mark a caption in one of three ways, tried in this order:
- a `<figcaption>`;
- an element whose class names a caption (`image-caption`, `media-caption__text`,
  `wp-caption-text`, ...), the innermost one when such elements nest;
- only the image itself: a sentence-long `alt` (or lazy-load `data-alt`) on an `<img>` of the
  article that no caption element describes, kept when it reads like a caption (a sentence, or
  a credit tail such as "Name / AFP").
A credit is an element with a credit class (credit, copyright, photographer ...) inside the caption
or in the caption's own figure or image container; text meant for screen readers only
("Image caption", "Image copyright") is never part of either. Captions inside navigation, asides,
footers and links (teasers for other stories) are not the article's.
"""
from __future__ import annotations

import re

from lxml.html import HtmlElement

from eventwire.ingest.lines import ends_like_sentence, split_credit
from eventwire.record import Caption

__all__ = ["find_captions", "clean_credit"]

_WS = re.compile(r"\s+")
_CREDIT_LABEL = re.compile(
    r"^(?:(?:photo(?:graph)?|image|picture)\s+(?:credit\s*:?|copyright\b|by\b)|"
    r"(?:credit|source|photo(?:graph)?|image|picture|copyright)\s*:)\s*",
    re.I,
)
_CREDIT_CLASS = re.compile(r"credit|copyright|byline|source|photographer|author", re.I)
# A class token that names a caption: "caption", "image-caption", "media-caption__text",
# "wp-caption-text", "photo_caption", "captionText" — not "caption-wrapper"-style containers
# whose content is more than the caption (they are left for the innermost caption element).
_CAPTION_CLASS = re.compile(r"^(?:[\w-]*[-_])?caption(?:[-_]+text|text|__text)?$", re.I)
_SCREEN_READER = re.compile(r"off-?screen|sr-only|visually-?hidden|screen-?reader|a11y", re.I)
# "... on November 19, 2019. Jaafar ASHTIYEH / AFP": a photographer and agency after a slash.
_SLASH_CREDIT = re.compile(r"^(?P<text>.*[.!?)])\s+(?P<credit>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}\s*/\s*[A-Z][\w.-]+)$")
_FURNITURE_TAGS = ("nav", "aside", "footer")
_CONTAINER_TAGS = ("figure", "picture", "div", "span", "section")
_MIN_ALT_WORDS = 8
_MAX_CAPTION_WORDS = 120


def _norm(text: str | None) -> str:
    return _WS.sub(" ", text or "").strip()


def _visible_text(element: HtmlElement) -> str:
    """The element's text without screen-reader-only parts."""
    parts: list[str] = []

    def walk(el: HtmlElement) -> None:
        if isinstance(el.tag, str) and el is not element and _SCREEN_READER.search(el.get("class", "")):
            if el.tail:
                parts.append(el.tail)
            return
        if el.text and isinstance(el.tag, str):
            parts.append(el.text)
        for child in el:
            walk(child)
        if el is not element and el.tail:
            parts.append(el.tail)

    walk(element)
    return _norm(" ".join(parts))


def clean_credit(credit: str) -> str:
    """"(Image credit: NASA)" -> "NASA": the credit is the name, without its brackets and label."""
    credit = credit.strip().strip("()[]").strip()
    return _CREDIT_LABEL.sub("", credit).strip()


def _outside_article(element: HtmlElement) -> bool:
    return any(a.tag in _FURNITURE_TAGS or a.tag == "a" for a in element.iterancestors())


def _has_caption_class(element: HtmlElement) -> bool:
    return any(_CAPTION_CLASS.match(token) for token in element.get("class", "").split())


def _credit_element(scope: HtmlElement, caption: HtmlElement) -> HtmlElement | None:
    for el in scope.iter():
        if el is scope or not isinstance(el.tag, str) or el is caption:
            continue
        marks = el.get("class", "") + " " + el.get("itemprop", "")
        if el.tag in ("cite", "small") or (_CREDIT_CLASS.search(marks) and not _SCREEN_READER.search(marks)):
            if _visible_text(el):
                return el
    return None


def _scope(caption: HtmlElement) -> HtmlElement:
    """Where the caption's credit may sit: its figure, else its parent and grandparent containers."""
    figure = next((a for a in caption.iterancestors() if a.tag == "figure"), None)
    if figure is not None:
        return figure
    scope = caption
    for _ in range(2):
        parent = scope.getparent()
        if parent is None or parent.tag not in _CONTAINER_TAGS:
            break
        scope = parent
    return scope


def _caption_of(element: HtmlElement) -> tuple[Caption, str] | None:
    full = _visible_text(element)
    if not full or len(full.split()) > _MAX_CAPTION_WORDS:
        return None
    credit_el = _credit_element(element, element)
    if credit_el is None:
        credit_el = _credit_element(_scope(element), element)
    credit = _visible_text(credit_el) if credit_el is not None else ""
    if credit and credit != full and credit in full:
        text = _norm(full.replace(credit, " ", 1))
    else:
        text, split = split_credit(full)
        credit = credit or split or ""
    credit = clean_credit(credit)
    if not text:
        return None
    return Caption(text, credit or None), full


def _alt_caption(img: HtmlElement) -> tuple[Caption, str] | None:
    alt = _norm(img.get("alt") or img.get("data-alt"))
    if len(alt.split()) < _MIN_ALT_WORDS:
        return None
    slashed = _SLASH_CREDIT.match(alt)
    if slashed:
        return Caption(slashed.group("text"), slashed.group("credit").replace(" / ", "/")), alt
    text, credit = split_credit(alt)
    if credit is None and not ends_like_sentence(alt):
        return None
    return Caption(text, credit), alt


def find_captions(tree: HtmlElement) -> list[tuple[Caption, str]]:
    """(Caption, the caption's full text as it may appear in the body) for each caption of the page."""
    out: list[tuple[Caption, str]] = []
    seen: set[str] = set()
    described: set[HtmlElement] = set()  # figures and containers whose image has a caption

    def add(found: tuple[Caption, str] | None, element: HtmlElement) -> None:
        if found is None or found[0].text in seen:
            return
        seen.add(found[0].text)
        out.append(found)
        described.add(_scope(element))

    for figcaption in tree.iter("figcaption"):
        if not _outside_article(figcaption):
            add(_caption_of(figcaption), figcaption)
    for element in tree.iter():
        if (not isinstance(element.tag, str) or element.tag == "figcaption" or not _has_caption_class(element)
                or _outside_article(element) or any(a.tag == "figcaption" for a in element.iterancestors())):
            continue
        # A caption holds no other caption element and no links: else it is a wrapper or a teaser.
        if any(_has_caption_class(d) or d.tag in ("a", "h1", "h2", "h3", "ul") for d in element.iterdescendants()
               if isinstance(d.tag, str)):
            continue
        add(_caption_of(element), element)
    for img in tree.iter("img", "div"):
        if img.tag == "div" and not img.get("data-alt"):
            continue
        if _outside_article(img) or img in described or any(a in described for a in img.iterancestors()):
            continue
        add(_alt_caption(img), img)
    return out
