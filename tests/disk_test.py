"""Full-disk errors: recognised from Python and from TensorFlow, one line, others unchanged."""

import errno

import tensorflow as tf

from tfgan_info import disk


class DiskTest(tf.test.TestCase):

  def test_recognises_full_disks_and_quotas_only(self):
    full = [OSError(errno.ENOSPC, "No space left on device"),
            OSError(errno.EDQUOT, "Disk quota exceeded"),
            tf.errors.ResourceExhaustedError(None, None, "x; No space left on device [Op:SaveV2]"),
            tf.errors.UnknownError(None, None, "events.out: Disk quota exceeded")]
    for error in full:
      self.assertTrue(disk.is_disk_full(error), error)
    for error in (OSError(errno.EACCES, "Permission denied"), ValueError("No space left"),
                  tf.errors.NotFoundError(None, None, "missing")):
      self.assertFalse(disk.is_disk_full(error), error)

  def test_writing_names_the_write_and_passes_other_errors(self):
    with self.assertRaisesRegex(disk.DiskFullError,
                                r"^No space left on device writing checkpoint 6 to /run/c$"):
      with disk.writing("checkpoint 6", "/run/c"):
        raise tf.errors.ResourceExhaustedError(None, None, "No space left on device")
    with self.assertRaises(PermissionError):
      with disk.writing("checkpoint 6", "/run/c"):
        raise PermissionError(errno.EACCES, "Permission denied")
    error = disk.DiskFullError("a", "b", "; more")
    self.assertEqual(str(error), "No space left on device writing a to b; more")
    self.assertEqual(error.errno, errno.ENOSPC)
    with self.assertRaises(disk.DiskFullError) as raised:  # an inner one is kept as it is
      with disk.writing("outer", "/x"):
        raise error
    self.assertIs(raised.exception, error)


if __name__ == "__main__":
  tf.test.main()
