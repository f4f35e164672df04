"""Evaluation metrics, one per module: public compute_x(...) -> dict over a NumPy core."""

from tfgan_info.metrics.matched_accuracy import compute_matched_accuracy, matched_accuracy
