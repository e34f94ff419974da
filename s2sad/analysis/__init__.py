"""Analyses over normalized code; each returns plain data and changes nothing."""
