"""Channel benchmark: connector overhead against REST, and a 50-conversation soak test."""
