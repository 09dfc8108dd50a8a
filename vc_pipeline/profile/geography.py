"""Map free-text locations ("Pune, India", "SF Bay Area", "Remote - EU") to a region and UTC offset."""

import re
from typing import NamedTuple


class Place(NamedTuple):
    region: str
    utc_offset: float | None


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

# Keyword → place; checked longest keyword first so "new south wales" beats "new".
_GAZETTEER: dict[str, Place] = {}


def _add(region: str, offset: float, *keywords: str) -> None:
    for keyword in keywords:
        _GAZETTEER[keyword] = Place(region, offset)


_add("North America", -8, "sf", "san francisco", "bay area", "seattle", "wa", "ca", "california",
     "los angeles", "la", "portland", "oregon", "vancouver", "san diego", "pst", "pacific")
_add("North America", -7, "ut", "utah", "park city", "salt lake", "denver", "co", "colorado",
     "phoenix", "az", "arizona")
_add("North America", -6, "chicago", "il", "austin", "tx", "texas", "dallas", "houston",
     "minneapolis", "mn", "central time")
_add("North America", -5, "new york", "ny", "nyc", "boston", "ma", "toronto", "montreal", "ontario",
     "atlanta", "ga", "miami", "fl", "washington dc", "dc", "nc", "pa", "philadelphia", "est")
_add("North America", -6, "usa", "us", "united states", "america", "canada", "remote - us",
     "north america")
_add("Latin America", -6, "mexico", "mexico city", "guadalajara")
_add("Latin America", -5, "bogota", "bogotá", "colombia", "lima", "peru", "medellin", "medellín")
_add("Latin America", -3, "brazil", "são paulo", "sao paulo", "rio", "buenos aires", "argentina",
     "santiago", "chile", "montevideo", "uruguay", "latam")
_add("Europe", 0, "london", "uk", "united kingdom", "england", "dublin", "ireland", "lisbon",
     "portugal", "edinburgh", "scotland", "manchester")
_add("Europe", 1, "berlin", "germany", "munich", "paris", "france", "amsterdam", "netherlands",
     "madrid", "spain", "barcelona", "rome", "italy", "milan", "zurich", "switzerland", "vienna",
     "austria", "warsaw", "poland", "stockholm", "sweden", "oslo", "norway", "copenhagen", "denmark",
     "brussels", "belgium", "prague", "czech", "eu", "europe", "cet", "budapest", "hungary")
_add("Europe", 2, "athens", "greece", "helsinki", "finland", "kyiv", "ukraine", "bucharest",
     "romania", "sofia", "bulgaria", "tallinn", "estonia", "riga", "vilnius")
_add("Africa", 1, "lagos", "nigeria", "abuja", "casablanca", "morocco")
_add("Africa", 2, "cape town", "johannesburg", "south africa", "cairo", "egypt")
_add("Africa", 3, "nairobi", "kenya", "addis ababa", "ethiopia", "africa")
_add("Africa", 0, "accra", "ghana", "dakar", "senegal")
_add("Middle East", 2, "tel aviv", "israel", "jerusalem")
_add("Middle East", 3, "istanbul", "turkey", "riyadh", "saudi", "doha", "qatar")
_add("Middle East", 4, "dubai", "uae", "abu dhabi")
_add("South Asia", 5.5, "india", "pune", "bangalore", "bengaluru", "mumbai", "delhi", "new delhi",
     "hyderabad", "chennai", "kolkata", "noida", "gurgaon", "gurugram", "ist")
_add("South Asia", 5, "pakistan", "karachi", "lahore", "islamabad")
_add("South Asia", 6, "bangladesh", "dhaka")
_add("South Asia", 5.75, "nepal", "kathmandu")
_add("South Asia", 5.5, "sri lanka", "colombo")
_add("Southeast Asia", 8, "singapore", "manila", "philippines", "kuala lumpur", "malaysia")
_add("Southeast Asia", 7, "jakarta", "indonesia", "bangkok", "thailand", "ho chi minh", "vietnam",
     "hanoi")
_add("East Asia", 9, "tokyo", "japan", "seoul", "korea", "south korea")
_add("East Asia", 8, "beijing", "shanghai", "china", "hong kong", "taipei", "taiwan", "shenzhen")
_add("Oceania", 8, "perth")
_add("Oceania", 10, "sydney", "melbourne", "brisbane", "australia", "nsw", "new south wales")
_add("Oceania", 12, "auckland", "wellington", "new zealand", "nz")

_KEYWORDS = sorted(_GAZETTEER, key=len, reverse=True)


def locate(location: str) -> Place:
    """The region and UTC offset (hours) of a free-text location; UNKNOWN when unrecognised or blank."""
    text = re.sub(r"[^\w\s+\-]", " ", (location or "").casefold())
    text = " " + re.sub(r"\s+", " ", text).strip() + " "
    if not text.strip():
        return UNKNOWN
    for keyword in _KEYWORDS:
        if f" {keyword} " in text:
            return _GAZETTEER[keyword]
    return UNKNOWN
