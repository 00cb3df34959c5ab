"""Lentera's Rasa-side package: channel connectors, settings, storage helpers and CLI."""
