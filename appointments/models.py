"""Branch appointments."""
