import keras
import numpy as np
import tensorflow as tf

from tests.models.infogan_test import batches, loss_of
from tfgan_info import latents
from tfgan_info.models import ALI, GAN
from tfgan_info.models import ali
from tfgan_info.networks import dcgan
from tfgan_info.networks import joint


def make_ali(seed=0, noise_dim=8):
  keras.utils.set_random_seed(seed)
  shape = (28, 28, 1)
  model = ALI(dcgan.build_generator(noise_dim, shape, width=8),
              joint.build_joint_discriminator(shape, noise_dim, width=8),
              latents.LatentSpec("", noise_dim),
              encoder=dcgan.build_encoder(shape, noise_dim, width=8, unit_norm=False), seed=seed)
  model.compile(keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5),
                jit_compile=False)
  model.build_optimizers()
  return model


def values(variables):
  return [v.numpy().copy() for v in variables]


class ALITest(tf.test.TestCase):

  def test_inverted_pair_loss(self):
    real, fake = np.array([[0.0], [2.0]]), np.array([[1.0], [-1.0]])
    softplus = lambda t: np.log1p(np.exp(t))
    self.assertAllClose(ali.inverted_pair_loss(real, fake),
                        softplus(-fake[:, 0]) + softplus(real[:, 0]))

  def test_d_scores_pairs_and_g_with_e_fools_it_from_both_sides(self):
    model = make_ali()
    data = next(iter(batches(8)))
    noise, codes = model.sample_latents(8)
    fake = model.generate(noise, codes, training=True)
    d_loss, d_report = loss_of(model, "d", data, noise, codes, fake)
    g_loss, _ = loss_of(model, "g", data, noise, codes, fake)
    real_logits, _ = model.discriminator(data["image"], model.encode(data["image"],
                                                                     training=True), training=True)
    fake_logits, _ = model.discriminator(fake, noise, training=True)
    softplus = lambda t: np.log1p(np.exp(t))
    self.assertAllClose(d_loss, softplus(-real_logits[:, 0]) + softplus(fake_logits[:, 0]),
                        rtol=1e-4, atol=1e-5)
    self.assertAllClose(g_loss, softplus(-fake_logits[:, 0]) + softplus(real_logits[:, 0]),
                        rtol=1e-4, atol=1e-5)
    self.assertEqual(d_report["d_real"].shape, (8,))

  def test_each_step_moves_its_side(self):
    model = make_ali()
    data = next(iter(batches(8)))
    nets = {"g": model.generator, "e": model.encoder, "d": model.discriminator}
    for step, moving in (("d", {"d"}), ("g", {"g", "e"})):
      before = {k: values(n.trainable_variables) for k, n in nets.items()}
      model._step(data, step)  # pylint: disable=protected-access
      for k, net in nets.items():
        changed = [not np.array_equal(a, b.numpy())
                   for a, b in zip(before[k], net.trainable_variables)]
        self.assertEqual(all(changed), k in moving, (step, k))
        self.assertEqual(any(changed), k in moving, (step, k))
    self.assertIs(ALI.train_step, GAN.train_step)

  def test_serves_encode_and_reconstruct(self):
    model = make_ali()
    images = next(iter(batches(8)))["image"]
    signatures = model.serving_signatures()
    self.assertContainsSubset({"generate", "sample", "encode", "reconstruct"}, signatures)
    self.assertEqual(signatures["encode"](images)["codes"].shape, (8, 8))
    self.assertEqual(signatures["reconstruct"](images)["images"].shape, (8, 28, 28, 1))
    grids = model.image_grids(real_images=images.numpy())
    self.assertIn("reconstructions", grids)

  def test_refuses_codes(self):
    with self.assertRaisesRegex(ValueError, "latent is z alone"):
      ALI(dcgan.build_generator(12, (28, 28, 1), width=8),
          joint.build_joint_discriminator((28, 28, 1), 8, width=8),
          latents.LatentSpec("cat:4", 8),
          encoder=dcgan.build_encoder((28, 28, 1), 8, width=8, unit_norm=False))


if __name__ == "__main__":
  tf.test.main()
