import time

import tensorflow as tf

from tfgan_info import timing


class TimingTest(tf.test.TestCase):

  def test_call_seconds_and_p50(self):
    calls = []
    fn = lambda: calls.append(time.sleep(0.002))
    times = timing.call_seconds(fn, 5, warmup=2)
    self.assertLen(times, 5)
    self.assertLen(calls, 7)  # the warm-up calls are made, not timed
    for t in times:
      self.assertBetween(t, 0.002, 1.0)
    self.assertBetween(timing.p50_ms(fn, 3, warmup=0), 2.0, 1e3)
    self.assertLen(calls, 10)

  def test_time_windows_wait_for_the_last_step(self):
    steps = []

    def train_fn(iterator):
      steps.append(next(iterator))
      return {"loss": tf.constant(float(len(steps)))}

    windows = timing.time_windows(train_fn, iter(range(100)), steps=3, windows=4)
    self.assertLen(windows, 4)
    self.assertEqual(steps, list(range(12)))
    self.assertTrue(all(w > 0.0 for w in windows))


if __name__ == "__main__":
  tf.test.main()
