"""lightwatt.torch: the photonic MAC emulator inside PyTorch models.

``PhotonicLinear`` is an ``nn.Linear`` whose product runs through a photonic core of the catalog
(the C++ emulator, docs/models/photonic-mac.md): weights as the core implements them, inputs
through its DACs and modulators, shot, thermal and RIN noise from the laser power, ADC
quantisation of every partial sum. The bias is added digitally afterwards. ``PhotonicMatmul`` does
the same for a product of two activations (attention's ``Q K^T`` and ``scores V``); only a core
whose weights are loaded every cycle (the dot-product engine) runs those. ``to_photonic(model)``
converts a model's layers.

Training: the backward pass is straight-through, the gradient of the clean product, with the
noise injected in the forward pass, as hardware-aware training does (Joshi et al., Nat. Commun.
11, 2473 (2020); Rasch et al., Nat. Commun. 14, 5282 (2023)).

Converter ranges: ``learn_input_range=True`` clamps each layer's core inputs to a learned range
[-alpha, alpha] (PACT, Choi et al., arXiv:1805.06085; LSQ, Esser et al., arXiv:1902.08153; as IBM's
aihwkit learns input ranges), set from data by ``init_input_ranges``; ``calibrate_adc_ranges``
chooses each layer's ADC full scale (``adc_clip_sigmas``) on given batches.

Energy: each photonic layer keeps ``last_energy``, the energy of its last forward pass by part
(the emulator's pJ/MAC by part times the MACs of that product); ``energy_meter()`` sums every
photonic product run inside it.

Determinism: a layer's forward pass number i draws its noise from the seed
``seed + i * _SEED_STRIDE`` (mod 2^63), so each pass sees fresh noise and the same seed gives the
same sequence; ``reset_noise()`` starts it again.

PyTorch is optional for the rest of the package; importing this module without it raises an
ImportError that says how to install it.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, Iterator, List, Optional

try:
    import torch
    from torch import nn
except ImportError as e:  # pragma: no cover - depends on the environment
    raise ImportError(
        "lightwatt.torch needs PyTorch. On Debian 12: apt-get install python3-torch (a CPU build, NumPy 1.x: "
        "use it from a venv made with --system-site-packages). Elsewhere, a CPU-only wheel: "
        "pip install torch --index-url https://download.pytorch.org/whl/cpu ; on a machine with an NVIDIA GPU: "
        "pip install torch (see README.md, 'PyTorch models on a photonic core').") from e

import numpy as np

from . import PathLike, _overrides, photonic_cores

#: The emulator's default seed (the command line's).
DEFAULT_SEED = 20261125
# Seeds of successive passes are this far apart (the 64-bit golden-ratio increment, Steele et al.,
# SplitMix64, OOPSLA 2014, reduced below 2^63): far from the small offsets given to layers.
_SEED_STRIDE = 0x9E3779B97F4A7C15 % (1 << 63)
_SEED_MODULUS = 1 << 63
# The ADC full scales calibrate_adc_ranges tries, in RMS of the exact partial sums: a search grid
# around the presets' 4 (photonic_cores.toml), from where 6-bit partial sums clip often (1.5) to
# where the steps are coarse (8); the language-model study's model at 6 bits and 10 W on the
# dot-product engine chose 2 (its output layer) to 7 on it.
DEFAULT_ADC_CLIP_SIGMAS = (1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 6.0, 7.0, 8.0)
# The architecture whose weights are loaded through DACs and modulators every cycle (no thermal
# holders), so both operands may change every token: attention runs on it (docs/models/photonic-mac.md 12.3).
DYNAMIC_ARCHITECTURE = "dot-product-engine"


# --- energy ------------------------------------------------------------------------------------

@dataclass
class ForwardEnergy:
    """Energy of photonic products: MACs and pJ by part (the emulator's parts: laser, input_dac,
    modulator, weight_dac, weight_hold, adc, tia, accumulation)."""

    macs: int = 0
    pj_by_part: Dict[str, float] = field(default_factory=dict)

    @property
    def total_pj(self) -> float:
        return sum(self.pj_by_part.values())

    @property
    def pj_per_mac(self) -> float:
        return self.total_pj / self.macs if self.macs else 0.0

    def add(self, other: "ForwardEnergy") -> None:
        self.macs += other.macs
        for part, pj in other.pj_by_part.items():
            self.pj_by_part[part] = self.pj_by_part.get(part, 0.0) + pj


_meters: List[ForwardEnergy] = []


@contextlib.contextmanager
def energy_meter() -> Iterator[ForwardEnergy]:
    """``with energy_meter() as e: model(x)``: ``e`` sums the energy of every photonic product
    run inside the block (``e.total_pj``, ``e.pj_by_part``, ``e.macs``, ``e.pj_per_mac``)."""
    meter = ForwardEnergy()
    _meters.append(meter)
    try:
        yield meter
    finally:
        _meters.remove(meter)


def _energy_of(result: Any) -> ForwardEnergy:
    macs = int(result.m) * int(result.k) * int(result.n)
    parts = {part: pj_per_mac * macs for part, pj_per_mac in result.breakdown_pj_per_mac.items()}
    return ForwardEnergy(macs, parts)


def _record(energy: ForwardEnergy) -> None:
    for meter in _meters:
        meter.add(energy)


# --- the core and its settings ---------------------------------------------------------------------

@dataclass
class PhotonicSettings:
    """Which core a product runs on and how: a preset of photonic_cores.toml (``core``; default the
    dot-product engine), ``bits`` for the input DACs, weights and ADC together (None: the preset's),
    the laser's optical power per core in mW (None: the preset's), the seed, and further [overrides]
    keys of an emulation file (docs/emulator-file.md: ``adc_bits``, ``tile``, ``path_loss_db``...)."""

    core: Optional[str] = None
    bits: Optional[int] = None
    laser_power_mw: Optional[float] = None
    seed: int = DEFAULT_SEED
    overrides: Dict[str, Any] = field(default_factory=dict)
    threads: int = 0
    data: Optional[PathLike] = None

    def emulator_overrides(self) -> Dict[str, Any]:
        out: Dict[str, Any] = {}
        if self.bits is not None:
            out.update(dac_bits=self.bits, weight_bits=self.bits, adc_bits=self.bits)
        if self.laser_power_mw is not None:
            out["laser_power_mw"] = self.laser_power_mw
        out.update(self.overrides)
        return _overrides(out)

    def validated_architecture(self) -> str:
        """The core's architecture, after the emulation-file reader has checked the core's name and
        every override (an InputError names the key and what is allowed): a one-MAC run."""
        return self.probe().architecture

    def preset(self) -> Dict[str, Any]:
        """The core preset's own settings (photonic_cores.toml), before ``bits`` and overrides."""
        return photonic_cores(self.data).describe(self.probe().core)

    def probe(self) -> Any:
        """A one-MAC run with these settings: the reader's checks, and the converter settings in use
        (``dac_bits``, ``adc_bits``...)."""
        return photonic_cores(self.data).emulate_random(1, 1, 1, core=self.core, seed=self.seed,
                                                        overrides=self.emulator_overrides(), threads=1)


