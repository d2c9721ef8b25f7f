"""The lectures' own mathematics, with no training in it: divergences (KL, JS, Wasserstein-1 exactly
by optimal transport, the JS saturation example) and a convolution written as a matrix."""
