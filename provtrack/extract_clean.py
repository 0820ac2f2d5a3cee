"""Block clean-up for the HTML extractor: the chrome that only the text of a block reveals.

Bylines, datelines, "Updated 3 minutes ago" stamps, share and comment counters, copyright
lines, lone photo credits and author bios at the end are recognised here, after the
element tree has already removed what its tags and classes give away.

Pure: standard library only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from provtrack.extract_text import clean_text
from provtrack.model import Block, normalize_text

#: Short blocks that are mostly link text are navigation, not prose.
_LINK_DENSITY = 0.5
_SHORT = 160

_BOILERPLATE = re.compile(
    r"(?:advertisement|advertisements|skip advertisement|(?:story|article) continues below(?: this)? advertisement"
    r"|continue reading(?: below)?|share(?: this(?: article| story)?)?|sponsored(?: content)?"
    r"|related(?: stories| articles| coverage)?|most (?:read|popular|viewed)|trending(?: now)?|read more"
    r"|sign up|subscribe(?: now)?|loading\.*|(?:\d+ )?(?:comments?|shares?)|view comments"
    r"|\d+ min(?:ute)?s? read|show (?:more|older|newer)(?: updates| posts)?|load more|leave a (?:reply|comment)"
    r"|(?:back to|more in|more from) [\w ]{1,40}|all rights reserved|in this (?:article|story)"
    # the same labels in other languages (German, French, Spanish, Portuguese, Italian, Dutch)
    r"|lesen sie (?:auch|mehr)|mehr zum thema|auch interessant|das könnte sie auch interessieren|anzeige"
    r"|(?:à |a )?lire (?:aussi|également)|publicité|(?:lee|lea) también|te puede interesar|publicidad"
    r"|leia (?:também|mais)|leggi anche|pubblicità|lees ook|advertentie)[.:!]?",
    re.IGNORECASE,
)
_LABELS = frozenset("published updated posted modified last first on at | · • - – —".split())
_MONTHS = frozenset("""
january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec
""".split())
_DAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thurs fri sat sun"
                  .split())
_RELATIVE = frozenset("ago yesterday today now".split())
_DATE_FILLER = frozenset("""
a an one two three four five six seven eight nine ten just at on am pm a.m p.m noon midnight and
sec secs second seconds min mins minute minutes hr hrs hour hours day days week weeks month months year years
""".split()) | _LABELS
_DATE_NUMBER = re.compile(r"\d{1,4}(?:[:/.\-]\d{1,4})*(?:st|nd|rd|th|am|pm|h)?")
#: "By", and its German, Spanish/Portuguese, French, Dutch, Italian and Scandinavian forms.
_BY_LINE = re.compile(r"(?:by|von|por|par|door|di|av|af)[\s:]+(.+)", re.IGNORECASE)
_STAFF = frozenset("staff writer reporter correspondent editor photographer contributor".split())
_HEADLINE_WORDS = 20
_NAME_FILLER = frozenset("and the of in for at with staff writer writers reporter reporters correspondent "
                         "editor editors contributor photographer de van von da y e et und en og och".split())


#: Photo credit lines: "Photo: Ada Lin/The Dispatch", "Photograph by ...", and in captions also
#: "© Ada Lin" and "Courtesy of ...".
_PHOTO_BY = r"(?:photo|image|picture|photograph|illustration|video|graphic|credit)s?\s*(?::|by\b)[^.!?]{1,80}$"
_CREDIT = re.compile(r"(?:" + _PHOTO_BY + r"|(?:©|\(c\)|courtesy\b)[^.!?]{1,80}$)", re.IGNORECASE)
#: Prompts that sit between paragraphs without any class to give them away (short lines only).
_PROMPT = re.compile(
    r"(?:(?:sign up|subscribe|register)\b.{0,150}\b(?:newsletter|inbox|briefing|updates|alerts)\b"
    r"|(?:follow|like) us on\b|(?:get|download) (?:the|our) (?:free )?app\b"
    r"|(?:we use|this (?:web)?site uses) cookies\b"
    r"|(?:read|see) (?:more|also|next)\s*[:\-–—]"
    r"|got a (?:confidential )?(?:news )?tip\b"
    r"|" + _PHOTO_BY + ")",
    re.IGNORECASE,
)
_PROMPT_MAX = 200
#: Kickers (eyebrow labels above the headline): at most this many words and characters, among
#: the first `_KICKER_BEFORE` raw blocks of the container, with no text but captions kept before them.
_KICKER_WORDS = 4
_KICKER_CHARS = 40
_KICKER_BEFORE = 8
#: Placeholders of embedded posts that stand in for the post until its script runs ("View this
#: post on Instagram"). The post's own attribution line ("— Name (@handle) June 3, 2025",
#: "A post shared by ...") stays: it says who said the quoted words.
_EMBED_CHROME = re.compile(r"view (?:this|more) (?:post|on) (?:on )?instagram", re.IGNORECASE)
_TITLE_SPLIT = re.compile(r"\s+(?:[|\-–—:·•»]|::)\s+")
_COPYRIGHT = re.compile(r"(?:©|\(c\)\s*\d{4}|copyright\s+(?:©\s*|\(c\)\s*)?(?:\d{4}|©))[^\n]{0,300}$",
                        re.IGNORECASE)
_BIO = re.compile(r"(?:[A-Z][\w'’.\-]*\s+){1,4}(?:is|was|covers|writes|reports|has|joined|lives)\b")
_BIO_WORDS = re.compile(r"\b(?:covers|writes about|writer|reporter|correspondent|editor|journalist|columnist"
                        r"|photographer)\b", re.IGNORECASE)


@dataclass
class RawBlock:
    """A candidate block before clean-up: its kind, text, link text length and time markers."""

    kind: str
    text: str
    link_chars: int
    has_time: bool
    untimed: str
    #: a photo credit marked up as such (kept only right after its caption)
    credit: bool = False
    #: the text's lines when single <br>s split it (leading byline/date lines are dropped)
    lines: tuple[str, ...] = ()


def title_pieces(title: str) -> tuple[str, ...]:
    """The parts of a <title> that may be the visible headline ("Site - Headline" -> both sides)."""
    return tuple(p for p in _TITLE_SPLIT.split(title) if len(p.split()) >= 3) if title else ()


def finish(raw: list[RawBlock], title: str | None, *, pieces: tuple[str, ...] = (), title_at: int | None = None,
           untitled: bool = False) -> tuple[list[Block], str | None, str | None]:
    """Clean raw blocks and drop chrome that only text reveals.

    Args:
        pieces: when the page has no <h1>: parts of its <title>; an early block or
            leading line equal to one of them is the visible headline.
        title_at: how many raw blocks came before the headline element; short labels
            right before it are its kicker.
        untitled: the page has no headline element: a headline-like first line or block
            right above the byline is the visible headline (old table layouts).

    Returns:
        (blocks, byline found in text, visible headline found among *pieces* or above the byline).
    """
    keys = {normalize_text(p).casefold() for p in pieces}
    if title:
        keys.add(normalize_text(title).casefold())
    blocks: list[Block] = []
    byline: str | None = None
    headline: str | None = None
    caption_open = False  # the last kept block is a caption a credit may follow
    kickers = _kickers(raw, title_at)
    texts = 0  # blocks kept that are not captions
    for index, item in enumerate(raw):
        lead = not texts  # nothing but a lead photo kept so far
        if lead and index in kickers:
            continue  # a label between the page's chrome (or lead photo) and the headline
        text = clean_text(item.text)
        if item.lines and len(item.lines) > 1:
            typeset = untitled and headline is None and lead and len(blocks) < 6
            text, found, line = _strip_leading_lines(item.lines, keys, typeset=typeset)
            byline, headline = byline or found, headline or line
        if not text:
            continue
        kind = "heading" if item.kind == "h1" else item.kind
        if kind in ("heading", "paragraph") and normalize_text(text).casefold() in keys:
            if pieces and headline is None and len(blocks) < 6:
                headline = text
            continue
        if lead and kind in ("heading", "paragraph") and _kicker_and_headline(text, keys):
            continue
        if item.credit or (kind == "caption" and len(text) < _PROMPT_MAX and _CREDIT.match(text)):
            if caption_open:  # a credit is kept only as the line after its caption, never alone
                blocks.append(Block("caption", text))
                caption_open = False
            continue
        if kind in ("paragraph", "quote") and len(text) < _PROMPT_MAX and _EMBED_CHROME.fullmatch(text):
            continue
        if kind in ("paragraph", "list_item", "heading"):
            if item.link_chars > _LINK_DENSITY * len(text) and len(text) < _SHORT:
                continue
            if _BOILERPLATE.fullmatch(text) or _COPYRIGHT.match(text):
                continue
            if len(text) < _PROMPT_MAX and _PROMPT.match(text):
                continue
        if item.has_time and all(w.lower() in _LABELS for w in clean_text(item.untimed).split()):
            continue
        if kind == "paragraph":
            if _is_timestamp(text):
                continue
            name = _byline(text)
            if name is None and item.has_time:
                name = _byline(clean_text(item.untimed).rstrip(" ,;:|·•-–—"))
            if name is not None:
                if (untitled and headline is None and byline is None and blocks and blocks[-1].kind == "paragraph"
                        and texts == 1 and _headline_like(blocks[-1].text)):
                    headline = blocks.pop().text  # the headline line above the byline
                    texts = 0
                byline = byline or name
                continue
        blocks.append(Block(kind, text))
        caption_open = kind == "caption"
        if not caption_open:
            texts += 1
    _drop_trailing_bio(blocks, byline)
    return blocks, byline, headline


def _is_label(item: RawBlock) -> bool:
    """A kicker or eyebrow label: a few words, not a sentence."""
    text = clean_text(item.text)
    return (item.kind in ("paragraph", "heading", "h1") and 0 < len(text) <= _KICKER_CHARS
            and len(text.split()) <= _KICKER_WORDS and text[-1] not in ".!?…\"'”’»)")


def _kickers(raw: list[RawBlock], title_at: int | None) -> set[int]:
    """Indexes of the labels (at most two) right before the headline, when it comes early."""
    if title_at is None or not 0 < title_at <= _KICKER_BEFORE:
        return set()
    found: set[int] = set()
    index = title_at - 1
    while index >= 0 and len(found) < 2 and _is_label(raw[index]):
        found.add(index)
        index -= 1
    return found


def _kicker_and_headline(text: str, keys: set[str]) -> bool:
    """True for a block that is the headline after a kicker ("Exclusive Council sells the pier")."""
    key = normalize_text(text).casefold()
    for title in keys:
        if len(title.split()) >= 3 and len(title) < len(key) and key.endswith(title) \
                and not key[-len(title) - 1].isalnum():
            prefix = key[:-len(title)].strip(" :|-–—·•")
            if prefix and len(prefix) <= _KICKER_CHARS and len(prefix.split()) <= _KICKER_WORDS:
                return True
    return False


def _strip_leading_lines(lines: tuple[str, ...], keys: set[str], *, typeset: bool = False
                         ) -> tuple[str, str | None, str | None]:
    """A block's text without leading headline, byline and date lines (old table layouts).

    With *typeset*, a headline-like first line right above a byline line (a date line may
    come between) is the headline even when it matches no title piece.

    Returns (text, byline, headline line).
    """
    byline = headline = None
    cleaned = [clean_text(line) for line in lines]
    start = 0
    if typeset and len(cleaned) > 1 and _headline_like(cleaned[0]) and _byline(cleaned[0]) is None:
        second = 2 if _is_timestamp(cleaned[1]) else 1
        if second < len(cleaned) and _byline(cleaned[second]) is not None:
            headline, start = cleaned[0], 1
    while start < len(cleaned) - 1:
        line = cleaned[start]
        if line and normalize_text(line).casefold() in keys:
            headline = headline or line
            start += 1
        elif not line or _is_timestamp(line):
            start += 1
        elif (name := _byline(line)) is not None:
            byline = byline or name
            start += 1
            if start < len(cleaned) and _is_staff_line(cleaned[start]):
                start += 1  # "Courier Staff Writer" under the name (the block may end with it)
        else:
            break
    return clean_text(" ".join(cleaned[start:])), byline, headline


def _headline_like(text: str) -> bool:
    """A line that can be a headline: 3 to 20 words, no sentence or clause punctuation at its end."""
    words = text.split()
    return 3 <= len(words) <= _HEADLINE_WORDS and len(text) <= 160 and text[-1] not in ".,;:" \
        and not _is_timestamp(text)


def _is_staff_line(text: str) -> bool:
    """The title line under a byline name: "Gazette Staff", "Courier Staff Writer", "Special correspondent"."""
    words = text.split()
    return (0 < len(words) <= 5 and bool(_STAFF.intersection(w.lower() for w in words))
            and all(w[:1].isupper() or w.lower() in _NAME_FILLER for w in words))


def _drop_trailing_bio(blocks: list[Block], byline: str | None) -> None:
    """Remove an author bio ("Mara Quist covers ... Reach her at ...") from the last two blocks."""
    names = {w for w in re.split(r"[\s,&]+", byline or "") if w[:1].isupper()}
    for index in range(len(blocks) - 1, max(-1, len(blocks) - 3), -1):
        text = blocks[index].text
        if blocks[index].kind != "paragraph" or len(text) > 400 or not _BIO.match(text):
            continue
        first = set(text.split()[:3])
        if names & first or (len(text) < 300 and _BIO_WORDS.search(text)):
            del blocks[index]
            return


def _is_timestamp(text: str) -> bool:
    """True for lines such as "Updated 3 minutes ago" or "Published March 3, 2026 at 9:14 a.m. EST"."""
    if len(text) > 100:
        return False
    words = [w.strip(",.;:()[]") for w in text.split()]
    words = [w for w in words if w]
    if not words:
        return False
    labelled = words[0].lower() in _LABELS
    dated = numbered = False
    for word in words:
        low = word.lower()
        if low in _MONTHS or low in _DAYS or low in _RELATIVE:
            dated = True
        elif _DATE_NUMBER.fullmatch(low):
            numbered = True
        elif low not in _DATE_FILLER and not (word.isupper() and word.isalpha() and len(word) <= 4):
            return False  # a word that is not part of a date: this is prose
    return dated or (labelled and numbered)


def _byline(text: str) -> str | None:
    """The names of a "By Jane Doe and John Roe" line, or None for prose such as "By the time ..."."""
    if len(text) > 100 or not (m := _BY_LINE.fullmatch(text)):
        return None
    names = [w for w in re.split(r"[\s,&|·•]+", m.group(1)) if w and w.lower() not in _NAME_FILLER]
    if not names or len(names) > 10 or not all(w[:1].isupper() for w in names):
        return None
    return m.group(1).strip()