def _fortran_float64(t: "torch.Tensor") -> np.ndarray:
    """A 2-D tensor as the float64 Fortran-ordered array the emulator reads in place: a view when it
    already is one (float64 on the CPU, column-major), else one copy that converts dtype, device and
    layout together."""
    t = t.detach()
    if t.dtype == torch.float64 and t.device.type == "cpu" and t.t().is_contiguous():
        return t.numpy()
    buffer = torch.empty((t.shape[1], t.shape[0]), dtype=torch.float64)
    buffer.copy_(t.t())
    return buffer.numpy().T


def _emulate(weights: "torch.Tensor", inputs: "torch.Tensor", settings: PhotonicSettings, seed: int) -> Any:
    """weights (m x k) times inputs (k x n) through the core; the C++ emulator releases the GIL."""
    return photonic_cores(settings.data).emulate(
        _fortran_float64(weights), _fortran_float64(inputs), core=settings.core, seed=seed,
        overrides=settings.emulator_overrides(), threads=settings.threads)


def _as_tensor(array: np.ndarray, like: "torch.Tensor") -> "torch.Tensor":
    # A view of the result's memory; the conversion to the caller's dtype/device is the one copy.
    return torch.from_numpy(array).to(dtype=like.dtype, device=like.device)


class _NoiseSeeds:
    """The seed of each forward pass: seed + i * stride (mod 2^63) for pass i."""

    def __init__(self, seed: int):
        # The range was checked by the emulation-file reader (PhotonicSettings.validated_architecture).
        self.seed = int(seed)
        self.passes = 0

    def next(self) -> int:
        seed = (self.seed + self.passes * _SEED_STRIDE) % _SEED_MODULUS
        self.passes += 1
        return seed


