"""Color Lab toolkit: k-means color compression and colorization agents."""
