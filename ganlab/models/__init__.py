"""Networks as plain ``nn.Module``s, with no training logic inside."""
from ganlab.models.mlp import ACTIVATIONS, MLP, mlp_discriminator, mlp_generator

__all__ = ["ACTIVATIONS", "MLP", "mlp_discriminator", "mlp_generator"]
