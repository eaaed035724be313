"""Article bodies: Markdown to HTML, their links, and the Python-Markdown shortcuts."""
