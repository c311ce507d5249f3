"""Use cases: load from the store, call the domain, write back through a unit of work."""
