"""Synthetic control and its relatives: the SC model, its weight engine and quadratic
programme, inference (placebos, conformal), the robustness grid, synthetic DiD and
augmented (ridge) SC."""
