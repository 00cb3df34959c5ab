"""Custom actions of the Lentera assistant (rasa-sdk), split by feature."""
