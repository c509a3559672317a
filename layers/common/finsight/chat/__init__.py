"""Chat channels: linking a user's WhatsApp number (through Twilio), and the senders that reach it."""
