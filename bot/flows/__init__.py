"""Conversation flows as ``transitions`` state machines; they know nothing of Telegram."""
