"""Scoped reads of the learning app, one module per sub-domain (`scope` says who sees what)."""
