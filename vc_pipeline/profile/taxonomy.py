"""Map free-text roles and career stages from the form onto the fixed taxonomy."""

import re

from vc_pipeline.survey.form import CAREER_STAGES, ROLES

# First matching rule wins; order matters ("Head of AI" is Management, not ML Engineer).
_ROLE_RULES: tuple[tuple[str, str], ...] = (
    (r"\b(student|phd|undergrad|intern|msc|master'?s)\b", "Student"),
    (r"\b(co-?founder|founder|ceo)\b", "Founder"),
    (r"\b(cto|cio|cdo|vp|head of|director|manager|chief|lead)\b", "Management"),
    (r"\b(sales|marketing|devrel|developer advocate|community|growth)\b", "Sales and Marketing"),
    (r"\b(data engineer|analytics engineer|etl|data platform)\b", "Data Engineer"),
    (r"\b(data scientist|analyst|data science)\b", "Data Scientist"),
    (r"\b(research|researcher|ml scientist|applied scientist|scientist)\b", "ML Scientist/Researcher"),
    (r"\b(ml|mlops|machine learning|ai engineer|llm|prompt|ai consultant|ai)\b", "ML Engineer"),
    (r"\b(software|se|swe|developer|backend|frontend|full[- ]?stack|platform|cloud|architect|devops|sre)\b",
     "Software Engineer"),
    # recognised titles that belong to no listed role (not counted as unrecognised)
    (r"\b(writer|ux|designer|policy|ethics|recruiter|legal|operations|consultant)\b", "Other"),
)

_EXACT_ROLES = {r.casefold(): r for r in ROLES}

# Other titles people write for each role; synthetic members draw variants from here.
ROLE_TITLES: dict[str, tuple[str, ...]] = {
    "ML Engineer": ("ML Engineer", "Machine Learning Engineer", "MLOps Engineer", "AI Engineer"),
    "ML Scientist/Researcher": ("ML Scientist/Researcher", "Research Scientist", "Applied Scientist"),
    "Software Engineer": ("Software Engineer", "SE", "Backend Developer", "Cloud Architect"),
    "Data Scientist": ("Data Scientist", "Senior Data Scientist", "Data Analyst"),
    "Founder": ("Founder", "Co-founder", "Founder & CEO"),
    "Management": ("Management", "Head of AI", "Engineering Manager", "CTO"),
    "Sales and Marketing": ("Sales and Marketing", "Developer Advocate", "Growth Marketer"),
    "Data Engineer": ("Data Engineer", "Analytics Engineer", "Senior Data Engineer"),
    "Student": ("Student", "PhD Student", "MSc Student"),
    "Other": ("Other",),
}


def map_role(title: str) -> str | None:
    """The taxonomy role for a free-text role title, or None when no rule recognises it."""
    text = re.sub(r"\s+", " ", title or "").strip()
    if not text:
        return None
    if text.casefold() in _EXACT_ROLES:
        return _EXACT_ROLES[text.casefold()]
    lowered = text.casefold()
    for pattern, role in _ROLE_RULES:
        if re.search(pattern, lowered):
            return role
    return None


_STAGE_RULES: tuple[tuple[str, int], ...] = (
    (r"undergrad|new grad", 1),
    (r"graduate student|grad student|phd|master", 2),
    (r"10\s*\+|10 or more|more than 10", 6),
    (r"5\s*(-|–|to)\s*10", 5),
    (r"3\s*(-|–|to)\s*5", 4),
    (r"1\s*(-|–|to)\s*3", 3),
)


def map_career_stage(answer: str) -> int | None:
    """The career stage ordinal (1 = Undergrad/New Grad … 6 = 10+ Years), or None if unrecognised."""
    lowered = (answer or "").casefold()
    for pattern, stage in _STAGE_RULES:
        if re.search(pattern, lowered):
            return stage
    return None


def stage_label(stage: int) -> str:
    """The form's label for a career stage ordinal."""
    return CAREER_STAGES[stage - 1]


def wants_similar_role(answer: str) -> bool:
    """True when the buddy-preference answer asks for a buddy in a similar role."""
    return "similar role" in (answer or "").casefold()
