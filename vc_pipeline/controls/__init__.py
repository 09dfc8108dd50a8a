"""What organizers decide per round: opt-outs, pins (must meet) and blocks (must never meet)."""
