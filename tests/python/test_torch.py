"""lightwatt.torch: PyTorch layers through the photonic emulator. Shapes and dtypes, agreement with
nn.Linear within the emulator's own error, noise against precision, straight-through gradients and
a fine-tuning step, energy by part against the emulator and the energy model's formula,
determinism, model conversion and bad input.

`make test` runs this file in build/venv-torch (Debian's python3-torch, NumPy 1.x); in an
environment without PyTorch it is skipped (and test_package.py checks the ImportError).
"""
from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch is absent here; make test runs this file in build/venv-torch")

import lightwatt  # noqa: E402
import lightwatt.torch as lwt  # noqa: E402
from torch import nn  # noqa: E402


def inputs(*shape, seed=0, dtype=torch.float32):
    g = torch.Generator().manual_seed(seed)
    return (torch.rand(*shape, generator=g, dtype=torch.float64) * 2 - 1).to(dtype)


def linear(in_features=40, out_features=24, **settings):
    torch.manual_seed(1)
    return lwt.PhotonicLinear(in_features, out_features, **settings)


def measured_rel_error(layer, x, y):
    """||y - x W^T - b|| / ||x W^T||, recomputed from the tensors in float64."""
    w = layer.weight.detach().double()
    clean = x.double() @ w.t()
    return float(torch.linalg.norm(y.double() - layer.bias.detach().double() - clean) / torch.linalg.norm(clean))


def relative_difference(a, b):
    return float(torch.linalg.norm(a.double() - b.double()) / torch.linalg.norm(b.double()))


def test_shape_and_dtype_follow_the_input():
    layer = linear()
    y32 = layer(inputs(3, 5, 40))
    assert y32.shape == (3, 5, 24) and y32.dtype == torch.float32
    y64 = layer(inputs(7, 40, dtype=torch.float64))
    assert y64.shape == (7, 24) and y64.dtype == torch.float64
    # The emulated GEMM was the weights (24 x 40) times the 7 tokens as columns (40 x 7).
    e = layer.last_emulation
    assert (e.m, e.k, e.n) == (24, 40, 7)


def test_float64_tokens_are_read_in_place():
    x = inputs(6, 40, dtype=torch.float64)
    array = lwt._fortran_float64(x.t())
    assert np.shares_memory(array, x.numpy()) and array.flags.f_contiguous and array.shape == (40, 6)
    # float32 needs one conversion, into column order for the weights.
    w = inputs(24, 40)
    converted = lwt._fortran_float64(w)
    assert converted.flags.f_contiguous and converted.dtype == np.float64
    np.testing.assert_array_equal(converted, w.double().numpy())


def test_equals_nn_linear_within_the_emulators_stated_error_at_high_precision():
    layer = linear(bits=12, laser_power_mw=10000.0)
    x = inputs(64, 40, dtype=torch.float64)
    y = layer(x)
    e = layer.last_emulation
    # The error measured against nn.Linear is the one the emulator reports for this GEMM ...
    assert measured_rel_error(layer, x, y) == pytest.approx(e.rel_rms_error, rel=1e-9)
    # ... and the one its noise budget predicts: with k = 40 inputs on one 64-wide tile each output
    # is one partial sum, so rel. error = sqrt(sum of the per-partial-sum variances) / RMS partial sum
    # (12-bit converters leave shot noise and laser RIN, docs/models/photonic-mac.md 10).
    predicted = np.sqrt(sum(e.noise_budget.values())) / e.partial_sum_rms
    assert e.rel_rms_error == pytest.approx(predicted, rel=0.1)
    assert e.rel_rms_error < 0.01
    reference = nn.Linear(40, 24).double()
    reference.load_state_dict({k: v.double() for k, v in layer.state_dict().items()})
    torch.testing.assert_close(y, reference(x), rtol=0.0, atol=5 * e.rel_rms_error * float(y.abs().max()))


def test_noise_grows_as_the_precision_falls():
    # Ample light (10 W), so that the converters, not the detector noise, set the error.
    x = inputs(64, 40)
    errors = {}
    for bits in (4, 6, 8, 12):
        layer = linear(bits=bits, laser_power_mw=10000.0)
        errors[bits] = measured_rel_error(layer, x, layer(x))
    assert errors[4] > errors[6] > errors[8] > errors[12]
    # Quantisation-limited: 4 bits fewer is a 16x coarser step; the 8-bit point also carries shot
    # noise and RIN, so the ratio is a little less.
    assert errors[4] > 8 * errors[8]


