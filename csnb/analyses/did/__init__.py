"""Staggered difference in differences: one result type, one module per estimator."""
