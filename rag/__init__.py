"""Vietnamese RAG over news articles. Importing this loads no model and no heavy library."""

__version__ = "0.1.0"