def test_the_backward_pass_is_the_clean_linear_maps_gradient():
    layer = linear(bits=6)
    x = inputs(5, 40, dtype=torch.float64).requires_grad_()
    g = inputs(5, 24, seed=2, dtype=torch.float64)
    layer(x).backward(g)
    w = layer.weight.detach().double()
    torch.testing.assert_close(x.grad, g @ w, rtol=1e-6, atol=1e-6)
    torch.testing.assert_close(layer.weight.grad.double(), g.t() @ x.detach(), rtol=1e-6, atol=1e-6)
    torch.testing.assert_close(layer.bias.grad.double(), g.sum(0), rtol=1e-6, atol=1e-6)


def test_a_noise_aware_fine_tuning_step_reduces_the_loss():
    torch.manual_seed(3)
    teacher = nn.Linear(32, 8)
    model = nn.Sequential(nn.Linear(32, 16), nn.Tanh(), nn.Linear(16, 8))
    conversion = lwt.to_photonic(model, bits=6, seed=5)
    assert conversion.linear == ["0", "2"]
    x = inputs(128, 32, seed=4)
    target = teacher(x).detach()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.02)

    def loss():
        return nn.functional.mse_loss(model(x), target)

    before = loss().item()
    for _ in range(10):
        optimizer.zero_grad()
        value = loss()
        value.backward()
        optimizer.step()
    assert loss().item() < 0.7 * before


def test_energy_by_part_is_the_emulators_for_the_same_gemm():
    layer = linear()
    x = inputs(6, 40, dtype=torch.float64)
    layer(x)
    energy = layer.last_energy
    macs = 24 * 40 * 6
    assert energy.macs == macs
    direct = lightwatt.emulate(layer.weight.detach().double().numpy(), x.numpy().T, seed=lwt.DEFAULT_SEED)
    for part, pj_per_mac in direct.breakdown_pj_per_mac.items():
        assert energy.pj_by_part[part] == pytest.approx(pj_per_mac * macs, rel=1e-12), part
    # From the energy model's formula (docs/models/photonic-mac.md 12.1) and the dot-product
    # engine's preset (64 x 64 tile, 5 GHz, 100 mW laser at 20 % wall-plug efficiency, 450 fJ
    # modulator, 0.1 pJ per addition, utilization 1):
    #   laser         P / WPE / f / (64 x 64) = 0.1 / 0.2 / 5e9 J / 4096 = 0.0244140625 pJ/MAC
    #   modulator     64 x 0.45 pJ / (64 x 64)                            = 0.00703125 pJ/MAC
    #   accumulation  64 x 0.1 pJ / (64 x 64)                             = 0.0015625 pJ/MAC
    assert energy.pj_by_part["laser"] == pytest.approx(0.0244140625 * macs, rel=1e-12)
    assert energy.pj_by_part["modulator"] == pytest.approx(0.00703125 * macs, rel=1e-12)
    assert energy.pj_by_part["accumulation"] == pytest.approx(0.0015625 * macs, rel=1e-12)
    assert energy.pj_by_part["weight_hold"] == 0.0
    assert energy.total_pj == pytest.approx(direct.energy_pj_per_mac * macs, rel=1e-12)


def test_the_energy_meter_sums_the_layers_of_a_forward_pass():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(40, 24), nn.ReLU(), nn.Linear(24, 10))
    lwt.to_photonic(model)
    with lwt.energy_meter() as meter:
        model(inputs(9, 40))
    first, second = model[0].last_energy, model[2].last_energy
    assert (first.macs, second.macs) == (40 * 24 * 9, 24 * 10 * 9)
    assert meter.macs == first.macs + second.macs
    assert meter.total_pj == pytest.approx(first.total_pj + second.total_pj, rel=1e-12)
    for part in first.pj_by_part:
        assert meter.pj_by_part[part] == pytest.approx(first.pj_by_part[part] + second.pj_by_part[part], rel=1e-12)
    # Outside the block nothing more is counted.
    model(inputs(9, 40))
    assert meter.macs == first.macs + second.macs


