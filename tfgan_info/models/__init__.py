"""One module per model; all share `gan.GAN`'s train_step skeleton."""

from tfgan_info.models.gan import GAN
from tfgan_info.models.infogan import InfoGAN

MODELS = {
    "gan": GAN,
    "infogan": InfoGAN,
}
