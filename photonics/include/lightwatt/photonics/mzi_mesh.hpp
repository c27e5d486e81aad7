// Coherent Mach-Zehnder interferometer meshes: the rectangular (Clements) decomposition of a
// unitary, the matrix a mesh with hardware non-idealities actually implements, and the SVD route
// a coherent photonic processor uses for a real weight matrix.
//
// Sources: Clements et al., "Optimal design for universal multiport interferometers", Optica 3,
// 1460 (2016) (the nulling order, and moving the left-hand MZIs through the diagonal); Reck et al.,
// PRL 73, 58 (1994) (the triangular design it replaces); Shen et al., Nat. Photon. 11, 441 (2017)
// (the SVD route W = U S V^T with two meshes and a column of attenuators).
//
// MZI convention (one MZI on adjacent modes (m, m+1), light enters from the right of the product):
//   T(theta, phi) = B P(theta) B P(phi),   B = (1/sqrt2) [[1, i], [i, 1]],   P(x) = diag(e^{ix}, 1)
//                 = i e^{i theta/2} [[e^{i phi} sin(theta/2),  cos(theta/2)],
//                                    [e^{i phi} cos(theta/2), -sin(theta/2)]]            (1)
// so the external shifter phi sits on the upper input arm and the internal shifter theta on the
// upper arm between the two 50:50 couplers. Power in the bar paths is sin^2(theta/2):
//   theta = 0  -> cross state (m -> m+1, m+1 -> m);   theta = pi -> bar state (m -> m, m+1 -> m+1).
// A mesh of N modes realises  U = D T_K ... T_2 T_1  with T_1 the first MZI light meets and
// D = diag(e^{i d_0}, ..., e^{i d_{N-1}}) the output phase screen.
//
// Phases are radians, wrapped to [0, 2 pi). lightwatt has no angle quantity; phases are plain
// doubles here as in the rest of the photonic emulator.
//
// These functions are internal to the emulator: no user input reaches them unchecked (the request
// reader and emulate_gemm validate the weights and imperfections first). Their inputs are
// preconditions, stated with each function and checked by assert in debug builds; the predicates
// is_unitary, is_consistent and imperfections_in_range state them.
#pragma once

#include <cstdint>
#include <vector>

#include <Eigen/Dense>

#include "lightwatt/core/decibel.hpp"

