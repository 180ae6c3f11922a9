"""Development tools: the live-stack harness, route snapshots. Never imported by the app."""
