"""Evaluation metrics, one per module: public compute_x(...) -> dict over a NumPy core."""

from tfgan_info.metrics.beta_vae import compute_beta_vae
from tfgan_info.metrics.conditional_accuracy import compute_conditional_accuracy
from tfgan_info.metrics.dci import compute_dci
from tfgan_info.metrics.disentanglement import compute_disentanglement
from tfgan_info.metrics.factor_vae import compute_factor_vae
from tfgan_info.metrics.fid import compute_fid
from tfgan_info.metrics.inception_score import compute_inception_score
from tfgan_info.metrics.linear_probe import compute_linear_probe
from tfgan_info.metrics.matched_accuracy import (compute_accuracy, compute_matched_accuracy,
                                                 matched_accuracy)
from tfgan_info.metrics.mig import compute_mig
from tfgan_info.metrics.model_centrality import compute_cross_score, compute_model_centrality
from tfgan_info.metrics.reconstruction import compute_reconstruction
from tfgan_info.metrics.sample_quality import compute_sample_quality
from tfgan_info.metrics.sap import compute_sap
from tfgan_info.metrics.stroke_factors import compute_stroke_factors
from tfgan_info.metrics.translation import compute_translation