def test_the_same_seed_gives_the_same_noise():
    x = inputs(16, 40)
    a, b = linear(bits=6, seed=7), linear(bits=6, seed=7)
    first = a(x)
    torch.testing.assert_close(first, b(x), rtol=0, atol=0)
    # A fresh draw on the next pass, the first one again after reset_noise.
    second = a(x)
    assert not torch.equal(first, second)
    a.reset_noise()
    torch.testing.assert_close(a(x), first, rtol=0, atol=0)
    assert not torch.equal(linear(bits=6, seed=8)(x), first)


def test_to_photonic_converts_linear_layers_and_attention_on_the_dynamic_core():
    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.qkv = nn.Linear(16, 48)
            self.scores = lwt.Matmul()
            self.mix = lwt.Matmul()
            self.mha = nn.MultiheadAttention(16, 2, batch_first=True)

        def forward(self, x):
            q, k, v = self.qkv(x).chunk(3, dim=-1)
            attention = torch.softmax(self.scores(q, k.transpose(-1, -2)) / 4.0, dim=-1)
            return self.mix(attention, v) + self.mha(x, x, x)[0]

    torch.manual_seed(0)
    block = Block()
    x = inputs(2, 5, 16)
    digital = block(x)
    shared = block.qkv.weight
    conversion = lwt.to_photonic(block, bits=12, laser_power_mw=10000.0)
    assert conversion.linear == ["qkv"] and conversion.matmul == ["scores", "mix"]
    assert "nn.MultiheadAttention" in conversion.left_digital["mha.out_proj"]
    assert block.qkv.weight is shared
    with lwt.energy_meter() as meter:
        photonic = block(x)
    # qkv: 48 x 16 x 10 tokens; Q K^T: 2 sequences of 5 x 16 x 5; scores V: 2 of 5 x 5 x 16.
    assert meter.macs == 48 * 16 * 10 + 2 * 5 * 16 * 5 + 2 * 5 * 5 * 16
    assert relative_difference(photonic, digital) < 0.02
    # On a thermally tuned core the products of two activations stay digital.
    other = Block()
    conversion = lwt.to_photonic(other, core="microring_bank")
    assert conversion.linear == ["qkv"] and conversion.matmul == []
    assert "dot-product engine" in conversion.left_digital["scores"]


def test_photonic_matmul_matches_torch_and_passes_gradients():
    product = lwt.PhotonicMatmul(bits=12, laser_power_mw=10000.0, seed=3)
    a = inputs(3, 6, 20, dtype=torch.float64).requires_grad_()
    b = inputs(3, 20, 4, seed=1, dtype=torch.float64).requires_grad_()
    y = product(a, b)
    assert y.shape == (3, 6, 4)
    # 12 bits and 10 W: about 1 % error, as for the linear layer above.
    assert relative_difference(y, a.detach() @ b.detach()) < 0.02
    y.sum().backward()
    torch.testing.assert_close(a.grad, torch.ones(3, 6, 4, dtype=torch.float64) @ b.detach().transpose(-1, -2))
    with pytest.raises(ValueError, match="dot-product-engine"):
        lwt.PhotonicMatmul(core="coherent_mesh")


def test_bad_input_is_a_clear_error():
    layer = linear()
    with pytest.raises(ValueError, match=r"input of shape \(3, 41\); allowed: \(\.\.\., 40\)"):
        layer(inputs(3, 41))
    with pytest.raises(ValueError, match=r"shapes \(2, 3\) and \(4, 5\)"):
        lwt.PhotonicMatmul()(inputs(2, 3), inputs(4, 5))
    with pytest.raises(lightwatt.InputError, match=r"core = \"no_such_core\": no entry of that name in \[cores\]. Allowed: coherent_mesh"):
        linear(core="no_such_core")
    # `bits` sets the input DACs', weights' and ADC's bits; the first one read names the range.
    with pytest.raises(lightwatt.InputError, match=r"overrides.dac_bits = 0: value out of range. Allowed: an integer in \[1, 24\]"):
        linear(bits=0)
    with pytest.raises(lightwatt.InputError, match="laser_power_mw"):
        lwt.to_photonic(nn.Sequential(nn.Linear(4, 4)), laser_power_mw=-1.0)
    with pytest.raises(lightwatt.InputError, match=r"seed = -1: value out of range"):
        linear(seed=-1)


# --- learned input ranges ----------------------------------------------------------------------------

def ranged_layer(weight, **settings):
    layer = lwt.PhotonicLinear(len(weight[0]), len(weight), bias=False, learn_input_range=True, **settings)
    with torch.no_grad():
        layer.weight.copy_(torch.tensor(weight))
    return layer


