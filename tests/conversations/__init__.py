"""Free-text conversation tests: properties of whole transcripts, scripts, fuzzing."""
