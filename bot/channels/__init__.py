"""Where customers reach the assistant: the Rasa REST client, WhatsApp."""
