"""Intros: why a group was paired, conversation starters and what to do next, written name-free
(members appear as placeholders such as {member_1}) by OpenAI or offline, and rendered with the
names put in locally for intros.md and Slack."""
