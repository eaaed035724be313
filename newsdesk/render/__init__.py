"""Pages made from views: the one Jinja environment, article and list views, cards, structured data."""
