"""`make bench`: solver and end-to-end figures, printed and written as JSON."""
