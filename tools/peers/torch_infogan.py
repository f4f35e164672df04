"""The InfoGAN MNIST train step in PyTorch: the peer of tools/benchmark.py --peers.

  pip install -e ".[peers]"   # PyTorch (CPU is enough)
  python3 tools/peers/torch_infogan.py --mode=eager --steps=50   # one timing, for a check

The same networks as tfgan_info/networks/infogan_mnist.py (InfoGAN paper, Table 1 of the
appendix; Keras' default initialisers are not copied: the cost does not depend on the
weights), the same batch (64) and latent layout (62 noise dims, Cat(10), two Unif(-1, 1)
codes), the same losses (non-saturating GAN, L_I with a unit-std Gaussian Q for the
continuous codes) and the same optimizers (Adam, D 2e-4, G+Q 1e-3, beta1 0.5), written as
the usual PyTorch loop: G runs forward once, D steps on the detached batch, then G and Q step
on D's score of the same batch (tfgan_info's --reuse_fakes; its default draws a second
batch for the G step).

Modes: ``eager`` (float32), ``bf16`` (``torch.autocast("cpu", dtype=torch.bfloat16)``),
``compile`` (``torch.compile`` of G and D, float32; compiling the whole step fails on its
two backward passes in torch 2.14); ``eager_fused`` and ``bf16_fused`` are the first two with
``torch.optim.Adam(fused=True)``, PyTorch's one-kernel Adam (its default is the multi-tensor
``foreach`` implementation), as tfgan_info's `optimizers.FusedAdam`.

As a benchmark peer it runs as a child process of tools/benchmark.py: it reads a step count
per line on stdin, runs that many steps on random MNIST-shaped batches in memory, and answers
with the seconds they took (one line), so the parent can alternate its windows with its own.
"""

import argparse
import sys
import time

import torch
from torch import nn
import torch.nn.functional as F

NOISE, CAT, CONT, BATCH, LEAK = 62, 10, 2, 64, 0.1


class Generator(nn.Module):
  """FC1024 BN ReLU - FC 7x7x128 BN ReLU - upconv64 4x4 s2 BN ReLU - upconv1 4x4 s2 tanh."""

  def __init__(self):
    super().__init__()
    self.fc = nn.Sequential(nn.Linear(NOISE + CAT + CONT, 1024, bias=False),
                            nn.BatchNorm1d(1024), nn.ReLU(),
                            nn.Linear(1024, 7 * 7 * 128, bias=False),
                            nn.BatchNorm1d(7 * 7 * 128), nn.ReLU())
    self.conv = nn.Sequential(
        nn.ConvTranspose2d(128, 64, 4, 2, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
        nn.ConvTranspose2d(64, 1, 4, 2, 1), nn.Tanh())

  def forward(self, z):
    return self.conv(self.fc(z).view(-1, 128, 7, 7))


class Discriminator(nn.Module):
  """conv64 4x4 s2 lReLU - conv128 4x4 s2 BN lReLU - FC1024 BN lReLU; D: FC1; Q: FC128 BN
  lReLU FC12."""

  def __init__(self):
    super().__init__()
    self.body = nn.Sequential(
        nn.Conv2d(1, 64, 4, 2, 1), nn.LeakyReLU(LEAK),
        nn.Conv2d(64, 128, 4, 2, 1, bias=False), nn.BatchNorm2d(128), nn.LeakyReLU(LEAK),
        nn.Flatten(), nn.Linear(128 * 7 * 7, 1024, bias=False), nn.BatchNorm1d(1024),
        nn.LeakyReLU(LEAK))
    self.d_head = nn.Linear(1024, 1)
    self.q_head = nn.Sequential(nn.Linear(1024, 128, bias=False), nn.BatchNorm1d(128),
                                nn.LeakyReLU(LEAK), nn.Linear(128, CAT + CONT))

  def forward(self, x):
    h = self.body(x)
    return self.d_head(h), self.q_head(h)


def latents(batch):
  noise = torch.randn(batch, NOISE)
  labels = torch.randint(0, CAT, (batch,))
  cont = torch.rand(batch, CONT) * 2 - 1
  return torch.cat([noise, F.one_hot(labels, CAT).float(), cont], 1), labels, cont


def information_loss(q, labels, cont):
  """-L_I up to the constant H(c): cross-entropy of c1 + 0.1 * squared error / 2 of c2, c3
  (the unit-std Gaussian's log-likelihood), as tfgan_info's lambda_cat 1, lambda_cont 0.1."""
  q = q.float()
  return F.cross_entropy(q[:, :CAT], labels) + 0.1 * 0.5 * ((q[:, CAT:] - cont) ** 2).sum(1).mean()


def make_step(mode: str):
  """() -> None: one train step (D step, then G+Q step) on a random batch held in memory."""
  fused = mode.endswith("_fused")
  mode = mode.removesuffix("_fused")
  g, d = Generator(), Discriminator()
  if mode == "compile":
    g, d = torch.compile(g), torch.compile(d)
  net = getattr(d, "_orig_mod", d)  # the module under torch.compile's wrapper
  d_params = list(net.body.parameters()) + list(net.d_head.parameters())
  g_params = list(g.parameters()) + list(net.q_head.parameters())
  d_opt = torch.optim.Adam(d_params, 2e-4, betas=(0.5, 0.999), fused=fused or None)
  g_opt = torch.optim.Adam(g_params, 1e-3, betas=(0.5, 0.999), fused=fused or None)
  real = torch.rand(BATCH, 1, 28, 28) * 2 - 1
  ones, zeros = torch.ones(BATCH, 1), torch.zeros(BATCH, 1)
  autocast = mode == "bf16"

  def step():
    z, labels, cont = latents(BATCH)
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=autocast):
      fake = g(z)
      real_logits, _ = d(real)
      fake_logits, _ = d(fake.detach())
      d_loss = (F.binary_cross_entropy_with_logits(real_logits.float(), ones)
                + F.binary_cross_entropy_with_logits(fake_logits.float(), zeros))
    d_opt.zero_grad(set_to_none=True)
    d_loss.backward()
    d_opt.step()
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=autocast):
      logits, q = d(fake)
      g_loss = (F.binary_cross_entropy_with_logits(logits.float(), ones)
                + information_loss(q, labels, cont))
    g_opt.zero_grad(set_to_none=True)
    g_loss.backward()
    g_opt.step()

  return step


def main():
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument("--mode", choices=["eager", "bf16", "compile", "eager_fused", "bf16_fused"],
                      default="eager")
  parser.add_argument("--steps", type=int, default=0,
                      help="Time this many steps once and exit (0: serve windows on stdin).")
  parser.add_argument("--threads", type=int, default=0, help="torch threads (0: default).")
  args = parser.parse_args()
  if args.threads:
    torch.set_num_threads(args.threads)
  torch.manual_seed(0)
  step = make_step(args.mode)
  step()  # compilation / first-call costs
  if args.steps:
    start = time.perf_counter()
    for _ in range(args.steps):
      step()
    seconds = time.perf_counter() - start
    print(f"{args.mode}: {args.steps * BATCH / seconds:.0f} images/s ({args.steps} steps)")
    return
  print("ready", flush=True)
  for line in sys.stdin:
    steps = int(line)
    start = time.perf_counter()
    for _ in range(steps):
      step()
    print(time.perf_counter() - start, flush=True)


if __name__ == "__main__":
  main()
