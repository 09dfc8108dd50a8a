"""Member profiles: roles, career stages and places mapped onto fixed vocabularies."""
