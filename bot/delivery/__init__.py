"""Getting messages through: the inbox worker, pacing, retries and delivery errors."""