# --- exact products (setting ranges, controls) -----------------------------------------------------

_exact_depth = [0]


@contextlib.contextmanager
def exact_products() -> Iterator[None]:
    """Inside the block every photonic product is the exact one (no emulator run, no noise pass
    drawn, no energy recorded); learned input ranges still clamp: the float model as converted.
    Gradients flow as outside it. For setting ranges from data, and for a control: the same
    training without the core."""
    _exact_depth[0] += 1
    try:
        yield
    finally:
        _exact_depth[0] -= 1


# --- learned input ranges ------------------------------------------------------------------------

class _InputRangeClamp(torch.autograd.Function):
    """clamp(x, -alpha, alpha), the input range a DAC's full scale is set to. Backward: x's gradient
    straight through inside the range and 0 where clipped; alpha's, per element, sign(x) where
    clipped (PACT, Choi et al., arXiv:1805.06085, made symmetric) and LSQ's (round(v) - v) / Q
    inside, with v = x Q / alpha and Q = 2^(dac_bits - 1) the DAC's steps per sign (Esser et al.,
    arXiv:1902.08153: the step alpha / Q's gradient round(v) - v, times d step / d alpha = 1 / Q).
    IBM's aihwkit learns its input ranges this way (InputRangeParameter(learn_input_range=True))."""

    @staticmethod
    def forward(ctx, x, alpha, steps_per_sign):  # type: ignore[override]
        ctx.save_for_backward(x, alpha)
        ctx.steps_per_sign = steps_per_sign
        return torch.maximum(torch.minimum(x, alpha), -alpha)

    @staticmethod
    def backward(ctx, grad):  # type: ignore[override]
        x, alpha = ctx.saved_tensors
        inside = x.abs() < alpha
        grad_x = grad * inside if ctx.needs_input_grad[0] else None
        v = x / alpha * ctx.steps_per_sign
        d_alpha = torch.where(inside, (torch.round(v) - v) / ctx.steps_per_sign, torch.sign(x))
        return grad_x, (grad * d_alpha).sum().reshape(alpha.shape), None


class _InputRange(nn.Module):
    """A learned input range alpha (a Parameter, 0 until set from data) and its clamp. The DAC's
    full scale is the pass's largest input magnitude (docs/models/photonic-mac.md), so after the
    clamp it is alpha whenever an input reaches alpha."""

    def __init__(self, dac_bits: int):
        super().__init__()
        self.alpha = nn.Parameter(torch.zeros(()))
        self.steps_per_sign = float(2 ** (dac_bits - 1))

    @property
    def is_set(self) -> bool:
        return bool(self.alpha.detach() > 0)

    def set_from(self, peak: float) -> None:
        """alpha = peak, rounded up in alpha's dtype so that an input of magnitude peak is not clipped."""
        value = torch.tensor(peak, dtype=self.alpha.dtype)
        if float(value) < peak:
            value = torch.nextafter(value, torch.tensor(float("inf"), dtype=value.dtype))
        with torch.no_grad():
            self.alpha.copy_(value)

    def forward(self, x: "torch.Tensor") -> "torch.Tensor":
        if not self.is_set:
            if _exact_depth[0]:
                return x
            # Set from the first batch it sees (init_input_ranges sets it from several).
            self.set_from(float(x.detach().abs().max()))
        return _InputRangeClamp.apply(x, self.alpha.to(x.dtype), self.steps_per_sign)


# --- linear layers ---------------------------------------------------------------------------------

class _PhotonicProduct(torch.autograd.Function):
    """y = a @ b through the core in the forward pass; the clean product's gradient backward
    (straight-through)."""

    @staticmethod
    def forward(ctx, a, b, run):  # type: ignore[override]
        ctx.save_for_backward(a, b)
        return run(a, b)

    @staticmethod
    def backward(ctx, grad):  # type: ignore[override]
        a, b = ctx.saved_tensors
        # The emulator accepts operands of two dtypes (it computes in float64); each gradient comes
        # back in its operand's dtype.
        grad_a = (grad @ b.transpose(-1, -2).to(grad.dtype)).to(a.dtype) if ctx.needs_input_grad[0] else None
        grad_b = (a.transpose(-1, -2).to(grad.dtype) @ grad).to(b.dtype) if ctx.needs_input_grad[1] else None
        return grad_a, grad_b, None


