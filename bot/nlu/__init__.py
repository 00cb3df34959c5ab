"""Custom Rasa NLU components for informal Indonesian and English.

Importing this package registers the components with Rasa's graph recipe, so
`config.yml` can name them by module path (e.g. `bot.nlu.places.PlaceEntityExtractor`).
"""
