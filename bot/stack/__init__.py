"""Running the whole system: training by content hash, local secrets, process runner."""
