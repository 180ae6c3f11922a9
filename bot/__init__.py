"""Daleel: routes a customer's message to the smart channel of a Dubai government service."""
