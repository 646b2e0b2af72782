"""The repercussions report: figures from analytics, rendered as one self-contained HTML/PDF."""
