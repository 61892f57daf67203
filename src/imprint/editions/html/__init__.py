"""What every edition shares: Jinja2 templates from styles/ and the one parsed-tree (lxml)
layer through which rendered HTML is rewritten."""
