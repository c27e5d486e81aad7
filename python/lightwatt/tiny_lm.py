"""A tiny byte-level transformer language model, small enough to train in the test suite.

The model is a decoder-only transformer (Vaswani et al., NeurIPS 2017; pre-norm blocks as in
GPT-2, Radford et al. 2019) over bytes (vocabulary 256, no tokenizer to download). Attention's two
products, ``Q K^T`` and ``scores V``, are ``lightwatt.torch.Matmul`` modules, so ``to_photonic``
puts them on a core that loads both operands every cycle (the dot-product engine).

The corpus is text every Debian machine has: the plain-text licences of
``/usr/share/common-licenses`` (base-files; its regular files in sorted order, the symbolic links
that only repeat them left out), about 237 KB. Each file is split alike: its last
``HOLDOUT_FRACTION`` of bytes is held out for evaluation and never seen in training, the
``VALIDATION_FRACTION`` before it is a validation slice for early stopping, not trained on either,
and the rest trains. Split per file, every licence is in all three parts (the corpus's last tenth
alone would hold out one or two licences only).
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
#: The last tenth of each file is held out for evaluation.
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
    return torch.cat([_bytes_of(f) for f in corpus_files(path)])


def _bytes_of(file: Path) -> torch.Tensor:
    return torch.tensor(list(file.read_bytes()), dtype=torch.long)


@dataclass
class CorpusSplit:
    """The corpus split three ways, none sharing a byte: training, validation (early stopping) and
    held-out (evaluation) bytes, each the files' parts one after another."""

    training: torch.Tensor
    validation: torch.Tensor
    held_out: torch.Tensor


def split_bytes(data: torch.Tensor) -> CorpusSplit:
    """One file's bytes split: the first 1 - VALIDATION_FRACTION - HOLDOUT_FRACTION train, the next
    VALIDATION_FRACTION validate, the last HOLDOUT_FRACTION are held out (cuts rounded down)."""
    n = len(data)
    training_end = int(n * (1.0 - HOLDOUT_FRACTION - VALIDATION_FRACTION))
    validation_end = int(n * (1.0 - HOLDOUT_FRACTION))
    return CorpusSplit(data[:training_end], data[training_end:validation_end], data[validation_end:])


def split_corpus(path: Optional[Path] = None) -> CorpusSplit:
    """The corpus at ``path`` split file by file (``split_bytes``), the parts joined in file order."""
    parts = [split_bytes(_bytes_of(f)) for f in corpus_files(path)]
    return CorpusSplit(*(torch.cat([getattr(p, part) for p in parts]) for part in ("training", "validation", "held_out")))


def evaluation_windows(held_out: torch.Tensor, context: int, windows: Optional[int] = None) -> torch.Tensor:
    """The first ``windows`` non-overlapping windows of ``context + 1`` held-out bytes (inputs and
    their next bytes; None: every one that fits), as a (windows, context + 1) tensor."""
    available = (len(held_out) - 1) // context
    if windows is None:
        windows = available
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


def random_windows(data: torch.Tensor, context: int, count: int, generator: torch.Generator) -> torch.Tensor:
    """``count`` windows of ``context + 1`` bytes starting at random places of ``data``, drawn from
    ``generator``, as a (count, context + 1) tensor."""
    starts = torch.randint(0, len(data) - context - 1, (count,), generator=generator)
    return torch.stack([data[s:s + context + 1] for s in starts.tolist()])


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
        windows = random_windows(training, context, batch, generator)
        logits = model(windows[:, :-1])
        loss = nn.functional.cross_entropy(logits.reshape(-1, VOCABULARY), windows[:, 1:].reshape(-1))
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
    model.eval()
    return float(loss)


def distil_steps(student: nn.Module, teacher: nn.Module, training: torch.Tensor, context: int, steps: int, batch: int,
                 generator: torch.Generator, optimiser: torch.optim.Optimizer,
                 after_step: Optional[Callable[[], None]] = None) -> float:
    """``steps`` steps of knowledge distillation (Hinton et al., arXiv:1503.02531, at temperature 1):
    the student's loss is KL(teacher || student) of the next-byte distributions on random training
    windows, the teacher fixed. On a core, the teacher is the float model and the student its copy
    on the core, so the student learns to give the float model's answers through the core's errors
    rather than to fit the bytes again. ``after_step``: called after each optimiser step (to keep
    parameters in range). The last loss."""
    loss = torch.tensor(float("nan"))
    student.train()
    for _ in range(steps):
        windows = random_windows(training, context, batch, generator)[:, :-1]
        with torch.no_grad():
            target = nn.functional.log_softmax(teacher(windows).reshape(-1, VOCABULARY), -1)
        predicted = nn.functional.log_softmax(student(windows).reshape(-1, VOCABULARY), -1)
        loss = nn.functional.kl_div(predicted, target, log_target=True, reduction="batchmean")
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
        if after_step is not None:
            after_step()
    student.eval()
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
           "CorpusSplit", "ModelShape", "TinyLM", "Training", "corpus_files", "cosine_learning_rate", "cross_entropy_nats",
           "distil_steps", "evaluation_windows", "perplexity", "random_windows", "read_corpus", "split_bytes", "split_corpus",
           "train", "train_steps"]
