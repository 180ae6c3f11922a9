"""The in-process TestClient's own origin: staff form posts and staff API calls with a session cookie
must carry it to pass the origin check (bot/api/security.py), as a browser's would."""

ORIGIN = "http://testserver"
SAME_ORIGIN = {"Origin": ORIGIN}
