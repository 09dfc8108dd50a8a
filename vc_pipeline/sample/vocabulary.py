"""What fabricated respondents say: roles, topics, skills, places, phrasings of a real export."""

# (dropdown role, share of respondents, free-text titles people also type for it)
ROLES = (
    ("ML Engineer", 0.24, ("MLOps Engineer", "AI Engineer", "Prompt Designer", "MLOps/AI Consultant")),
    ("Data Scientist", 0.18, ("Senior Data Scientist", "Data Analyst")),
    ("ML Scientist/Researcher", 0.13, ("Research Scientist", "Applied Scientist")),
    ("Software Engineer", 0.11, ("SE", "Cloud Architect", "Backend developer")),
    ("Data Engineer", 0.08, ("Analytics Engineer",)),
    ("Founder", 0.06, ("Co-founder",)),
    ("Management", 0.07, ("CTO", "Head of AI", "Engineering Manager")),
    ("Sales and Marketing", 0.03, ("DevRel",)),
    ("Student", 0.06, ("PhD student",)),
    ("Other", 0.04, ("Technical Writer",)),
)

# Roles with enough members that a similar-role request can always be met.
SIMILAR_ROLE_FRIENDLY = ("ML Engineer", "Data Scientist", "ML Scientist/Researcher", "Software Engineer")

STAGES = (  # (export spelling, share)
    ("Undergrad / New Grad", 0.06),
    ("Graduate Student", 0.08),
    ("1 - 3 Years of Experience", 0.15),
    ("3 - 5 Years of Experience", 0.18),
    ("5 - 10 Years of Experience", 0.23),
    ("10+ Years of Experience", 0.30),
)

NO_PREFERENCE = ("No preference", "No")
SIMILAR_ROLE = ("Buddy in a similar role", "My Buddy should be in a similar role as me")

TOPICS = {
    "ML Engineer": ("feature stores", "model serving", "LLM inference", "ML pipelines on Kubernetes",
                    "model monitoring", "recommendation systems in production", "RAG systems"),
    "Data Scientist": ("churn prediction", "A/B testing", "demand forecasting", "causal inference",
                       "fraud detection", "pricing models"),
    "ML Scientist/Researcher": ("reinforcement learning", "efficient transformers", "LLM evaluation",
                                "computer vision research", "graph neural networks", "speech recognition"),
    "Software Engineer": ("backend APIs", "distributed systems", "developer tooling",
                          "cloud infrastructure", "CI/CD pipelines"),
    "Data Engineer": ("streaming pipelines", "data lakehouses", "dbt models", "data quality",
                      "Airflow orchestration"),
    "Founder": ("an AI startup for healthcare", "a developer tools startup",
                "an LLM observability product", "computer vision for retail"),
    "Management": ("scaling an ML platform team", "AI strategy", "hiring ML engineers", "ML governance"),
    "Sales and Marketing": ("developer relations", "go-to-market for AI products", "community building"),
    "Student": ("a thesis on NLP", "learning MLOps", "a master's project on computer vision"),
    "Other": ("technical writing about ML", "AI policy", "product design for ML tools"),
}

SKILLS = {
    "ML Engineer": ("Python", "PyTorch", "Kubernetes", "MLflow", "Kubeflow", "feature stores", "Docker",
                    "Ray", "model serving", "LLMOps", "AWS SageMaker", "monitoring"),
    "Data Scientist": ("Python", "SQL", "statistics", "scikit-learn", "XGBoost", "experimentation",
                       "forecasting", "causal inference", "pandas", "Tableau"),
    "ML Scientist/Researcher": ("PyTorch", "JAX", "deep learning", "NLP", "computer vision",
                                "reinforcement learning", "transformers", "paper writing"),
    "Software Engineer": ("Go", "Java", "TypeScript", "distributed systems", "Kubernetes", "AWS",
                          "Terraform", "microservices", "Rust"),
    "Data Engineer": ("Spark", "Kafka", "Airflow", "dbt", "SQL", "Snowflake", "data modeling", "Flink",
                      "BigQuery"),
    "Founder": ("fundraising", "product strategy", "LLM apps", "hiring", "go-to-market"),
    "Management": ("team leadership", "ML strategy", "hiring", "roadmapping", "stakeholder management"),
    "Sales and Marketing": ("developer relations", "content marketing", "community", "public speaking"),
    "Student": ("Python", "machine learning", "deep learning", "statistics", "NLP"),
    "Other": ("writing", "UX research", "AI ethics", "product management"),
}

SUMMARIES = (
    "{title} working on {topic}. {hobby}",
    "I'm a {title_lower} focused on {topic} and {topic2}.",
    "Building {topic} at a {industry} company. Previously worked on {topic2}.",
    "{title} in {industry}; currently deep into {topic}. {hobby}",
    "Interested in {topic} and {topic2}. {hobby}",
)
# A respondent who names themselves, their company or contact details in their summary.
SELF_MENTIONS = (
    "Hi, I'm {first} and I work on {topic} at {company}.",
    "{name} here, {title_lower} at {company}. Ping me at {email}.",
    "I lead {topic} at {company}. Find me on Slack as {slack}.",
)
HOBBIES = ("Love hiking.", "Coffee addict.", "Amateur photographer.", "Parent of two.",
           "Runner and chess player.", "Learning Spanish.", "")
INDUSTRIES = ("fintech", "healthcare", "e-commerce", "logistics", "gaming", "climate", "media", "insurance")

WISHES = (
    "Someone working on {topic}.",
    "Looking for someone with experience in {skill} who can share lessons learned.",
    "A more senior {role} who can give career advice.",
    "Anyone building with {skill}; happy to swap notes.",
    "Someone from a different field than mine, to learn something new.",
    "A founder or someone thinking about starting a company.",
)

# (free-text location, Faker locale for the respondent's name, weight)
PLACES = (
    ("SF Bay Area", "en_US", 6), ("New York, NY", "en_US", 5), ("Park City, UT, USA", "en_US", 1),
    ("Austin, TX", "en_US", 2), ("Seattle, WA", "en_US", 3), ("Chicago, IL", "en_US", 2),
    ("Boston, MA", "en_US", 2), ("Toronto, Canada", "en_CA", 3), ("Pune, India", "en_IN", 4),
    ("Bangalore", "en_IN", 5), ("Hyderabad, India", "en_IN", 2), ("London, UK", "en_GB", 5),
    ("Remote - EU", "en_GB", 3), ("Berlin, Germany", "de_DE", 4), ("Amsterdam", "nl_NL", 2),
    ("Paris, France", "fr_FR", 2), ("Madrid, Spain", "es_ES", 2), ("Warsaw, Poland", "pl_PL", 2),
    ("Lisbon, Portugal", "pt_PT", 1), ("Dublin, Ireland", "en_IE", 1), ("Zurich, Switzerland", "de_CH", 1),
    ("São Paulo, Brazil", "pt_BR", 2), ("Mexico City", "es_MX", 2), ("Lagos, Nigeria", "en_US", 2),
    ("Nairobi, Kenya", "en_US", 1), ("Cape Town, South Africa", "en_US", 1),
    ("Tel Aviv, Israel", "en_US", 1), ("Singapore", "en_US", 2), ("Sydney, Australia", "en_AU", 2),
    ("Tokyo, Japan", "en_US", 1), ("Remote", "en_US", 2), ("", "en_US", 3),
)

EMAIL_DOMAINS = ("gmail.com", "outlook.com", "proton.me", "yahoo.com", "hey.com", "fastmail.com")
