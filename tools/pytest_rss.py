"""Memory of the test processes: a pytest plugin that records each test process's RSS, and a
summary of what it recorded.

Record (the README's test command with the plugin; one JSON file per test process)::

  PYTEST_RSS_DIR=/tmp/rss PYTHONPATH=tools python3 -m pytest tests -q -p no:cacheprovider \\
      -n 2 -p pytest_rss

Summarise (peak and final RSS of each process, and the tests after which it grew most)::

  python3 tools/pytest_rss.py /tmp/rss
"""

import json
import os
import resource
import sys

_rows = []


def _rss_mb() -> float:
  with open("/proc/self/statm") as f:
    return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def pytest_runtest_logfinish(nodeid, location):
  """After each test (its teardown included): (test, RSS MB, peak RSS MB so far)."""
  del location
  _rows.append((nodeid, _rss_mb(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def pytest_sessionfinish():
  """At the end of the test run: this process's rows to $PYTEST_RSS_DIR/<worker>.json."""
  folder = os.environ.get("PYTEST_RSS_DIR", "/tmp/pytest_rss")
  os.makedirs(folder, exist_ok=True)
  worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
  if _rows:
    with open(os.path.join(folder, f"{worker}.json"), "w") as f:
      json.dump(_rows, f)


def summary(folder: str, top: int = 5) -> str:
  """Per recorded process: tests, peak and final RSS, and the ``top`` largest rises."""
  lines = []
  for name in sorted(f for f in os.listdir(folder) if f.endswith(".json")):
    with open(os.path.join(folder, name)) as f:
      rows = json.load(f)
    lines.append(f"{name[:-5]}: {len(rows)} tests, peak RSS {max(r[2] for r in rows):.0f} MB, "
                 f"at the end {rows[-1][1]:.0f} MB")
    rises = sorted(((b[1] - a[1], b[0]) for a, b in zip(rows, rows[1:])), reverse=True)
    lines += [f"  +{mb:.0f} MB after {test}" for mb, test in rises[:top]]
  return "\n".join(lines)


if __name__ == "__main__":
  if len(sys.argv) != 2:
    sys.exit("usage: python3 tools/pytest_rss.py FOLDER (the plugin's PYTEST_RSS_DIR)")
  print(summary(sys.argv[1]))
