"""Reading a round's survey export."""
