"""The *Use* section: interpolation, barycenters, k-means, prediction, your data."""
