"""Fabricated, realistic display names for synthetic members, varied by region."""

_LOCALES_BY_REGION = {
    "North America": ("en_US", "en_CA"),
    "Latin America": ("es_MX", "pt_BR", "es_CO"),
    "Europe": ("en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pl_PL", "pt_PT"),
    "Africa": ("en_US",),  # Faker has no sub-Saharan name locale; en_US names are a neutral stand-in
    "Middle East": ("tr_TR", "en_US"),
    "South Asia": ("en_IN",),
    "Southeast Asia": ("fil_PH", "id_ID"),
    "East Asia": ("ja_JP", "zh_CN"),
    "Oceania": ("en_AU", "en_NZ"),
    "Unknown": ("en_US", "en_GB", "en_IN", "de_DE", "es_ES"),
}

_ROMANIZED = {"ja_JP", "zh_CN"}
_fakers: dict = {}


def _faker(locale: str):
    from faker import Faker  # imported when names are made, so loading the definitions stays light

    if locale not in _fakers:
        _fakers[locale] = Faker(locale)
    return _fakers[locale]


def fabricate_name(region: str, seed: int, taken: set[str]) -> str:
    """A realistic full name for a member from `region`, deterministic in `seed`.

    Never returns a name in `taken` (compared case-insensitively), which holds the respondents'
    real names and the names already given out this round.
    """
    locales = _LOCALES_BY_REGION.get(region, _LOCALES_BY_REGION["Unknown"])
    for attempt in range(50):
        locale = locales[(seed + attempt) % len(locales)]
        faker = _faker(locale)
        faker.seed_instance(seed + attempt * 7919)
        if locale in _ROMANIZED:
            # Latin script, so organizers can read every name in a printout
            name = f"{faker.first_romanized_name()} {faker.last_romanized_name()}"
        else:
            name = f"{faker.first_name()} {faker.last_name()}"
        if name.casefold() not in taken:
            return name
    raise RuntimeError("could not fabricate an unused name in 50 attempts")
