"""Command-line entry points (make run)."""
