"""Difference in differences: two-way fixed effects (PanelDiD, PanelEventStudy), Sun-Abraham,
Callaway-Sant'Anna with its doubly robust building blocks, and HonestDiD sensitivity."""
