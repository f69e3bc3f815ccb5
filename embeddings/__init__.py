"""Embedding backends and model provisioning. Importing this pulls in no torch."""
