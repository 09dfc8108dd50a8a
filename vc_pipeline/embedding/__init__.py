"""Sentence embeddings of members' free text with the bundled all-MiniLM-L6-v2 model."""