class PhotonicLinear(nn.Linear):
    """``nn.Linear`` on a photonic core: ``y = x W^T + b`` with ``W x^T`` through the emulator
    (weights m x k = out x in, inputs k x n = in x tokens) and the bias added digitally.

    Copies: the tokens (..., in) are already the emulator's column-major (in x tokens) matrix, so a
    float64 input is read in place; float32 is converted once. The weight is transposed into column
    order with the same single conversion; the output is a view of the emulator's memory converted
    back to the input's dtype.

    ``learn_input_range=True`` clamps the tokens to [-alpha, alpha] before the core, alpha a
    Parameter of the layer (``input_range.alpha``) set from data by ``init_input_ranges`` (or from
    the first batch) and learned with PACT's and LSQ's gradient (``_InputRangeClamp``). Off by
    default, and then the layer has no such parameter.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, *, core: Optional[str] = None,
                 bits: Optional[int] = None, laser_power_mw: Optional[float] = None, seed: int = DEFAULT_SEED,
                 threads: int = 0, data: Optional[PathLike] = None, learn_input_range: bool = False,
                 device: Any = None, dtype: Any = None, **overrides: Any):
        super().__init__(in_features, out_features, bias, device=device, dtype=dtype)
        self.settings = PhotonicSettings(core, bits, laser_power_mw, seed, dict(overrides), threads, data)
        probe = self.settings.probe()
        self.architecture = probe.architecture
        self.input_range = _InputRange(probe.dac_bits) if learn_input_range else None
        self._seeds = _NoiseSeeds(seed)
        self.last_energy: Optional[ForwardEnergy] = None
        self.last_emulation: Any = None

    @classmethod
    def from_linear(cls, linear: nn.Linear, **settings: Any) -> "PhotonicLinear":
        """A photonic layer sharing ``linear``'s weight and bias (the same Parameters)."""
        layer = cls(linear.in_features, linear.out_features, linear.bias is not None, device="meta", **settings)
        layer.weight = linear.weight
        layer.bias = linear.bias
        if layer.input_range is not None:
            layer.input_range.to(device=linear.weight.device)
        return layer

    def reset_noise(self) -> None:
        """The next forward pass draws its noise as the first one did."""
        self._seeds.passes = 0

    def _run(self, tokens: "torch.Tensor", weight_t: "torch.Tensor") -> "torch.Tensor":
        result = _emulate(weight_t.t(), tokens.t(), self.settings, self._seeds.next())
        self.last_emulation = result
        self.last_energy = _energy_of(result)
        _record(self.last_energy)
        return _as_tensor(result.output.T, tokens)

    def forward(self, x: "torch.Tensor") -> "torch.Tensor":
        if x.dim() == 0 or x.shape[-1] != self.in_features:
            raise ValueError(f"PhotonicLinear: input of shape {tuple(x.shape)}; allowed: (..., {self.in_features})")
        tokens = x.reshape(-1, self.in_features)
        if self.input_range is not None:
            tokens = self.input_range(tokens)
        if _exact_depth[0]:
            y = tokens @ self.weight.t().to(tokens.dtype)
        else:
            y = _PhotonicProduct.apply(tokens, self.weight.t(), self._run)
        if self.bias is not None:
            y = y + self.bias
        return y.reshape(*x.shape[:-1], self.out_features)

    def extra_repr(self) -> str:
        s = self.settings
        return (f"{super().extra_repr()}, core={s.core!r}, bits={s.bits}, laser_power_mw={s.laser_power_mw}, "
                f"seed={s.seed}")


# --- products of two activations (attention) ------------------------------------------------------

class Matmul(nn.Module):
    """``torch.matmul(a, b)`` as a module, so that ``to_photonic`` can find a model's attention
    products (``Q K^T``, ``scores V``) and put them on a dynamic core. Exact as it stands."""

    def forward(self, a: "torch.Tensor", b: "torch.Tensor") -> "torch.Tensor":
        return torch.matmul(a, b)


