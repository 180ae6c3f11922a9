"""WhatsApp Cloud API connector: Meta's webhook in, Rasa in the middle, Graph API replies out.

signature (X-Hub-Signature-256), payload (Meta's webhook format), inbox (messages kept from before
the 200 until processed, retried), store (per-sender state), rasa (REST webhook client), render
(Rasa replies -> Graph messages), graph (sending with retries), outbox (replies that could not be
sent), handler (one message end to end).
"""
