"""Telegram: rendering to Telegram HTML (and, later, handlers and delivery)."""
