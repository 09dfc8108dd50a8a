"""The sign-up form: its exported headers and the canonical column names we use."""

HEADERS = {
    "Respondent ID": "respondent_id",
    "Submitted at": "submitted_at",
    "Your name": "name",
    "Your email address": "email",
    "What is your Slack Handle?": "slack_handle",
    "Your LinkedIn URL": "linkedin_url",
    "Where do you work?": "company",
    "Which option best represents your role?": "role",
    "How would you characterize your current career stage?": "career_stage",
    "Where are you based?": "location",
    "Do you have a preference on who your buddy should be?": "buddy_preference",
    "Tweet-sized summary of yourself": "summary",
    "What are your skills? In which fields do you specialize?": "skills",
    "Describe what you want your buddy to be like.": "buddy_preferences",
    "Keep me registered for all future rounds.": "keep_registered",
}

COLUMNS = list(HEADERS.values())

# Identify a person; they never leave raw_survey.
PII_COLUMNS = ("name", "email", "slack_handle", "linkedin_url", "company")

# The only respondent fields allowed past the privacy boundary.
SHAREABLE_COLUMNS = (
    "role",
    "career_stage",
    "location",
    "buddy_preference",
    "summary",
    "skills",
    "buddy_preferences",
    "keep_registered",
)

FREE_TEXT_COLUMNS = ("summary", "skills", "buddy_preferences")

ROLES = (
    "ML Engineer",
    "ML Scientist/Researcher",
    "Software Engineer",
    "Data Scientist",
    "Founder",
    "Management",
    "Sales and Marketing",
    "Data Engineer",
    "Student",
    "Other",
)

CAREER_STAGES = (
    "Undergrad/New Grad",
    "Graduate Student",
    "1-3 Years",
    "3-5 Years",
    "5-10 Years",
    "10+ Years",
)

KEEP_REGISTERED = ("Yes", "Ask me again next time")
