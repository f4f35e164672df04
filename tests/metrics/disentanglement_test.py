import tensorflow as tf

from tests.metrics import disentanglement_testutil as dt
from tfgan_info import metrics
from tfgan_info.data.ground_truth import IdentityObservations


class DisentanglementTest(tf.test.TestCase):

  def test_all_metrics_of_the_identity(self):
    results = metrics.compute_disentanglement(dt.identity, IdentityObservations((4,) * 3),
                                              seed=0, num_train=300, num_eval=200)
    self.assertCountEqual(results, ["mig", "factor_vae", "dci", "sap", "beta_vae",
                                  "factor_vae_infogan_cr", "seconds"])
    self.assertBetween(results["mig"]["discrete_mig"], 0.9, 1.0)
    self.assertBetween(results["factor_vae"]["eval_accuracy"], 0.9, 1.0)
    self.assertBetween(results["dci"]["disentanglement"], 0.9, 1.0)
    self.assertBetween(results["beta_vae"]["eval_accuracy"], 0.9, 1.0)
    self.assertGreater(results["sap"]["SAP_score"], 0.2)
    self.assertCountEqual(results["seconds"], ["mig", "factor_vae", "dci", "sap", "beta_vae",
                                              "factor_vae_infogan_cr"])


if __name__ == "__main__":
  tf.test.main()
