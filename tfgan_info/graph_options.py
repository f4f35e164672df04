"""How TensorFlow rewrites the traced training step: gradient sums in a fixed order.

Grappler's memory optimizer (RewriterConfig.memory_optimization, on by default) has a
scheduling pass ("SchedulingPass") that rewrites an AddN of more than two inputs, where its
inputs are live at the graph's estimated memory peak, into AssignAdds on a temporary variable
that run as the inputs arrive. Float addition is not associative, so the sum's round-off then
depends on thread timing: the same step from the same weights gives different weights. A loss
that reads a variable three times builds such an AddN for its gradient; InfoGAN's D step with the
invariance term does (real, generated and transformed batches through D's body), and two
identical runs of it differed in every weight after four steps
(docs/results.md#infogan-on-mnist, "Determinism").
`tf.config.experimental.enable_op_determinism` does not turn the rewrite off in TF 2.21, and
`tf.config.optimizer.set_experimental_options` has no switch for it, so
`sum_gradients_in_graph_order` sets it in the RewriterConfig that function calls run with.
An XLA-compiled step does not pass through Grappler and is deterministic either way.
"""

from tensorflow.core.protobuf import config_pb2
from tensorflow.core.protobuf import rewriter_config_pb2
from tensorflow.python.eager import context


def function_call_config() -> config_pb2.ConfigProto:
  """The ConfigProto that this thread's tf.function calls run with."""
  return config_pb2.ConfigProto.FromString(
      context.context().function_call_options.config_proto_serialized)


def sum_gradients_in_graph_order():
  """Turns Grappler's memory optimizer off for the tf.functions this thread runs from now on
  (they keep every other option of the context); see the module docstring.

  Call it from an entry point before the first training step: a function already traced and
  optimized keeps its graph. A later `tf.config.optimizer` call rebuilds the call options from
  the context and so undoes this.
  """
  config = function_call_config()
  config.graph_options.rewrite_options.memory_optimization = (
      rewriter_config_pb2.RewriterConfig.NO_MEM_OPT)
  context.context().function_call_options.config_proto_serialized = config


def sums_in_graph_order() -> bool:
  """Whether this thread's tf.function calls run without the memory optimizer."""
  return (function_call_config().graph_options.rewrite_options.memory_optimization ==
          rewriter_config_pb2.RewriterConfig.NO_MEM_OPT)
