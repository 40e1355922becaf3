"""Training and ONNX export for matdisc models (PyTorch). Run as `python -m matdisc_training`."""

__version__ = "0.1.0"
