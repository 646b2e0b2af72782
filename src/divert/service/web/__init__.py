"""HTML pages (Jinja2 + htmx, no build step) over the same rules as the JSON API."""
