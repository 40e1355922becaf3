"""MLIP committee: data, model, training, ONNX export (matdisc-potential-v1 contract)."""