class PhotonicMatmul(Matmul):
    """``a @ b`` (..., m, k) x (..., k, n) through the core, one emulated GEMM per leading index,
    ``a`` in the weights' place (loaded per product: reuse over the n columns of ``b``).
    ``learn_input_range=True`` clamps ``b``, the operand that enters as the core's inputs, as
    ``PhotonicLinear`` clamps its tokens; ``a`` is quantised as weights are and is not clamped."""

    def __init__(self, *, core: Optional[str] = None, bits: Optional[int] = None,
                 laser_power_mw: Optional[float] = None, seed: int = DEFAULT_SEED, threads: int = 0,
                 data: Optional[PathLike] = None, learn_input_range: bool = False, **overrides: Any):
        super().__init__()
        self.settings = PhotonicSettings(core, bits, laser_power_mw, seed, dict(overrides), threads, data)
        probe = self.settings.probe()
        self.architecture = probe.architecture
        if self.architecture != DYNAMIC_ARCHITECTURE:
            raise ValueError(f"PhotonicMatmul: core {core!r} is a {self.architecture}; allowed: a "
                             f"{DYNAMIC_ARCHITECTURE} core (both operands loaded every cycle)")
        self.input_range = _InputRange(probe.dac_bits) if learn_input_range else None
        self._seeds = _NoiseSeeds(seed)
        self.last_energy: Optional[ForwardEnergy] = None

    def reset_noise(self) -> None:
        self._seeds.passes = 0

    def _run(self, a: "torch.Tensor", b: "torch.Tensor") -> "torch.Tensor":
        seed = self._seeds.next()
        energy = ForwardEnergy()
        out = []
        for i in range(a.shape[0]):
            # Each product of the batch from its own seed: seed + i (mod 2^63).
            result = _emulate(a[i], b[i], self.settings, (seed + i) % _SEED_MODULUS)
            energy.add(_energy_of(result))
            out.append(_as_tensor(result.output, a))
        self.last_energy = energy
        _record(energy)
        return torch.stack(out)

    def forward(self, a: "torch.Tensor", b: "torch.Tensor") -> "torch.Tensor":
        if a.dim() < 2 or b.dim() < 2 or a.shape[-1] != b.shape[-2]:
            raise ValueError(f"PhotonicMatmul: shapes {tuple(a.shape)} and {tuple(b.shape)}; allowed: "
                             "(..., m, k) and (..., k, n) with equal leading dimensions")
        if self.input_range is not None:
            b = self.input_range(b)
        if _exact_depth[0]:
            return torch.matmul(a, b.to(a.dtype))
        lead = torch.broadcast_shapes(a.shape[:-2], b.shape[:-2])
        a3 = a.expand(*lead, *a.shape[-2:]).reshape(-1, *a.shape[-2:])
        b3 = b.expand(*lead, *b.shape[-2:]).reshape(-1, *b.shape[-2:])
        y = _PhotonicProduct.apply(a3, b3, self._run)
        return y.reshape(*lead, a.shape[-2], b.shape[-1])


# --- converting a model ------------------------------------------------------------------------------

@dataclass
class Conversion:
    """What ``to_photonic`` did: the converted layers' names, and the products left digital, with why."""

    linear: List[str] = field(default_factory=list)
    matmul: List[str] = field(default_factory=list)
    left_digital: Dict[str, str] = field(default_factory=dict)


def _left_digital_reason(module: nn.Module, parent: Optional[nn.Module], dynamic: bool) -> Optional[str]:
    if isinstance(parent, nn.MultiheadAttention):
        return "inside nn.MultiheadAttention, whose fused kernel reads the weights without calling the layer"
    if isinstance(module, Matmul) and not dynamic:
        return "a product of two activations: only the dot-product engine loads both operands every cycle"
    return None


