"""A tiny byte-level transformer language model, small enough to train in the test suite.

The model is a decoder-only transformer (Vaswani et al., NeurIPS 2017; pre-norm blocks as in
GPT-2, Radford et al. 2019) over bytes (vocabulary 256, no tokenizer to download). Attention's two
products, ``Q K^T`` and ``scores V``, are ``lightwatt.torch.Matmul`` modules, so ``to_photonic``
puts them on a core that loads both operands every cycle (the dot-product engine).

The corpus is text every Debian machine has: the plain-text licences of
``/usr/share/common-licenses`` (base-files; its regular files in sorted order, the symbolic links
that only repeat them left out), about 237 KB. The last ``HOLDOUT_FRACTION`` of its bytes is held
out for evaluation and never seen in training; the ``VALIDATION_FRACTION`` before it is a
validation slice for early stopping, not trained on either.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, List, Optional

# lightwatt.torch first: without PyTorch its ImportError says how to install it.
from .torch import Matmul

import torch
from torch import nn

#: The corpus: the licences Debian's base-files package ships on every Debian machine.
DEFAULT_CORPUS = Path("/usr/share/common-licenses")
#: Bytes: 256 symbols, no tokenizer.
VOCABULARY = 256
#: The last tenth of the corpus is held out for evaluation.
HOLDOUT_FRACTION = 0.1
#: The tenth before it validates (early stopping); training sees neither.
VALIDATION_FRACTION = 0.1


@dataclass
class ModelShape:
    """The model's size: embedding width, layers, heads, context in bytes."""

    width: int = 32
    layers: int = 2
    heads: int = 2
    context: int = 32


@dataclass
class Training:
    """How the model is trained: AdamW (Loshchilov and Hutter, ICLR 2019) over random windows, its
    learning rate falling from ``learning_rate`` to ``final_learning_rate`` along a half cosine
    (Loshchilov and Hutter, SGDR, ICLR 2017), so that the model ends near a minimum rather than
    still improving."""

    steps: int = 2000
    batch: int = 16
    learning_rate: float = 3e-3
    final_learning_rate: float = 1e-4
    seed: int = 1


def cosine_learning_rate(step: int, steps: int, start: float, end: float) -> float:
    """The learning rate of step ``step`` of ``steps``: ``start`` at 0, ``end`` at ``steps``."""
    return end + 0.5 * (start - end) * (1.0 + math.cos(math.pi * step / steps))


