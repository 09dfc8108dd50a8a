"""Offline paraphraser: rewords, reorders and trims free text, deterministically under a seed.

Meaning-bearing words (skills, topics) survive; the respondent's own sentences do not.
"""

import random
import re

# Phrase-level rewrites; each alternative keeps the meaning.
_REWRITES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"\bi(?:'m| am)? work(?:ing)? on\b|\bi lead\b", ("focused on", "busy with")),
    (r"\bi am\b|\bi'm\b|\bim\b", ("",)),
    (r"\bi work as\b|\bworking as\b", ("",)),
    (r"\bcurrently\b|\bright now\b|\bat the moment\b", ("",)),
    (r"\bworking on\b|\bwork on\b", ("focused on", "busy with", "hands-on with")),
    (r"\binterested in\b", ("curious about", "keen on", "drawn to")),
    (r"\blooking for\b|\bseeking\b", ("hoping to meet", "after")),
    (r"\bsomeone who\b|\bsomebody who\b", ("a buddy who", "a person who")),
    (r"\bsomeone\b|\bsomebody\b", ("a buddy", "a person")),
    (r"\bi love\b|\bi enjoy\b|\blove\b|\benjoy\b", ("into", "fond of")),
    (r"\bi like\b|\blike to\b", ("happy to", "keen to")),
    (r"\bi want to\b|\bi'd like to\b|\bwant to\b|\bwould like to\b", ("aiming to", "hoping to")),
    (r"\bpreviously\b|\bbefore that\b", ("formerly", "earlier")),
    (r"\bworked on\b", ("spent time on", "did work on")),
    (r"\bdeep into\b", ("immersed in", "absorbed by")),
    (r"\bmachine learning\b", ("ML",)),
    (r"\bartificial intelligence\b", ("AI",)),
    (r"\blarge language models?\b", ("LLMs",)),
    (r"\bexperience\b|\bexperienced\b", ("background", "track record")),
    (r"\bbuilding\b", ("developing", "creating")),
    (r"\bbuild\b", ("develop", "create")),
    (r"\bhelp\b|\bhelping\b", ("support", "assist")),
    (r"\blearn\b|\blearning\b", ("picking up", "studying")),
    (r"\bteam\b", ("group", "crew")),
    (r"\bcompany\b", ("organisation", "firm")),
    (r"\bdeploying\b|\bshipping\b", ("rolling out", "launching")),
    (r"\bknowledge\b", ("know-how",)),
    (r"\bchat\b|\btalk\b", ("swap notes", "compare notes")),
    (r"\bpassionate about\b", ("excited by", "motivated by")),
    (r"\bfrom\b", ("out of",)),
)

# Redaction placeholders and what only makes sense around them ("at [company]", "Hi, [name]").
_GREETING = re.compile(
    r"\b(hi|hello|hey)\b[,!]?\s*((i am|i'm|this is|it's)\s+)?\[name\]\s*(here)?[,.!]?\s*(and\s+)?",
    re.IGNORECASE,
)
_PLACEHOLDERS = re.compile(
    r"(\b(at|from|with|for|of|called|named|is|am|i'm)\s+)?\[(name|company|email|handle|link)\]",
    re.IGNORECASE,
)
_FILLER = re.compile(r"\b(really|very|just|basically|actually|quite|super)\b\s*", re.IGNORECASE)
_ARTICLES = re.compile(r"\b(the|a|an)\b\s*", re.IGNORECASE)
_LEAD_INS = ("mostly", "also", "notably", "in short")
# A function word swapped when no rewrite applied, so the sentence itself changes, not just its frame.
_FUNCTION_SWAPS = ((r"\bamateur\b", "hobbyist"), (r"\baddict\b", "lover"), (r"\bparent\b", "mum or dad"),
                   (r"\brunner\b", "jogger"), (r"\bplayer\b", "fan"), (r"\bsenior\b", "seasoned"),
                   (r"\bstartup\b", "young company"), (r"\bproduct\b", "offering"),
                   (r"\bresearch\b", "study"), (r"\bcurious\b", "inquisitive"), (r"\bnew\b", "fresh"),
                   (r"\band\b", "&"), (r"\bon\b", "around"), (r"\bin\b", "within"),
                   (r"\bwith\b", "using"), (r"\bfor\b", "toward"), (r"\bat\b", "@"))
_SKILL_SPLIT = re.compile(r"\s*(?:[,;/\n•|]|\band\b|&)\s*", re.IGNORECASE)
_SKILL_SYNONYMS = {
    "machine learning": "ML",
    "ml": "machine learning",
    "deep learning": "DL",
    "natural language processing": "NLP",
    "nlp": "natural language processing",
    "computer vision": "CV",
    "kubernetes": "K8s",
    "k8s": "Kubernetes",
    "large language models": "LLMs",
    "llms": "large language models",
    "amazon web services": "AWS",
    "gcp": "Google Cloud",
}


def _clauses(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?;])\s+|\s*[.!?;]+\s*$|\s+-\s+|,\s+(?:and|but)\s+", text.strip())
    return [p.strip(" .!?;,") for p in parts if p and p.strip(" .!?;,")]


def _reword(clause: str, rng: random.Random) -> str:
    out = clause
    for pattern, alternatives in _REWRITES:
        out = re.sub(pattern, lambda _m: rng.choice(alternatives), out, flags=re.IGNORECASE)
    out = _FILLER.sub("", out)
    out = re.sub(r"\s+", " ", out).strip(" ,")
    if out.casefold() == clause.casefold():
        # nothing matched: trim articles, swap a function word, or at least lead in
        out = re.sub(r"\s+", " ", _ARTICLES.sub("", out)).strip()
        for pattern, swap in _FUNCTION_SWAPS:
            if out.casefold() != clause.casefold():
                break
            out = re.sub(pattern, swap, out, count=1, flags=re.IGNORECASE)
        if out.casefold() == clause.casefold():
            out = f"{rng.choice(_LEAD_INS)} {_lower_first(out)}"
    return out


def _lower_first(text: str) -> str:
    # keep acronyms ("ML lead") as written
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def paraphrase_text(text: str, seed: int) -> str:
    """A reworded, reordered and possibly trimmed version of `text` ("" stays "")."""
    clauses = _clauses(_PLACEHOLDERS.sub("", _GREETING.sub("", text or "")))
    if not clauses:
        return ""
    rng = random.Random(seed)
    reworded = [_reword(c, rng) for c in clauses]
    reworded = [c for c in reworded if c]
    rng.shuffle(reworded)
    if len(reworded) > 3:
        reworded.pop(rng.randrange(len(reworded)))
    return _sentence_case("; ".join(reworded)) + "."


def paraphrase_skills(skills: str, seed: int) -> str:
    """The skill list reordered, with some items swapped for their synonyms, at most one dropped."""
    items = [s.strip(" .") for s in _SKILL_SPLIT.split(skills or "") if s and s.strip(" .")]
    if not items:
        return ""
    rng = random.Random(seed)
    seen, unique = set(), []
    for item in items:
        if item.casefold() not in seen:
            seen.add(item.casefold())
            unique.append(item)
    swapped = [
        _SKILL_SYNONYMS.get(i.casefold(), i) if rng.random() < 0.5 else i for i in unique
    ]
    rng.shuffle(swapped)
    if len(swapped) >= 5:
        swapped.pop(rng.randrange(len(swapped)))
    return ", ".join(swapped)