def test_input_ranges_are_off_by_default_and_then_change_nothing():
    layer = linear()
    assert layer.input_range is None
    assert sorted(layer.state_dict()) == ["bias", "weight"]
    x = inputs(6, 40, dtype=torch.float64)
    y = layer(x)
    # The emulator called directly on the same GEMM and seed: the same bits.
    direct = lightwatt.emulate(layer.weight.detach().double().numpy(), x.numpy().T, seed=lwt.DEFAULT_SEED)
    assert torch.equal(y, torch.from_numpy(direct.output.T.copy()) + layer.bias.detach())
    # A range at the batch's largest magnitude clips nothing: the output is the same, bit for bit.
    torch.manual_seed(1)
    ranged = lwt.PhotonicLinear(40, 24, learn_input_range=True)
    assert lwt.init_input_ranges(ranged, [x]) == {"": float(x.abs().max())}
    assert float(ranged.input_range.alpha) >= float(x.abs().max())  # float32, rounded up
    assert torch.equal(ranged(x), y)


def test_the_forward_pass_clamps_the_inputs_at_alpha():
    # 16 bits and 1 kW of light: the laser's RIN is left, about 0.1 % (2.048 here), far below the
    # tolerance, which tells the clamped 2.05 from the unclamped 3.05.
    layer = ranged_layer([[2.0, -1.0, 0.5]], bits=16, laser_power_mw=1e6)
    with torch.no_grad():
        layer.input_range.alpha.fill_(1.0)
    # x = (0.3, -2.0, 0.9) clamped to (0.3, -1.0, 0.9): y = 2 x 0.3 + (-1)(-1.0) + 0.5 x 0.9 = 2.05
    # (unclamped: 0.6 + 2.0 + 0.45 = 3.05).
    y = layer(torch.tensor([[0.3, -2.0, 0.9]], dtype=torch.float64))
    assert float(y) == pytest.approx(2.05, abs=1e-2)


def test_alphas_gradient_is_pacts_where_clipped_and_lsqs_inside():
    layer = ranged_layer([[2.0, -1.0, 0.5]], bits=6, laser_power_mw=1e6)
    with torch.no_grad():
        layer.input_range.alpha.fill_(1.0)
    x = torch.tensor([[0.3, -2.0, 0.9]], requires_grad=True)
    layer(x).sum().backward()
    # d loss / d clamped input = W = (2, -1, 0.5) (straight-through). 6-bit DAC: Q = 2^5 = 32 steps per sign.
    #   x = 0.3 inside:  v = 0.3 x 32 = 9.6,  (round(v) - v) / Q = (10 - 9.6) / 32 = 0.0125
    #   x = -2.0 clipped: sign(x) = -1
    #   x = 0.9 inside:  v = 28.8, (29 - 28.8) / 32 = 0.00625
    # d loss / d alpha = 2 x 0.0125 + (-1)(-1) + 0.5 x 0.00625 = 0.025 + 1 + 0.003125 = 1.028125.
    assert float(layer.input_range.alpha.grad) == pytest.approx(1.028125, abs=1e-5)
    # x's gradient: W inside the range, 0 where clipped.
    torch.testing.assert_close(x.grad, torch.tensor([[2.0, 0.0, 0.5]]))


def test_to_photonic_learns_ranges_of_the_cores_inputs_only():
    class Attention(nn.Module):
        def __init__(self):
            super().__init__()
            self.qkv = nn.Linear(4, 12)
            self.scores = lwt.Matmul()

        def forward(self, x):
            q, k, _ = self.qkv(x).chunk(3, dim=-1)
            return self.scores(q, k.transpose(-1, -2))

    torch.manual_seed(0)
    model = Attention()
    x = inputs(2, 3, 4)
    with torch.no_grad():
        q, k, _ = model.qkv(x).chunk(3, dim=-1)
    lwt.to_photonic(model, learn_input_range=True)
    names = [name for name, _ in model.named_parameters()]
    assert names == ["qkv.weight", "qkv.bias", "qkv.input_range.alpha", "scores.input_range.alpha"]
    peaks = lwt.init_input_ranges(model, [x, 0.5 * x])
    # The linear layer's tokens peak at x's largest magnitude; the product's range is that of k^T,
    # the operand entering as the core's inputs (q takes the weights' place and is not clamped).
    assert peaks == {"qkv": pytest.approx(float(x.abs().max())), "scores": pytest.approx(float(k.abs().max()))}
    assert float(model.scores.input_range.alpha) == pytest.approx(float(k.abs().max()))


