"""Reading a site: its source files, their front matter, the settings, and the articles made of them."""
