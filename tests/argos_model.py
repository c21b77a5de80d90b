"""A tiny Argos Translate package with random weights, built for tests.

It is a real CTranslate2 Transformer and a real SentencePiece model, so loading, tokenising,
translating and detokenising all run for real; the output is gibberish by design.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np

TEXT = [
    "IFLA publishes the Library Map of the World.",
    "Libraries across Europe report record numbers of visitors.",
    "The European Library Week will take place in May.",
    "Associations are invited to send corrections before January.",
    "Reading clubs, language cafés and digital skills courses.",
] * 20


def build_package(
    folder: Path, source: str = "en", target: str = "lv", *, zipped: bool = True
) -> Path:
    """Write translate-SOURCE_TARGET (an .argosmodel zip, or a folder) into `folder`."""
    import ctranslate2  # noqa: F401 - the optional extra must be present
    import sentencepiece as spm
    from ctranslate2.specs import transformer_spec

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(TEXT),
        model_writer=model,
        vocab_size=64,
        character_coverage=1.0,
        model_type="unigram",
        minloglevel=2,
    )
    processor = spm.SentencePieceProcessor(model_proto=model.getvalue())
    vocabulary = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]

    d, ff, size = 16, 32, len(vocabulary)
    rng = np.random.default_rng(7)

    def w(*shape: int) -> np.ndarray:
        return (rng.standard_normal(shape) * 0.1).astype(np.float32)

    spec = transformer_spec.TransformerSpec.from_config((1, 1), 2)
    encoder, decoder = spec.encoder, spec.decoder
    encoder.embeddings[0].weight = w(size, d)
    decoder.embeddings.weight = w(size, d)
    decoder.projection.weight = w(size, d)
    for norm in (encoder.layer_norm, decoder.layer_norm):
        norm.gamma, norm.beta = np.ones(d, np.float32), np.zeros(d, np.float32)
    for layer in (encoder.layer[0], decoder.layer[0]):
        for norm in (layer.self_attention.layer_norm, layer.ffn.layer_norm):
            norm.gamma, norm.beta = np.ones(d, np.float32), np.zeros(d, np.float32)
        layer.self_attention.linear[0].weight = w(3 * d, d)
        layer.self_attention.linear[1].weight = w(d, d)
        layer.ffn.linear_0.weight = w(ff, d)
        layer.ffn.linear_1.weight = w(d, ff)
    cross = decoder.layer[0].attention
    cross.layer_norm.gamma, cross.layer_norm.beta = np.ones(d, np.float32), np.zeros(d, np.float32)
    cross.linear[0].weight = w(d, d)
    cross.linear[1].weight = w(2 * d, d)
    cross.linear[2].weight = w(d, d)
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    spec.validate()
    spec.optimize(quantization=None)

    name = f"translate-{source}_{target}-0_1"
    root = folder / name
    (root / "model").mkdir(parents=True)
    spec.save(str(root / "model"))
    (root / "sentencepiece.model").write_bytes(model.getvalue())
    (root / "metadata.json").write_text(
        json.dumps(
            {
                "package_version": "0.1",
                "argos_version": "1.9",
                "from_code": source,
                "to_code": target,
                "from_name": source,
                "to_name": target,
                "type": "translate",
            }
        )
    )
    if not zipped:
        return root
    package = folder / f"{name}.argosmodel"
    with zipfile.ZipFile(package, "w") as archive:
        for path in sorted(root.rglob("*")):
            archive.write(path, path.relative_to(folder).as_posix())
    import shutil

    shutil.rmtree(root)
    return package
