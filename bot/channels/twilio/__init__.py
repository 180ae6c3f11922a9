"""WhatsApp through Twilio: Twilio's webhook in (form-encoded, signed with X-Twilio-Signature), the
WhatsApp connector's inbox, handler and outbox in the middle, Twilio's Messages API out.

signature (RequestValidator of the twilio library), payload (Twilio's form -> an inbox message),
client (sending through the Messages API with retries).
"""
