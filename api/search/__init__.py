"""`search`: Chinese full-text search over the offers a viewer could buy, with facets."""
