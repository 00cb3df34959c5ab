"""Judging conversations: properties of a transcript, the scripted suite, fuzzing.

Used by tests/conversations and bench/fuzz.py; the scripts themselves live in
tests/conversations/scripts/.
"""
