"""How good and how fair a round's pairing is."""
