"""Pseudonyms of platform users and encryption at rest. Imports no channel and no storage."""