def to_photonic(model: nn.Module, *, core: Optional[str] = None, bits: Optional[int] = None,
                laser_power_mw: Optional[float] = None, seed: int = DEFAULT_SEED, threads: int = 0,
                data: Optional[PathLike] = None, learn_input_range: bool = False,
                **overrides: Any) -> Conversion:
    """Puts ``model`` on a photonic core, in place: every ``nn.Linear`` becomes a ``PhotonicLinear``
    sharing its parameters, and on the dot-product engine every ``Matmul`` a ``PhotonicMatmul``.
    Layer j (in ``named_modules`` order) gets seed ``seed + j``. ``learn_input_range`` gives each
    a learned input range (set it from data with ``init_input_ranges``). Returns what was converted."""
    settings = PhotonicSettings(core, bits, laser_power_mw, seed, dict(overrides), threads, data)
    dynamic = settings.validated_architecture() == DYNAMIC_ARCHITECTURE
    parents = {child: module for module in model.modules() for child in module.children()}
    conversion = Conversion()
    targets = [(name, m) for name, m in model.named_modules()
               if isinstance(m, (nn.Linear, Matmul)) and not isinstance(m, (PhotonicLinear, PhotonicMatmul))]
    for j, (name, module) in enumerate(targets):
        reason = _left_digital_reason(module, parents.get(module), dynamic)
        if reason is not None:
            conversion.left_digital[name] = reason
            continue
        kwargs = dict(core=core, bits=bits, laser_power_mw=laser_power_mw, seed=(seed + j) % _SEED_MODULUS,
                      threads=threads, data=data, learn_input_range=learn_input_range, **overrides)
        if isinstance(module, nn.Linear):
            _replace(model, name, PhotonicLinear.from_linear(module, **kwargs))
            conversion.linear.append(name)
        else:
            _replace(model, name, PhotonicMatmul(**kwargs))
            conversion.matmul.append(name)
    return conversion


def _replace(model: nn.Module, dotted: str, new: nn.Module) -> None:
    parent_name, _, child = dotted.rpartition(".")
    parent = model.get_submodule(parent_name) if parent_name else model
    setattr(parent, child, new)


def photonic_layers(model: nn.Module) -> List[nn.Module]:
    """The model's photonic layers, in ``modules()`` order."""
    return [m for m in model.modules() if isinstance(m, (PhotonicLinear, PhotonicMatmul))]


def reset_noise(model: nn.Module) -> None:
    """Every photonic layer's next pass draws its noise as its first one did."""
    for layer in photonic_layers(model):
        layer.reset_noise()


# --- ranges set from data ----------------------------------------------------------------------------

def _named_ranged_layers(model: nn.Module) -> List[Any]:
    return [(name, m) for name, m in model.named_modules()
            if isinstance(m, (PhotonicLinear, PhotonicMatmul)) and m.input_range is not None]


def _core_inputs(layer: nn.Module, args: Any) -> "torch.Tensor":
    """The operand a layer's input range clamps: a linear layer's tokens, a product's ``b``."""
    return args[0] if isinstance(layer, PhotonicLinear) else args[1]


def _exact_passes(model: nn.Module, batches: Iterable[Any], hooks: List[Any]) -> None:
    """Runs the exact model on each batch (``model(batch)``, or ``model(*batch)`` for a tuple) for
    what ``hooks`` record, then removes them."""
    try:
        with torch.no_grad(), exact_products():
            for batch in batches:
                model(*batch) if isinstance(batch, tuple) else model(batch)
    finally:
        for hook in hooks:
            hook.remove()


def init_input_ranges(model: nn.Module, batches: Iterable[Any]) -> Dict[str, float]:
    """Sets every learned input range of ``model`` to the largest magnitude its operand takes over
    ``batches`` (each passed as ``model(batch)``, or ``model(*batch)`` for a tuple) in the exact
    (float) model without clamps, so that at the start nothing is clipped (aihwkit sets its ranges from
    the first batches too, ``init_from_data``, from their standard deviation). Returns those peaks by
    layer name (alpha is each, rounded up in its dtype)."""
    layers = _named_ranged_layers(model)
    for _, layer in layers:
        layer.input_range.set_from(0.0)  # unset: no clamp while the peaks are measured
    peaks = {name: 0.0 for name, _ in layers}
    hooks = []
    for name, layer in layers:
        def record(module: nn.Module, args: Any, name: str = name) -> None:
            peaks[name] = max(peaks[name], float(_core_inputs(module, args).detach().abs().max()))
        hooks.append(layer.register_forward_pre_hook(record))
    _exact_passes(model, batches, hooks)
    for name, layer in layers:
        layer.input_range.set_from(peaks[name])
    return peaks


