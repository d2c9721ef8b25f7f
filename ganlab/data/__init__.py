"""Data sources: toy 2D distributions (``toy``) and, later, image datasets."""
from ganlab.data.toy import TOY_NAMES, PointCloud, ToyDistribution, get_toy

__all__ = ["TOY_NAMES", "PointCloud", "ToyDistribution", "get_toy"]
