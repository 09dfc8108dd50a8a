"""Remove a respondent's own identifying details from the free text they wrote."""

import re

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_URL = re.compile(r"(https?://|www\.)\S+|\blinkedin\.com/\S*", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w@])@[\w.-]{2,}")
_COMPANY_SUFFIX = re.compile(
    r"[,\s]+(inc\.?|llc|ltd\.?|plc|gmbh|group|and sons|& co\.?|co\.?|corp\.?|ltda\.?)$", re.IGNORECASE
)


def _literal(text: str, replacement: str, needle: str) -> str:
    needle = needle.strip()
    if len(needle) < 2:
        return text
    pattern = r"(?<!\w)" + re.escape(needle) + r"(?!\w)"
    return re.sub(pattern, replacement, text, flags=re.IGNORECASE)


def _company_variants(company: str) -> list[str]:
    company = company.strip()
    core = _COMPANY_SUFFIX.sub("", company).strip(" ,")
    variants = {company, core}
    if "," in core or " and " in core:
        # "Smith, Jones and Brown" is also written "Smith Jones Brown" or "Smith-Jones"
        parts = [p for p in re.split(r",\s*|\s+and\s+|\s*-\s*", core) if p]
        variants.update({" ".join(parts), "-".join(parts)})
    return sorted((v for v in variants if len(v) >= 2), key=len, reverse=True)


def redact_own_details(
    text: str, *, name: str, email: str, slack_handle: str, linkedin_url: str, company: str
) -> str:
    """`text` with any email, URL and @handle removed, and the respondent's own name (full, first
    or last), company, Slack handle and LinkedIn URL replaced by placeholders."""
    if not text:
        return text
    for needle in (linkedin_url, email):
        text = _literal(text, "[link]" if needle == linkedin_url else "[email]", needle)
    text = _EMAIL.sub("[email]", text)
    text = _URL.sub("[link]", text)
    handle = (slack_handle or "").strip().lstrip("@")
    text = _literal(text, "[handle]", "@" + handle) if handle else text
    text = _literal(text, "[handle]", handle) if len(handle) >= 3 else text
    text = _HANDLE.sub("[handle]", text)
    for variant in _company_variants(company or ""):
        text = _literal(text, "[company]", variant)
    name = (name or "").strip()
    for part in [name, *sorted(name.split(), key=len, reverse=True)]:
        if len(part.strip(".")) >= 2:
            text = _literal(text, "[name]", part)
    return text
