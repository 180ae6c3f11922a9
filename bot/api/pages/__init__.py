"""Server-rendered pages (HTML) and their static files; the JSON API is bot/api/v1."""
