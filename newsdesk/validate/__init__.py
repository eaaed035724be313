"""Checks across articles that loading one alone cannot make: unpublished stories, lead images."""
