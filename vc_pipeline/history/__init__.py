"""What happened in earlier rounds, read from the store."""
