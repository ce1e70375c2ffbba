"""Background tasks of the learning app, one module per area. A task takes ids, binds the
request context, calls one service and is safe to run twice."""
