"""Writes of the learning app, one module per sub-domain. Each runs in a transaction, checks
the actor's permission over the record, raises domain errors and records an audit entry."""
