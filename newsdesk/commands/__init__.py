"""The commands beside build: serve and watch, new, wire import."""
