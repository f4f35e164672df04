"""The traced step sums its gradients in a fixed order: the same run twice, the same weights."""

import numpy as np
import tensorflow as tf
from tensorflow.core.protobuf import rewriter_config_pb2
from tensorflow.python.eager import context

from tests.models import infogan_test
from tfgan_info import graph_options


class GraphOptionsTest(tf.test.TestCase):

  def setUp(self):
    super().setUp()
    self._saved = graph_options.function_call_config()

  def tearDown(self):
    context.context().function_call_options.config_proto_serialized = self._saved
    super().tearDown()

  def test_only_the_memory_optimizer_changes(self):
    before = graph_options.function_call_config()
    graph_options.sum_gradients_in_graph_order()
    self.assertTrue(graph_options.sums_in_graph_order())
    after = graph_options.function_call_config()
    self.assertEqual(after.graph_options.rewrite_options.memory_optimization,
                     rewriter_config_pb2.RewriterConfig.NO_MEM_OPT)
    before.graph_options.rewrite_options.memory_optimization = (
        rewriter_config_pb2.RewriterConfig.NO_MEM_OPT)
    self.assertEqual(after, before)  # soft placement, device counts, threads: as they were

  def test_three_reads_of_a_variable_train_the_same_twice(self):
    # InfoGAN's D step with the invariance term passes three batches through D's body (real,
    # generated, transformed), so each body weight's gradient is an AddN of three. Without
    # the option the two fits below differed in all 26 trainable variables in every trial
    # (graph_options' docstring); with it they are bit-identical.
    graph_options.sum_gradients_in_graph_order()

    def fit():
      model = infogan_test.make_model(seed=0, q_step="d", lambda_iic=1.0, lambda_cont=1.0)
      model.fit(infogan_test.batches(32), epochs=1, verbose=0)
      return [v.numpy() for v in model.trainable_variables]
    first, second = fit(), fit()
    self.assertLen(first, 26)
    for a, b in zip(first, second):
      np.testing.assert_array_equal(a, b)


if __name__ == "__main__":
  tf.test.main()
