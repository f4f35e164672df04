"""The five disentanglement metrics against disentanglement_lib's own code, run here.

Needs ``pip install --no-deps disentanglement-lib==1.5 gin-config==0.3.0`` (as .ci/run
does; without --no-deps pip refuses, as disentanglement-lib pins TensorFlow Probability 0.7),
and is skipped without it. disentanglement_lib's metric modules import ``gin.tf`` only for
``gin.configurable``; TF 2 has no ``tf.estimator`` for gin-config 0.3.0's ``gin.tf``, so the
plain ``gin`` module stands in for it.
"""

import sys
import unittest

import numpy as np
import tensorflow as tf

from tests.metrics import disentanglement_testutil as dt
from tfgan_info.metrics import beta_vae, dci, factor_vae, mig, sap

try:
  import gin  # pylint: disable=g-import-not-at-top
  sys.modules.setdefault("gin.tf", gin)
  from disentanglement_lib.evaluation.metrics import beta_vae as ref_beta_vae  # pylint: disable=g-import-not-at-top
  from disentanglement_lib.evaluation.metrics import dci as ref_dci  # pylint: disable=g-import-not-at-top
  from disentanglement_lib.evaluation.metrics import factor_vae as ref_factor_vae  # pylint: disable=g-import-not-at-top
  from disentanglement_lib.evaluation.metrics import mig as ref_mig  # pylint: disable=g-import-not-at-top
  from disentanglement_lib.evaluation.metrics import sap_score as ref_sap  # pylint: disable=g-import-not-at-top
  from disentanglement_lib.evaluation.metrics import utils as ref_utils  # pylint: disable=g-import-not-at-top
  HAVE_REFERENCE = True
except ImportError:  # the optional extra is not installed
  HAVE_REFERENCE = False

# A representation that mixes the factors (so no metric is at its ceiling) and one code of
# pure noise drawn from the metric's random state through the observations.
_MIX = dt.rs(11).randn(3, 4)


def mixed(observations):
  return np.asarray(observations, np.float64) @ _MIX


@unittest.skipUnless(HAVE_REFERENCE, "disentanglement-lib is not installed (optional extra)")
class AgainstDisentanglementLibTest(tf.test.TestCase):

  def setUp(self):
    super().setUp()
    gin.clear_config()
    gin.bind_parameter("discretizer.discretizer_fn", ref_utils._histogram_discretize)  # pylint: disable=protected-access
    gin.bind_parameter("discretizer.num_bins", 20)

  def test_mig(self):
    ours = mig.compute_mig(mixed, dt.NOISY, dt.rs(1), num_train=300)
    ref = ref_mig.compute_mig(dt.NOISY, mixed, dt.rs(1), num_train=300, batch_size=16)
    self.assertEqual(ours["discrete_mig"], ref["discrete_mig"])

  def test_factor_vae(self):
    kw = dict(batch_size=16, num_train=200, num_eval=100, num_variance_estimate=300)
    ours = factor_vae.compute_factor_vae(mixed, dt.NOISY, dt.rs(2), **kw)
    ref = ref_factor_vae.compute_factor_vae(dt.NOISY, mixed, dt.rs(2), None, **kw)
    self.assertEqual((ours["train_accuracy"], ours["eval_accuracy"]),
                     (ref["train_accuracy"], ref["eval_accuracy"]))

  def test_dci(self):
    # Both fit GradientBoostingClassifier() without a random_state: its trees break ties
    # between equally good splits with NumPy's global generator, seeded alike here.
    np.random.seed(0)
    ours = dci.compute_dci(mixed, dt.NOISY, dt.rs(3), num_train=200, num_test=100)
    np.random.seed(0)
    ref = ref_dci.compute_dci(dt.NOISY, mixed, dt.rs(3), None, num_train=200, num_test=100)
    for key in ("disentanglement", "completeness", "informativeness_train",
                "informativeness_test"):
      self.assertEqual(ours[key], ref[key], key)

  def test_sap(self):
    ours = sap.compute_sap(mixed, dt.NOISY, dt.rs(4), num_train=200, num_test=100)
    ref = ref_sap.compute_sap(dt.NOISY, mixed, dt.rs(4), None, num_train=200, num_test=100,
                              continuous_factors=False)
    self.assertEqual(ours["SAP_score"], ref["SAP_score"])

  def test_beta_vae(self):
    kw = dict(batch_size=16, num_train=200, num_eval=100)
    ours = beta_vae.compute_beta_vae(mixed, dt.NOISY, dt.rs(5), **kw)
    ref = ref_beta_vae.compute_beta_vae_sklearn(dt.NOISY, mixed, dt.rs(5), None, **kw)
    self.assertEqual((ours["train_accuracy"], ours["eval_accuracy"]),
                     (ref["train_accuracy"], ref["eval_accuracy"]))


if __name__ == "__main__":
  tf.test.main()
