"""Survivor privacy across the data's life (../shared/spec/privacy.md).

Retention lives here now; consent before storage, deletion and the safe word are to follow.
"""
