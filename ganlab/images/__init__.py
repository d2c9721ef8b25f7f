"""The image wing: MNIST / Fashion / StackedMNIST data, ``ImageConfig`` and experiments, the live
run, image presets, the metric classifiers and evaluation, pretrained generators and the latent
space. Built on ``ganlab.training`` and ``ganlab.models``; never imports the toy wing."""
