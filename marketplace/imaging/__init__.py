"""Pictures of products: checking, cleaning and resizing uploads (`processing`), and keeping the
files under the hash of their content (`storage`). The use case itself is `marketplace.images`."""