class CausalSelfAttention(nn.Module):
    """Multi-head causal self-attention with its products as ``Matmul`` modules."""

    def __init__(self, shape: ModelShape):
        super().__init__()
        self.heads = shape.heads
        self.qkv = nn.Linear(shape.width, 3 * shape.width)
        self.out = nn.Linear(shape.width, shape.width)
        self.scores = Matmul()
        self.mix = Matmul()
        mask = torch.tril(torch.ones(shape.context, shape.context, dtype=torch.bool))
        self.register_buffer("mask", mask, persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch, length, width = x.shape
        head_width = width // self.heads
        q, k, v = self.qkv(x).split(width, dim=-1)

        def split_heads(t: torch.Tensor) -> torch.Tensor:
            return t.reshape(batch, length, self.heads, head_width).transpose(1, 2)

        q, k, v = split_heads(q), split_heads(k), split_heads(v)
        scores = self.scores(q, k.transpose(-1, -2)) / math.sqrt(head_width)
        scores = scores.masked_fill(~self.mask[:length, :length], float("-inf"))
        y = self.mix(torch.softmax(scores, dim=-1), v)
        return self.out(y.transpose(1, 2).reshape(batch, length, width))


class Block(nn.Module):
    """Pre-norm transformer block: attention, then a 4x-wide GELU MLP, each with a residual."""

    def __init__(self, shape: ModelShape):
        super().__init__()
        self.norm1 = nn.LayerNorm(shape.width)
        self.attention = CausalSelfAttention(shape)
        self.norm2 = nn.LayerNorm(shape.width)
        self.mlp = nn.Sequential(nn.Linear(shape.width, 4 * shape.width), nn.GELU(),
                                 nn.Linear(4 * shape.width, shape.width))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attention(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class TinyLM(nn.Module):
    """Byte embedding and learned positions, ``shape.layers`` blocks, a final norm and a linear head."""

    def __init__(self, shape: ModelShape):
        super().__init__()
        self.shape = shape
        self.embed = nn.Embedding(VOCABULARY, shape.width)
        self.position = nn.Embedding(shape.context, shape.width)
        self.blocks = nn.Sequential(*[Block(shape) for _ in range(shape.layers)])
        self.norm = nn.LayerNorm(shape.width)
        self.head = nn.Linear(shape.width, VOCABULARY)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        positions = torch.arange(tokens.shape[1], device=tokens.device)
        x = self.embed(tokens) + self.position(positions)
        return self.head(self.norm(self.blocks(x)))

    def parameter_count(self) -> int:
        return sum(p.numel() for p in self.parameters())


def corpus_files(path: Optional[Path] = None) -> List[Path]:
    """The files the corpus at ``path`` is made of: the file itself, or a folder's regular files
    (not symbolic links, which repeat others) in sorted order."""
    path = Path(path or DEFAULT_CORPUS)
    if not path.is_dir():
        return [path]
    return sorted(f for f in path.iterdir() if f.is_file() and not f.is_symlink())


def read_corpus(path: Optional[Path] = None) -> torch.Tensor:
    """The corpus's bytes (its files one after another, ``corpus_files``) as a long tensor."""
    data = b"".join(f.read_bytes() for f in corpus_files(path))
    return torch.tensor(list(data), dtype=torch.long)


def split_corpus(corpus: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(training bytes, held-out bytes): the held-out part is the corpus's last tenth."""
    cut = int(len(corpus) * (1.0 - HOLDOUT_FRACTION))
    return corpus[:cut], corpus[cut:]


def split_validation(corpus: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(fitted bytes, validation bytes) of the part before the held-out one: the validation slice
    is the ``VALIDATION_FRACTION`` of the corpus just before the held-out part."""
    training, _ = split_corpus(corpus)
    cut = int(len(corpus) * (1.0 - HOLDOUT_FRACTION - VALIDATION_FRACTION))
    return training[:cut], training[cut:]


def evaluation_windows(held_out: torch.Tensor, context: int, windows: int) -> torch.Tensor:
    """The first ``windows`` non-overlapping windows of ``context + 1`` held-out bytes (inputs and
    their next bytes), as a (windows, context + 1) tensor."""
    available = (len(held_out) - 1) // context
    if windows > available:
        raise ValueError(f"evaluation_windows: {windows} windows of {context} bytes asked; allowed: at most "
                         f"{available} in {len(held_out)} held-out bytes")
    starts = torch.arange(windows) * context
    return torch.stack([held_out[s:s + context + 1] for s in starts.tolist()])


def cross_entropy_nats(model: nn.Module, windows: torch.Tensor) -> float:
    """Mean next-byte cross-entropy (nats per byte) of ``model`` over ``windows``."""
    with torch.no_grad():
        logits = model(windows[:, :-1])
        loss = nn.functional.cross_entropy(logits.reshape(-1, VOCABULARY), windows[:, 1:].reshape(-1))
    return float(loss)


def perplexity(model: nn.Module, windows: torch.Tensor) -> float:
    """exp(cross-entropy): the effective number of equally likely next bytes."""
    return math.exp(cross_entropy_nats(model, windows))


def train_steps(model: TinyLM, training: torch.Tensor, steps: int, batch: int, learning_rate: float,
                generator: torch.Generator, optimiser: Optional[torch.optim.Optimizer] = None,
                schedule: Optional[Callable[[int], float]] = None) -> float:
    """``steps`` AdamW steps on random training windows of the model's context drawn from
    ``generator``; the last loss. ``optimiser``: one to continue (its state kept across calls);
    None: a new AdamW at ``learning_rate``. ``schedule``: the learning rate of each step."""
    context = model.shape.context
    if optimiser is None:
        optimiser = torch.optim.AdamW(model.parameters(), lr=learning_rate, weight_decay=0.01)
    loss = torch.tensor(float("nan"))
    model.train()
    for step in range(steps):
        if schedule is not None:
            for group in optimiser.param_groups:
                group["lr"] = schedule(step)
        starts = torch.randint(0, len(training) - context - 1, (batch,), generator=generator)
        windows = torch.stack([training[s:s + context + 1] for s in starts.tolist()])
        logits = model(windows[:, :-1])
        loss = nn.functional.cross_entropy(logits.reshape(-1, VOCABULARY), windows[:, 1:].reshape(-1))
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
    model.eval()
    return float(loss)


def train(shape: ModelShape, training: Training, corpus: torch.Tensor) -> TinyLM:
    """A model of ``shape`` trained on ``corpus`` (the training part), seeded by ``training.seed``
    (initialisation and windows)."""
    torch.manual_seed(training.seed)
    model = TinyLM(shape)
    generator = torch.Generator().manual_seed(training.seed)
    train_steps(model, corpus, training.steps, training.batch, training.learning_rate, generator,
                schedule=lambda step: cosine_learning_rate(step, training.steps, training.learning_rate,
                                                           training.final_learning_rate))
    return model


__all__ = ["DEFAULT_CORPUS", "HOLDOUT_FRACTION", "VALIDATION_FRACTION", "VOCABULARY", "Block", "CausalSelfAttention",
           "ModelShape", "TinyLM", "Training", "corpus_files", "cosine_learning_rate", "cross_entropy_nats", "evaluation_windows", "perplexity",
           "read_corpus", "split_corpus", "split_validation", "train", "train_steps"]
