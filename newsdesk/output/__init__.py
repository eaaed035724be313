"""What the build writes: the writer and its atomic swap, feeds, sitemaps, redirects, search."""
