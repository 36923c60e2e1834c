"""Date and number formats per language, read by Django through FORMAT_MODULE_PATH (one module per language)."""
