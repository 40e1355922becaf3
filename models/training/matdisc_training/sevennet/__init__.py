"""SevenNet-0 (sevenn package) behind the matdisc-potential-v1 ONNX contract: wrapper, export, mlearn errors."""