# --- ADC range calibration ------------------------------------------------------------------------------

def test_adc_calibration_keeps_each_layers_least_error():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 4))
    x = torch.randn(32, 8)
    with torch.no_grad():
        hidden = torch.relu(model[0](x))
    lwt.to_photonic(model, bits=6, laser_power_mw=10000.0, seed=1)
    candidates = (1.5, 2.5, 4.0, 8.0)
    calibration = lwt.calibrate_adc_ranges(model, [x], candidates=candidates)
    for name in ("0", "2"):
        errors = calibration[name].mse_by_clip_sigmas
        # The presets' 4 (photonic_cores.toml) is tried as the layer's setting; each value once.
        assert sorted(errors) == [1.5, 2.5, 4.0, 8.0]
        assert calibration[name].chosen == min(errors, key=errors.get)
        overrides = model.get_submodule(name).settings.overrides
        # A layer whose best is its setting keeps it (no override); another gets the chosen one.
        assert overrides == ({} if calibration[name].chosen == 4.0 else {"adc_clip_sigmas": calibration[name].chosen})
    # The second layer's error at 2.5 sigmas, measured apart: a layer built with that setting and
    # the layer's seed (1 + 1: to_photonic gives its j-th layer seed + j) on the exact activations.
    apart = lwt.PhotonicLinear(16, 4, bits=6, laser_power_mw=10000.0, seed=2, adc_clip_sigmas=2.5)
    apart.weight, apart.bias = model[2].weight, model[2].bias
    with torch.no_grad():
        error = float(((apart(hidden).double() - (hidden @ model[2].weight.t() + model[2].bias).double()) ** 2).mean())
    assert calibration["2"].mse_by_clip_sigmas[2.5] == pytest.approx(error, rel=1e-6)
    # A value the emulation-file reader refuses is its InputError, and the layer keeps its setting.
    before = [dict(model[j].settings.overrides) for j in (0, 2)]
    with pytest.raises(lightwatt.InputError, match=r"adc_clip_sigmas = -1"):
        lwt.calibrate_adc_ranges(model, [x], candidates=(-1.0,))
    assert [model[j].settings.overrides for j in (0, 2)] == before


def test_a_calibration_applies_to_another_copy_and_a_wrong_name_changes_nothing():
    import copy

    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 4))
    other = copy.deepcopy(model)
    lwt.to_photonic(model, bits=6, laser_power_mw=10000.0, seed=1)
    lwt.to_photonic(other, bits=6, laser_power_mw=10000.0, seed=50)
    calibration = {"0": lwt.AdcCalibration(2.5, {}), "2": lwt.AdcCalibration(6.0, {})}
    with pytest.raises(ValueError, match=r"1: not a photonic layer of the model; allowed: 0, 2"):
        lwt.apply_adc_calibration(other, {**calibration, "1": lwt.AdcCalibration(3.0, {})})
    assert [other[j].settings.overrides for j in (0, 2)] == [{}, {}]
    lwt.apply_adc_calibration(other, calibration)
    assert [other[j].settings.overrides for j in (0, 2)] == [{"adc_clip_sigmas": 2.5}, {"adc_clip_sigmas": 6.0}]


def test_exact_products_are_the_float_model_with_its_clamps_and_record_no_energy():
    torch.manual_seed(0)
    reference = nn.Linear(6, 3)
    layer = lwt.PhotonicLinear.from_linear(reference, bits=4, seed=1, learn_input_range=True)
    x = inputs(5, 6, seed=2)
    layer.input_range.set_from(0.5)
    with lwt.energy_meter() as energy, lwt.exact_products():
        y = layer(x)
    # x clamped to [-0.5, 0.5], then the float linear map: no emulator pass, no energy.
    assert torch.equal(y, reference(x.clamp(-0.5, 0.5)))
    assert energy.total_pj == 0.0 and layer.last_energy is None
    # Gradients flow as outside: d sum(y) / d weight = sum over tokens of the clamped inputs.
    y.sum().backward()
    assert torch.allclose(reference.weight.grad, x.clamp(-0.5, 0.5).sum(0).expand(3, 6))
