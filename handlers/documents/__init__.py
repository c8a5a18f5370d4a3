"""Shared helpers for the PDFs the bot writes (BAST, certificates): the Unicode font."""
