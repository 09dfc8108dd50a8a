"""How well two members suit each other: a score per pair and its components."""
