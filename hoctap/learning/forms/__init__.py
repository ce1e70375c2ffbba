"""Page forms of the learning app, one module per area."""
