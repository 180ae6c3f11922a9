"""Webhooks that messaging platforms call (signature-checked)."""
