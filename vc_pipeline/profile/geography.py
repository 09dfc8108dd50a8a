"""Where a member is, from what they wrote ("Pune, India", "SF Bay Area", "München", "GMT+5:30"):
a region and an IANA time zone, and the zone's UTC offset on the round's date.

The names come from the gazetteer (GeoNames, ISO 3166, tzdata; see profile/gazetteer.py). How a
text is read:

1. it is cut into parts at commas, slashes, brackets and spaced dashes; a flag emoji is a country
   and "UTC+1" / "GMT+5:30" a clock;
2. each part is looked up as written, then without filler words ("Remote", "Greater", "area"), then
   word by word for the longest names it holds;
3. the most specific name decides (city, then state or province, then country, then region or
   zone) and every other name qualifies it: "Paris, Texas" is the Paris in Texas;
4. of the places left, the most populous wins only when no place at least half its size disagrees
   (another region, or a clock more than an hour off): "Cambridge" alone stays unknown.

Wrong is worse than unknown: a name of three letters or fewer ("LA", "CA", "in", "me") only
qualifies another name, except the few that name one place whoever writes them ("USA", "UK", "NYC").
"""

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import NamedTuple

# The gazetteer module imports its libraries only when the index is first built.
from vc_pipeline.profile.gazetteer import KIND_RANK, NOWHERE, Candidate, fold, gazetteer, same_clock, zone_offset


class Place(NamedTuple):
    """A member's region (one of REGIONS) and IANA time zone (None when only the region is known)."""

    region: str
    time_zone: str | None


UNKNOWN = Place("Unknown", None)

REGIONS = (
    "North America",
    "Latin America",
    "Europe",
    "Africa",
    "Middle East",
    "South Asia",
    "Southeast Asia",
    "East Asia",
    "Oceania",
    "Unknown",
)

# Regions a member could plausibly be moved to when noise is added to a synthetic member.
NEIGHBOURS: dict[str, tuple[str, ...]] = {
    "North America": ("Latin America",),
    "Latin America": ("North America",),
    "Europe": ("Africa", "Middle East"),
    "Africa": ("Europe", "Middle East"),
    "Middle East": ("Europe", "South Asia"),
    "South Asia": ("Middle East", "Southeast Asia"),
    "Southeast Asia": ("South Asia", "East Asia", "Oceania"),
    "East Asia": ("Southeast Asia",),
    "Oceania": ("Southeast Asia",),
    "Unknown": ("Unknown",),
}

# A typical way people write a place in each region, for moved synthetic members.
REPRESENTATIVE_LOCATIONS: dict[str, tuple[str, ...]] = {
    "North America": ("Toronto, Canada", "Austin, TX", "Chicago, IL"),
    "Latin America": ("Mexico City", "São Paulo, Brazil", "Bogotá, Colombia"),
    "Europe": ("Lisbon, Portugal", "Berlin, Germany", "Remote - EU"),
    "Africa": ("Nairobi, Kenya", "Lagos, Nigeria", "Cape Town, South Africa"),
    "Middle East": ("Tel Aviv, Israel", "Dubai, UAE"),
    "South Asia": ("Bangalore, India", "Karachi, Pakistan"),
    "Southeast Asia": ("Singapore", "Manila, Philippines", "Jakarta, Indonesia"),
    "East Asia": ("Tokyo, Japan", "Seoul, South Korea"),
    "Oceania": ("Sydney, Australia", "Auckland, New Zealand"),
    "Unknown": ("",),
}


# A place wins over a same-named one that disagrees only when it is at least this many times bigger.
DOMINANCE = 2.0
# Three letters or fewer: a code or a word ("LA", "CA", "in", "me") that only qualifies another name...
SHORT_CHARS = 3
# ...except these, which name one place whoever writes them, when they are a whole part of the text.
SHORT_DECIDES = frozenset({"usa", "us", "uk", "uae", "nyc", "sf", "dc", "eu", "nz", "ksa"})
MAX_NAME_WORDS = 5
_LEADING_FILLER = frozenset(("remote remotely fully hybrid based in near around outside of greater metro "
                             "metropolitan living live currently from the working located close to area "
                             "downtown central i am im").split())
_TRAILING_FILLER = frozenset("area region metro metropolitan remote remotely based suburbs city hq office "
                             "only hybrid timezone tz zone and or".split())
_PART_BREAK = re.compile(r"[,/|;()\[\]{}<>·•\n]|\s[-–—]+\s*|[-–—]+\s")
_OFFSET = re.compile(r"\b(?:utc|gmt)\s*([+\-−–])\s*(\d{1,2})(?:\s*[:.h]?\s*(\d{2}))?(?!\d)", re.IGNORECASE)
_FLAG = re.compile("[\U0001F1E6-\U0001F1FF]{2}")


@dataclass(frozen=True)
class _Mention:
    """A name found in the text: the places it may mean, and whether it may decide alone."""

    candidates: tuple
    decides: bool
    # a code that decides only because of where it was written ("Park City, UT") is not weighed by
    # population: if its readings disagree ("Smalltown, IN": India or Indiana), nothing is known
    by_population: bool = True

    @property
    def rank(self) -> int:
        return max(KIND_RANK[c.kind] for c in self.candidates)


def _flag_country(flag: str) -> str:
    return "".join(chr(ord(ch) - 0x1F1E6 + ord("A")) for ch in flag)


def _strip_filler(words: list[str]) -> list[str]:
    while words and words[0] in _LEADING_FILLER:
        words = words[1:]
    while words and words[-1] in _TRAILING_FILLER:
        words = words[:-1]
    return words


