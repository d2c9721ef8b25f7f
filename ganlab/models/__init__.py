"""Networks as plain ``nn.Module``s, with no training logic inside."""
from ganlab.models.dcgan import dcgan_discriminator, dcgan_generator, seed004_discriminator, seed004_generator
from ganlab.models.mlp import ACTIVATIONS, MLP, mlp_discriminator, mlp_generator

__all__ = ["ACTIVATIONS", "MLP", "dcgan_discriminator", "dcgan_generator", "mlp_discriminator", "mlp_generator",
           "seed004_discriminator", "seed004_generator"]
