"""The evaluation set and its runner."""
