"""The feedback form: its exported headers, canonical columns and answers."""

HEADERS = {
    "Your email address": "email",
    "Did you meet your buddy this round?": "met",
    "How was your coffee chat? (1-5)": "rating",
    "Anything you'd like to tell the organizers?": "comment",
}

# The form's answers to "Did you meet your buddy this round?" and the labels we keep.
ANSWERS = {
    "Yes": "met",
    "No, my buddy didn't show": "buddy_no_show",
    "No, I couldn't make it": "could_not_make_it",
    "Not yet": "not_yet",
}
LABELS = tuple(ANSWERS.values())

# Identify a person or hold their words; they never leave raw_feedback.
PII_COLUMNS = ("email", "comment")
