"""Spreadsheets shared by imports and exports: reading and writing tables."""
