"""What training and the runtime backends share: the device a model runs on (`devices`), all-MiniLM-L6-v2 as a
classifier with its LoRA adapters (`checkpoints`), what the models read (`encoding`), the risk model's levels
(`levels`), how the emotion model's scores become a reading whatever runs it (`emotion`), and its ONNX file
(`onnx_export`). Backends and trainers both import from here; backends never import the training code."""