namespace lightwatt::photonics {

// One MZI acting on adjacent modes (mode, mode + 1): internal phase theta, external phase phi.
struct MziSetting {
    int mode = 0;
    double theta = 0.0;
    double phi = 0.0;
};

// A rectangular (Clements) mesh for an N x N unitary: the MZIs in the order light meets them,
// column by column (within a column by increasing mode), plus the output phase screen D.
// Column c of an N-mode rectangular mesh holds the MZIs on modes c%2, c%2 + 2, ...: N(N-1)/2 MZIs
// in N columns (N >= 3; a 2-mode mesh is one MZI).
struct ClementsMesh {
    int size = 0;
    std::vector<MziSetting> mzis;
    Eigen::VectorXd output_phases;
};

// Eq. (1) with ideal 50:50 couplers.
Eigen::Matrix2cd mzi_matrix(double theta, double phi);
// Eq. (1) with couplers of splitting angles kappa_in (first coupler light meets) and kappa_out:
//   B(kappa) = [[cos kappa, i sin kappa], [i sin kappa, cos kappa]],  50:50 is kappa = pi/4,
//   T = B(kappa_out) P(theta) B(kappa_in) P(phi).
Eigen::Matrix2cd mzi_matrix(double theta, double phi, double kappa_in, double kappa_out);

// x mod 2 pi, in [0, 2 pi).
double wrap_phase(double x);

// Decomposes a unitary into a rectangular mesh (Clements et al.): alternately nulls the
// lower-left elements by MZIs from the right (U T^-1) and from the left (T U) until U is
// diagonal, then pushes the left MZIs through the diagonal, T^-1(theta, phi) D(a, b) =
// D(b - phi - theta + pi, b - theta + pi) T(theta, a - b) (Clements' T^-1 D = D' T' step,
// rederived for convention (1)).
// Precondition: is_unitary(unitary).
ClementsMesh clements_decompose(const Eigen::MatrixXcd& unitary);

// Whether `u` is square, non-empty and finite, with max |U^H U - I| <= 1e-9.
bool is_unitary(const Eigen::MatrixXcd& u);
// Whether every MZI acts on modes of the mesh, output_phases has `size` entries and every phase is
// finite: true of every mesh clements_decompose builds.
bool is_consistent(const ClementsMesh& mesh);

// Column index of each MZI in mesh.mzis (as soon as possible: an MZI sits one column after the
// last MZI on either of its modes), and the number of columns.
std::vector<int> mesh_columns(const ClementsMesh& mesh);
int mesh_depth(const ClementsMesh& mesh);

// Non-idealities applied when building the matrix the hardware actually implements.
struct MeshImperfections {
    // 0 = ideal; else every programmed phase (theta, phi and the output screen) is rounded to a
    // multiple of 2 pi / 2^bits, bits in [1, 52].
    int phase_dac_bits = 0;
    // Static fabrication phase error (rad, Gaussian) added to every theta, phi and output phase.
    double phase_error_rad_rms = 0.0;
    // Thermal crosstalk: a fraction of each heater's (quantised) phase leaks onto the same-kind
    // shifter of its nearest MZIs in the same column (modes m - 2 and m + 2):
    //   theta_k' = theta_k + c (theta_{k-} + theta_{k+}), likewise phi. In [0, 1].
    // The output phase screen is not affected.
    double thermal_crosstalk = 0.0;
    // Coupler splitting-angle error (rad), Gaussian per coupler: kappa = pi/4 + delta.
    double splitter_imbalance_rms = 0.0;
    // Per MZI, applied as amplitude sqrt(10^(-IL/10)) to both arms.
    Decibel mzi_insertion_loss{};
    // A rectangular mesh is not loss-balanced as built: a path hugging an edge mode bypasses the
    // columns that have no MZI on that mode, so it crosses ceil(N/2) or floor(N/2) MZIs while
    // paths through interior modes cross N. When true, each mode that bypasses a column gets a
    // dummy section with one MZI's insertion loss (a loss-balanced layout), every path crosses
    // depth(mesh) loss sections and loss is one factor: T = 10^(-depth IL/20) T_ideal.
    bool balance_edge_loss = false;
};

// Whether every imperfection is in the range documented above (phase_dac_bits in [0, 52], the
// others finite and >= 0, thermal_crosstalk at most 1).
bool imperfections_in_range(const MeshImperfections& imp);

// The transfer matrix of a mesh with imperfections. Deterministic for a given (seed, stream):
// draws come from CounterRng(seed, stream) in a fixed layout that does not depend on which
// knobs are on (per MZI in mesh order: theta error, phi error, input and output coupler errors;
// then one error per output phase), so a sweep of one sigma at a fixed seed scales the same
// draws. Standard normals come from Box-Muller on uniform().
// Preconditions: is_consistent(mesh) and imperfections_in_range(imp).
Eigen::MatrixXcd mesh_transfer(const ClementsMesh& mesh, const MeshImperfections& imp, std::uint64_t seed,
                               std::uint64_t stream);
// The ideal transfer D T_K ... T_1.
Eigen::MatrixXcd mesh_transfer(const ClementsMesh& mesh);

// The SVD route for a real M x N matrix W = U S V^T (Shen et al. 2017). With K = max(M, N) the
// pieces are embedded in K x K unitaries:
//   V_K = blockdiag(V, I_{K-N}),  U_K = blockdiag(U, I_{K-M}),  S_K = diag(s_1..s_min(M,N), 0...)
// so that W = [U_K S_K V_K^T] restricted to rows 0..M-1 and columns 0..N-1: inputs enter the
// first N modes (the others dark), v_mesh realises V_K^T, the attenuators pass s_i / sigma_max
// (modes past min(M, N) are blocked, attenuation 0), u_mesh realises U_K, and the first M
// outputs are read. W = 0 gives sigma_max = 0 and all-zero attenuation.
struct SvdMeshes {
    ClementsMesh u_mesh;
    ClementsMesh v_mesh;
    Eigen::VectorXd attenuation;  // K amplitude transmissions in [0, 1]
    double sigma_max = 0.0;
    int rows = 0;
    int cols = 0;
};
// Precondition: W is non-empty and finite.
SvdMeshes svd_meshes(const Eigen::MatrixXd& weights);

// The M x N matrix the hardware implements, scaled back by sigma_max:
//   sigma_max [T_U diag(attenuation) T_V] restricted to rows 0..M-1, columns 0..N-1,
// with T_V then T_U drawn in turn from the one stream CounterRng(seed, stream). The attenuators
// are ideal. The real part is what real inputs see; the imaginary part is the leakage.
// Preconditions: `m` from svd_meshes, and imperfections_in_range(imp).
Eigen::MatrixXcd implemented_matrix(const SvdMeshes& m, const MeshImperfections& imp, std::uint64_t seed,
                                    std::uint64_t stream);

}  // namespace lightwatt::photonics
