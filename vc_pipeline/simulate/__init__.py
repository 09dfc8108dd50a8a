"""A year of coffee rounds simulated through the real pipeline (`make simulate`): a community that
comes back, grows and misses meetings (community.py), and the figures each round ends with (figures.py)."""
