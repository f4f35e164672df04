"""Checked restores: a checkpoint is read only after every file and value of it reads back;
unreadable ones are moved aside (kept) and the run falls back to the newest readable one."""

import os

import numpy as np
import tensorflow as tf

from tfgan_info import checkpoints


def damage(prefix: str, how: str):
  """Damages checkpoint ``prefix`` as a bad copy or a failing disk would: "truncate" its
  data shard to 1,000 bytes, "flip" a byte in the middle of it, or "delete" its index or
  "delete_shard"."""
  shard = tf.io.gfile.glob(prefix + ".data-*")[0]
  if how == "truncate":
    with open(shard, "r+b") as f:
      f.truncate(1000)
  elif how == "flip":
    with open(shard, "r+b") as f:
      f.seek(os.path.getsize(shard) // 2)
      byte = f.read(1)
      f.seek(-1, os.SEEK_CUR)
      f.write(bytes([byte[0] ^ 0xFF]))
  elif how == "delete":
    os.remove(prefix + ".index")
  elif how == "delete_shard":
    os.remove(shard)


class CheckpointsTest(tf.test.TestCase):

  def setUp(self):
    super().setUp()
    self.dir = os.path.join(self.get_temp_dir(), "checkpoints")
    self.value = tf.Variable(np.zeros([4096], np.float32))
    self.manager = tf.train.CheckpointManager(tf.train.Checkpoint(v=self.value), self.dir,
                                              max_to_keep=3)
    for step in (10, 20, 30):
      self.value.assign(tf.fill([4096], float(step)))
      self.manager.save(checkpoint_number=step)

  def prefix(self, step):
    return os.path.join(self.dir, f"ckpt-{step}")

  def test_intact_checkpoints_are_readable_and_listed_oldest_first(self):
    self.assertEqual(checkpoints.listed(self.dir), [self.prefix(s) for s in (10, 20, 30)])
    for step in (10, 20, 30):
      self.assertEqual(checkpoints.unreadable(self.prefix(step)), "")
    self.assertEqual(checkpoints.resume_point(self.dir), (self.prefix(30), None))

  def test_each_kind_of_damage_is_found_and_names_the_file(self):
    shard = f"{self.prefix(30)}.data-00000-of-00001"
    for how, pattern in (("truncate", f"{shard} cannot be read: "),
                         ("flip", f"{shard} cannot be read: "),
                         ("delete_shard", f"{shard} is missing"),
                         ("delete", f"{self.prefix(30)}.index is missing")):
      with self.subTest(how):
        self.setUp()
        damage(self.prefix(30), how)
        self.assertStartsWith(checkpoints.unreadable(self.prefix(30)), pattern)

  def test_resume_moves_unreadable_newest_aside_and_falls_back(self):
    damage(self.prefix(30), "truncate")
    damage(self.prefix(20), "flip")
    prefix, line = checkpoints.resume_point(self.dir)
    self.assertEqual(prefix, self.prefix(10))
    self.assertRegex(line, r"^Moved unreadable checkpoint ckpt-30, ckpt-20 to .*/unreadable/ "
                     r"\(.*ckpt-30.data-00000-of-00001 cannot be read: .*\); resuming from "
                     r"ckpt-10$")
    # Kept, not deleted; the list names what is left, so a new manager resumes there.
    aside = os.path.join(self.dir, checkpoints.UNREADABLE_DIR)
    self.assertCountEqual(os.listdir(aside), ["ckpt-30", "ckpt-20"])
    self.assertCountEqual(os.listdir(os.path.join(aside, "ckpt-30")),
                          ["ckpt-30.index", "ckpt-30.data-00000-of-00001"])
    self.assertEqual(checkpoints.listed(self.dir), [self.prefix(10)])
    self.assertEqual(tf.train.latest_checkpoint(self.dir), self.prefix(10))
    tf.train.Checkpoint(v=self.value).restore(prefix).assert_existing_objects_matched()
    self.assertAllEqual(self.value, np.full([4096], 10.0))
    # The manager still deletes old checkpoints in turn (their timestamps were kept).
    manager = tf.train.CheckpointManager(tf.train.Checkpoint(v=self.value), self.dir,
                                         max_to_keep=2)
    for step in (40, 50):
      manager.save(checkpoint_number=step)
    self.assertFalse(tf.io.gfile.exists(self.prefix(10) + ".index"))
    # A second unreadable ckpt-30 goes beside the first.
    manager.save(checkpoint_number=30)
    damage(self.prefix(30), "truncate")
    checkpoints.resume_point(self.dir)
    self.assertCountEqual(os.listdir(aside), ["ckpt-30", "ckpt-30.2", "ckpt-20"])

  def test_none_readable_is_one_error_naming_the_file_and_moves_nothing(self):
    for step in (10, 20, 30):
      damage(self.prefix(step), "truncate")
    with self.assertRaisesRegex(
        checkpoints.UnreadableCheckpointError,
        r"^No readable checkpoint in .*: .*ckpt-30.data-00000-of-00001 cannot be read: "):
      checkpoints.resume_point(self.dir)
    self.assertEqual(len(checkpoints.listed(self.dir)), 3)
    self.assertFalse(os.path.exists(os.path.join(self.dir, checkpoints.UNREADABLE_DIR)))

  def test_a_lost_list_file_falls_back_to_the_files(self):
    os.remove(os.path.join(self.dir, "checkpoint"))
    damage(self.prefix(30), "delete")
    self.assertEqual(checkpoints.listed(self.dir), [self.prefix(s) for s in (10, 20, 30)])
    prefix, line = checkpoints.resume_point(self.dir)
    self.assertEqual(prefix, self.prefix(20))
    self.assertIn("ckpt-30.index is missing", line)

  def test_files_no_list_names_are_moved_aside_and_the_run_starts_over(self):
    # A save that never completed (no "checkpoint" file lists it) and cannot be read.
    os.remove(os.path.join(self.dir, "checkpoint"))
    for step in (10, 20, 30):
      damage(self.prefix(step), "truncate")
    prefix, line = checkpoints.resume_point(self.dir)
    self.assertIsNone(prefix)
    self.assertRegex(line, r"^Moved unreadable checkpoint ckpt-30, ckpt-20, ckpt-10 to .*; no "
                     r"complete checkpoint: starting at step 0$")
    self.assertEqual(checkpoints.listed(self.dir), [])

  def test_a_corrupt_index_is_named(self):
    with open(self.prefix(30) + ".index", "r+b") as f:
      f.truncate(20)
    self.assertStartsWith(checkpoints.unreadable(self.prefix(30)),
                          f"{self.prefix(30)}.index cannot be read: ")

  def test_init_source_passes_over_unreadable_without_moving(self):
    damage(self.prefix(30), "truncate")
    prefix, note = checkpoints.init_source(self.dir)
    self.assertEqual(prefix, self.prefix(20))
    self.assertRegex(note, r"^--init_from: passed over unreadable ckpt-30 \(.*\); using ckpt-20$")
    self.assertEqual(len(checkpoints.listed(self.dir)), 3)  # another run's folder: untouched
    with self.assertRaisesRegex(checkpoints.UnreadableCheckpointError,
                                r"^--init_from=.*ckpt-30: .*ckpt-30.data-00000-of-00001 "):
      checkpoints.init_source(self.prefix(30))
    self.assertEqual(checkpoints.init_source(self.prefix(10)), (self.prefix(10), None))

  def test_init_from_refuses_a_source_without_the_global_step(self):
    # An earlier package's checkpoint holds the weights but no step counter: a run started
    # from it would count its steps from 0.
    def model(with_step):
      m = tf.Module()
      m.w = tf.Variable(np.ones([3], np.float32))
      if with_step:
        m.global_step = tf.Variable(7, dtype=tf.int64)
      return m
    old = tf.train.Checkpoint(model=model(False)).write(os.path.join(self.get_temp_dir(), "old"))
    new = tf.train.Checkpoint(model=model(True)).write(os.path.join(self.get_temp_dir(), "new"))
    target = tf.train.Checkpoint(model=model(True))
    with self.assertRaisesRegex(ValueError, r"--init_from: .*old was written by an earlier "
                                r"tfgan_info \(it holds no global step"):
      checkpoints.init_from(target, old)
    self.assertEqual(checkpoints.init_from(target, new), ([], []))
    self.assertEqual(int(target.model.global_step), 7)

  def test_remove_unlisted_removes_a_failed_saves_files_only(self):
    partial = self.prefix(40)
    for suffix in (".index", ".data-00000-of-00001"):
      with open(partial + suffix, "w") as f:
        f.write("half")
    os.makedirs(partial + "_temp")
    self.assertLen(checkpoints.remove_unlisted(self.dir, 40), 3)
    self.assertEqual(checkpoints.remove_unlisted(self.dir, 30), [])  # listed: kept
    self.assertEqual(checkpoints.unreadable(self.prefix(30)), "")
    self.assertCountEqual(os.listdir(self.dir), [
        "checkpoint", *[f"ckpt-{s}{x}" for s in (10, 20, 30)
                        for x in (".index", ".data-00000-of-00001")]])


if __name__ == "__main__":
  tf.test.main()
