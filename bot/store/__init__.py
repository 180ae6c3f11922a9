"""The app's store: engine and sessions, tables (Alembic owns the schema), deflection events, the local
event spool, the managers' metrics, catalogue import, Prometheus collectors."""
