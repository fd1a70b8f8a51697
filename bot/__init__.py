"""Regiecoach: the Telegram edge and entry point."""
