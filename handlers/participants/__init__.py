"""Participants: start, registration, profile, erasure, opt-out, imports."""