def _mention(phrase: str, candidates: list, whole: bool, after_name: bool = False) -> _Mention:
    short = len(phrase.replace(" ", "")) <= SHORT_CHARS
    # time-zone abbreviations are a curated list that leaves out the ones that are also words
    curated = whole and (phrase in SHORT_DECIDES or candidates[0].kind == "zone")
    if short and not curated and whole and after_name:  # "City, ST": the code qualifies a place we do not know
        return _Mention(tuple(candidates), decides=True, by_population=False)
    return _Mention(tuple(candidates), decides=not short or curated)


def _part_mentions(part: str, after_name: bool = False) -> list[_Mention]:
    """The names in one part: the part as written, else without filler, else word by word.
    `after_name`: the part follows a comma after a part naming something ("Park City, UT")."""
    index = gazetteer()
    folded = fold(part)
    words = _strip_filler(folded.split())
    if not words or folded in NOWHERE or " ".join(words) in NOWHERE:
        return []
    for phrase in (folded, " ".join(words)):
        if found := index.lookup(phrase):
            return [_mention(phrase, found, whole=True, after_name=after_name)]
    words = " ".join(words).replace("-", " ").split()
    mentions, i = [], 0
    while i < len(words):
        for j in range(min(len(words), i + MAX_NAME_WORDS), i, -1):
            phrase = " ".join(words[i:j])
            if j - i == 1 and (phrase in _LEADING_FILLER or phrase in _TRAILING_FILLER):
                continue
            if found := index.lookup(phrase):
                mentions.append(_mention(phrase, found, whole=False))
                i = j
                break
        else:
            i += 1
    return mentions


def _mentions(text: str) -> list[_Mention]:
    """Every name in a free-text location, in the order written: clocks, flags, then the parts."""
    index = gazetteer()
    mentions = []
    for sign, hours, minutes in _OFFSET.findall(text):
        offset = (int(hours) + int(minutes or 0) / 60) * (-1 if sign in "-−–" else 1)
        if -12 <= offset <= 14 and (zone := index.zone_for_offset(offset)):
            mentions.append(_Mention((Candidate("zone", zone, "Unknown", zone),), decides=True))
    text = _OFFSET.sub(" , ", text)
    for flag in _FLAG.findall(text):
        if (country := index.country_candidates.get(_flag_country(flag))) is not None:
            mentions.append(_Mention((country,), decides=True))
    after_name = False
    for part in _PART_BREAK.split(_FLAG.sub(" , ", text)):
        mentions += _part_mentions(part, after_name)
        after_name = after_name or bool(_strip_filler(fold(part).split()))
    return mentions


def _clock_agrees(a, b) -> bool:
    return a.time_zone is None or b.time_zone is None or same_clock(a.time_zone, b.time_zone)


def _contains(outer, inner) -> bool:
    """Whether the place `outer` (a qualifier's candidate) is compatible with the place `inner`."""
    if outer.key == inner.key:
        return True
    if outer.kind == "country":
        return inner.country == outer.country
    if outer.kind == "subdivision":
        return inner.country == outer.country and (outer.admin1 is None or inner.admin1 in (None, outer.admin1))
    if outer.kind == "city":
        return inner.country == outer.country and _clock_agrees(inner, outer)
    regions_agree = "Unknown" in (outer.region, inner.region) or outer.region == inner.region
    return regions_agree and _clock_agrees(inner, outer)


def _disagree(a, b) -> bool:
    return ("Unknown" not in (a.region, b.region) and a.region != b.region) or not _clock_agrees(a, b)


def _pick(candidates: list, by_population: bool = True):
    """The most populous candidate, or None when one at least 1/DOMINANCE its size disagrees (any
    that disagrees, when not `by_population`)."""
    unique = list({c.key: c for c in candidates}.values())
    best = max(unique, key=lambda c: c.weight)
    dominance = DOMINANCE if by_population else float("inf")
    if any(_disagree(best, other) and other.weight * dominance >= best.weight for other in unique if other is not best):
        return None
    return best


def _decide(mentions: list[_Mention]) -> Place:
    """The most specific name that every other name fits; a name that fits no other is dropped
    ("Park City, UT": not the Park City that is Bridgeport, Connecticut, so Utah). A name that may
    not decide alone ("UT") may still be the most specific when another name decides ("USA")."""
    remaining = list(mentions)
    while any(m.decides for m in remaining):
        main = min(remaining, key=lambda m: (-m.rank, not m.decides))
        qualifiers = [m for m in remaining if m is not main]
        fits = [c for c in main.candidates if all(any(_contains(q, c) for q in m.candidates) for m in qualifiers)]
        if not fits:
            remaining.remove(main)
            continue
        best = _pick(fits, main.by_population)
        if best is None:
            return UNKNOWN
        zone = best.time_zone
        if zone is None:  # "USA (EST)": the country says where, the qualifier says which clock
            zones = [q.time_zone for m in qualifiers for q in m.candidates if q.time_zone and _contains(q, best)]
            zone = zones[0] if zones else None
        region = best.region
        if region == "Unknown" and zone:
            region = "Unknown" if best.kind == "zone" else gazetteer().region_of_zone(zone)
        return Place(region, zone)
    return UNKNOWN


@functools.lru_cache(maxsize=1 << 16)
def locate(location: str) -> Place:
    """The region and IANA time zone of a free-text location; UNKNOWN when blank, unrecognised,
    ambiguous or contradictory. A bare UTC offset gives a zone but no region ("UTC+1" says the
    clock, not the place)."""
    if not location or not location.strip():
        return UNKNOWN
    return _decide(_mentions(location))


def utc_offset(time_zone: str | None, on: dt.date) -> float | None:
    """The zone's UTC offset in hours on the date (daylight saving included); None for no zone."""
    if not time_zone:
        return None
    return zone_offset(time_zone, on)