@dataclass
class AdcCalibration:
    """A layer's ``adc_clip_sigmas`` calibration: the mean square output error against the exact
    product for each value tried (the layer's setting before included), and the value kept."""

    chosen: float
    mse_by_clip_sigmas: Dict[float, float]


def calibrate_adc_ranges(model: nn.Module, batches: Iterable[Any],
                         candidates: Iterable[float] = DEFAULT_ADC_CLIP_SIGMAS) -> Dict[str, AdcCalibration]:
    """Per photonic layer, the ADC full scale (``adc_clip_sigmas``, in RMS of the exact partial sums)
    whose output on ``batches`` is nearest the exact product of the same inputs, in mean square; a
    calibration of a converter setting, not training, so give it training data only. Each layer sees
    the exact (float) model's activations, its learned input range applied, and every value is tried
    with the layer's own first-pass noise seed. The layer's current value (the preset's unless
    overridden) is tried too and kept unless another is strictly better; the chosen value becomes
    the layer's ``adc_clip_sigmas`` override. Returns the calibration by layer name."""
    layers = [(name, m) for name, m in model.named_modules() if isinstance(m, (PhotonicLinear, PhotonicMatmul))]
    seen: Dict[str, List[Any]] = {name: [] for name, _ in layers}
    hooks = []
    for name, layer in layers:
        def record(module: nn.Module, args: Any, out: Any, name: str = name) -> None:
            seen[name].append((tuple(a.detach() for a in args), out.detach()))
        hooks.append(layer.register_forward_hook(record))
    _exact_passes(model, batches, hooks)
    return {name: _calibrate_layer(layer, seen[name], candidates) for name, layer in layers}


def apply_adc_calibration(model: nn.Module, calibration: Dict[str, AdcCalibration]) -> None:
    """Sets each named layer's ``adc_clip_sigmas`` to the value ``calibrate_adc_ranges`` chose for it,
    so that a calibration made on one copy of a model (one noise seed) serves others converted alike.
    A name that is not a photonic layer of ``model`` is a ValueError, and then nothing is changed."""
    layers = dict(model.named_modules())
    wrong = sorted(name for name in calibration
                   if not isinstance(layers.get(name), (PhotonicLinear, PhotonicMatmul)))
    if wrong:
        raise ValueError(f"apply_adc_calibration: {', '.join(wrong)}: not a photonic layer of the model; allowed: "
                         f"{', '.join(n for n, m in layers.items() if isinstance(m, (PhotonicLinear, PhotonicMatmul)))}")
    for name, chosen in calibration.items():
        layers[name].settings.overrides["adc_clip_sigmas"] = chosen.chosen


def _calibrate_layer(layer: nn.Module, seen: List[Any], candidates: Iterable[float]) -> AdcCalibration:
    overrides = layer.settings.overrides
    before = dict(overrides)
    current = float(before.get("adc_clip_sigmas", layer.settings.preset()["adc_clip_sigmas"]))
    passes = layer._seeds.passes
    mse: Dict[float, float] = {}
    try:
        for value in [current, *(float(c) for c in candidates)]:
            if value not in mse:
                overrides["adc_clip_sigmas"] = value
                mse[value] = _output_mse(layer, seen)
    finally:
        layer._seeds.passes = passes
        overrides.clear()
        overrides.update(before)
    # Ties go to the current value: a layer whose best is its setting keeps it unchanged.
    chosen = min(mse, key=lambda value: (mse[value], value != current))
    if chosen != current:
        overrides["adc_clip_sigmas"] = chosen
    return AdcCalibration(chosen, mse)


def _output_mse(layer: nn.Module, seen: List[Any]) -> float:
    squares, count = 0.0, 0
    with torch.no_grad():
        for args, exact in seen:
            layer._seeds.passes = 0
            out = layer(*args)
            squares += float(((out.double() - exact.double()) ** 2).sum())
            count += exact.numel()
    return squares / count


__all__ = ["DEFAULT_ADC_CLIP_SIGMAS", "DEFAULT_SEED", "DYNAMIC_ARCHITECTURE", "AdcCalibration", "Conversion",
           "ForwardEnergy", "Matmul", "PhotonicLinear", "PhotonicMatmul", "PhotonicSettings", "apply_adc_calibration",
           "calibrate_adc_ranges", "energy_meter", "exact_products", "init_input_ranges", "photonic_layers", "reset_noise", "to_photonic"]
