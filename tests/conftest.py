import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Two logical CPUs, configured before TensorFlow initializes its devices (it cannot be changed
# afterwards), so MirroredStrategy tests have two replicas on this CPU-only machine. Ops
# without a strategy still run on /CPU:0 as before.
import tensorflow as tf  # pylint: disable=g-import-not-at-top,wrong-import-position

tf.config.set_logical_device_configuration(
    tf.config.list_physical_devices("CPU")[0],
    [tf.config.LogicalDeviceConfiguration()] * 2)
