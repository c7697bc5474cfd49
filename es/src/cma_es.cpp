// CMA-ES (Hansen 2016, arXiv 1604.00772) with active update and IPOP (Auger & Hansen 2005) / BIPOP
// (Hansen 2009) restarts. See cma_es.h.
#include "lamarck/es/cma_es.h"

#include "lamarck/core/eigen.h"
#include <algorithm>
#include <cmath>
#include <limits>

#include "lamarck/core/device_array.h"
#include "lamarck/core/error.h"
#include "lamarck/core/nn/gemm.h"
#include "lamarck/es/kernels.h"
#include "state_io.h"

namespace lamarck::es {

int64_t cma_default_popsize(int64_t n) { return 4 + int64_t(std::floor(3.0 * std::log(double(n)))); }

CmaConstants cma_constants(int64_t n_, int64_t lambda, bool active, bool separable) {
  CmaConstants c;
  const double n = double(n_);
  c.lambda = lambda;
  c.mu = lambda / 2;
  // raw weights w'_i = ln((lambda+1)/2) - ln(i), i = 1..lambda
  std::vector<double> raw(static_cast<size_t>(lambda));
  double pos = 0, pos2 = 0, neg = 0, neg2 = 0;
  for (int64_t i = 0; i < lambda; ++i) {
    raw[size_t(i)] = std::log((double(lambda) + 1.0) / 2.0) - std::log(double(i) + 1.0);
    if (i < c.mu) {
      pos += raw[size_t(i)];
      pos2 += raw[size_t(i)] * raw[size_t(i)];
    } else {
      neg += raw[size_t(i)];
      neg2 += raw[size_t(i)] * raw[size_t(i)];
    }
  }
  c.mueff = pos * pos / pos2;
  c.mueff_neg = neg2 > 0 ? neg * neg / neg2 : 0.0;
  // learning rates: tutorial Table 1 with pycma 4.4's variants (cs denominator n + mueff + 3, c1 scaled
  // by min(1, lambda/6), rank-mu offset 0.25 in cmu)
  c.cc = (4.0 + c.mueff / n) / (n + 4.0 + 2.0 * c.mueff / n);
  c.cs = (c.mueff + 2.0) / (n + c.mueff + 3.0);
  c.c1 = std::min(1.0, double(lambda) / 6.0) * 2.0 / ((n + 1.3) * (n + 1.3) + c.mueff);
  c.cmu = std::min(1.0 - c.c1, 2.0 * (0.25 + c.mueff - 2.0 + 1.0 / c.mueff) / ((n + 2.0) * (n + 2.0) + c.mueff));
  if (separable) {
    c.c1 *= (n + 2.0) / 3.0;
    c.cmu = std::min(1.0 - c.c1, (0.3 + c.mueff - 2.0 + 1.0 / c.mueff) / (n + 4.0 * std::sqrt(n) + c.mueff / 2.0));
  }
  c.damps = 1.0 + 2.0 * std::max(0.0, std::sqrt((c.mueff - 1.0) / (n + 1.0)) - 1.0) + c.cs;
  c.chi_n = std::sqrt(n) * (1.0 - 1.0 / (4.0 * n) + 1.0 / (21.0 * n * n));
  // positive weights sum to 1; negative ones to -min(alpha_mu-, alpha_mueff-, alpha_posdef-)
  const double alpha_mu = 1.0 + c.c1 / c.cmu;
  const double alpha_mueff = 1.0 + 2.0 * c.mueff_neg / (c.mueff + 2.0);
  const double alpha_posdef = (1.0 - c.c1 - c.cmu) / (n * c.cmu);
  const double neg_scale = std::min(alpha_mu, std::min(alpha_mueff, alpha_posdef));
  c.weights.resize(size_t(lambda));
  for (int64_t i = 0; i < lambda; ++i) {
    const double w = raw[size_t(i)];
    c.weights[size_t(i)] = i < c.mu ? w / pos : (active && neg != 0.0 ? neg_scale * w / std::fabs(neg) : 0.0);
  }
  return c;
}

namespace {

using Eigen::Map;
using Eigen::MatrixXd;
using Eigen::VectorXd;

struct CmaParams {
  CmaRestarts restarts = CmaRestarts::none;
  bool active = true;
  int64_t max_restarts = 9;
  double incpopsize = 2.0;
  double restart_box = 0.0;
  double cmean = 1.0;
  double tolfun = 1e-11, tolx = 1e-11, tolcondition = 1e14;
};

struct CmaState {
  int64_t lambda = 0;            // current population
  double sigma = 1.0, sigma0 = 1.0;
  std::vector<double> mean, pc, ps;  // (n)
  std::vector<double> C, B, invsqrtC;  // (n, n) column-major
  std::vector<double> D;             // (n) sqrt of the eigenvalues of C
  int64_t iter = 0, eigen_iter = 0;  // generations since the (re)start, at the last decomposition
  std::vector<double> best_hist;     // best loss of recent generations (tolfun)
  int64_t restarts = 0, n_large = 0; // restarts done, large-population restarts (BIPOP)
  int64_t evals_large = 0, evals_small = 0, run_evals = 0;
  bool small_regime = false, stopped = false;
  int64_t last_stop = 0;             // code of the last termination criterion (0 none)
  template <class Archive>
  void serialize(Archive& ar) {
    ar(lambda, sigma, sigma0, mean, pc, ps, C, B, invsqrtC, D, iter, eigen_iter, best_hist);
    ar(restarts, n_large, evals_large, evals_small, run_evals, small_regime, stopped, last_stop);
  }
};

class CmaEs final : public Strategy {
 public:
  CmaEs(const std::string& name, const Settings& s, CmaRestarts restarts)
      : Strategy(name, s, Shaping::rank_weights) {
    OptionReader opts(settings_.options, name_);
    params_.restarts = restarts;
    params_.active = opts.get("active", 1.0) != 0.0;
    params_.max_restarts = restarts == CmaRestarts::none ? 0 : int64_t(opts.get("restarts", 9.0));
    params_.incpopsize = opts.get("incpopsize", 2.0);
    params_.restart_box = opts.get("restart_box", 0.0);
    params_.cmean = opts.get("cmean", 1.0);
    params_.tolfun = opts.get("tolfun", params_.tolfun);
    params_.tolx = opts.get("tolx", params_.tolx);
    opts.finish();
    if (settings_.pop_size == 0) settings_.pop_size = cma_default_popsize(dim());
    if (settings_.pop_size < 2) throw InvalidArgument(name_ + " needs a population of at least 2");
    default_lambda_ = settings_.pop_size;
    const std::vector<float> m0 = initial_mean();
    start_run(std::vector<double>(m0.begin(), m0.end()), settings_.sigma_init, default_lambda_);
  }

  int64_t pop_size() const override { return state_.lambda; }
  std::vector<float> mean() const override { return std::vector<float>(state_.mean.begin(), state_.mean.end()); }
  double step_size() const override { return state_.sigma; }
  bool converged() const override { return state_.stopped; }
  std::map<std::string, double> stats() const override {
    const auto [mn, mx] = std::minmax_element(state_.D.begin(), state_.D.end());
    return {{"restarts", double(state_.restarts)}, {"lambda", double(state_.lambda)},
            {"axis_ratio", *mx / *mn}, {"stop_code", double(state_.last_stop)}};
  }

 protected:
  std::vector<float> rank_weights(int64_t pop) const override {
    const CmaConstants c = cma_constants(dim(), pop, params_.active);
    return std::vector<float>(c.weights.begin(), c.weights.end());
  }

  bool device_kernels() const override { return true; }

  void sample(float* population) const override {
    const int64_t n = dim();
    if (compute_exec().device != Device::cpu) {
      sample_on_device(population);
      return;
    }
    const MatrixXd& Y = draws(book_.generation);
    for (int64_t k = 0; k < state_.lambda; ++k)
      for (int64_t j = 0; j < n; ++j)
        population[k * n + j] = float(state_.mean[size_t(j)] + state_.sigma * Y(j, k));
  }

  void update(const float*, const Ranked& r) override {
    const int64_t n = dim(), lambda = state_.lambda;
    const CmaConstants& c = consts_;
    // y_k = B D z_k of this generation, in rank order
    const MatrixXd& drawn = draws(book_.generation);
    MatrixXd Y(n, lambda);
    for (int64_t k = 0; k < lambda; ++k) Y.col(k) = drawn.col(r.order[size_t(k)]);
    Map<VectorXd> m(state_.mean.data(), n), pc(state_.pc.data(), n), ps(state_.ps.data(), n);
    Map<MatrixXd> C(state_.C.data(), n, n), invsqrtC(state_.invsqrtC.data(), n, n);
    VectorXd yw = VectorXd::Zero(n);
    for (int64_t k = 0; k < c.mu; ++k) yw += c.weights[size_t(k)] * Y.col(k);
    // mean, then the evolution paths
    m += params_.cmean * state_.sigma * yw;
    const VectorXd cyw = invsqrtC * yw;
    ps = (1.0 - c.cs) * ps + std::sqrt(c.cs * (2.0 - c.cs) * c.mueff) * cyw;
    state_.iter += 1;
    const double ps_norm = ps.norm();
    const double ps_corr = std::sqrt(1.0 - std::pow(1.0 - c.cs, 2.0 * double(state_.iter)));
    const bool hsig = ps_norm / ps_corr / c.chi_n < 1.4 + 2.0 / (double(n) + 1.0);
    pc = (1.0 - c.cc) * pc + (hsig ? std::sqrt(c.cc * (2.0 - c.cc) * c.mueff) : 0.0) * yw;
    // covariance: rank-one + rank-mu with active (negative) weights rescaled by n / |C^-1/2 y|^2
    double wsum = 0.0;
    Eigen::VectorXd wk(lambda);
    for (int64_t k = 0; k < lambda; ++k) {
      double w = c.weights[size_t(k)];
      wsum += w;
      if (w < 0.0) w *= double(n) / std::max(1e-300, (invsqrtC * Y.col(k)).squaredNorm());
      wk[k] = w;
    }
    const double delta_h = hsig ? 0.0 : c.cc * (2.0 - c.cc);
    C *= 1.0 + c.c1 * delta_h - c.c1 - c.cmu * wsum;
    C.noalias() += c.c1 * pc * pc.transpose();
    C.noalias() += c.cmu * Y * wk.asDiagonal() * Y.transpose();
    // step size (CSA), change capped at a factor e per generation as in pycma
    state_.sigma *= std::exp(std::min(1.0, c.cs / c.damps * (ps_norm / c.chi_n - 1.0)));
    state_.sigma = std::min(state_.sigma, 1e100);
    // lazy eigendecomposition
    const double gap = 0.5 / ((c.c1 + c.cmu) * double(n));
    if (double(state_.iter - state_.eigen_iter) >= gap) decompose();
    state_.run_evals += lambda;
    // termination and restarts
    state_.last_stop = termination_code(r);
    if (state_.last_stop != 0) {
      // the restart budget counts IPOP restarts, and BIPOP's large-population ones (Hansen 2009: the
      // small-population runs in between are limited by their evaluation budget instead)
      const int64_t used = params_.restarts == CmaRestarts::bipop ? state_.n_large : state_.restarts;
      if (used < params_.max_restarts)
        restart();
      else
        state_.stopped = true;
    }
  }

  void save_state(std::string& out) const override { out = detail::to_bytes(state_); }
  void load_state(const std::string& in) override {
    detail::from_bytes(in, state_);
    cache_gen_ = -1;
    consts_ = cma_constants(dim(), state_.lambda, params_.active);
  }

 private:
  // The CUDA path of sample: Z^T (lambda, n) = the scaled double normals (the keys and D of draws()),
  // Y^T = Z^T B^T by one cuBLAS GEMM (B's column-major storage is B^T row-major), candidates mean + sigma y
  // on the device. Y^T row-major is Y column-major: it is copied into the host cache that update reads.
  // The O(n^2 lambda) update and the eigendecomposition stay on the host.
  void sample_on_device(float* population) const {
    require_device(compute_exec());  // throws where CUDA is not there
    const int64_t n = dim(), lambda = state_.lambda, pairs = (n + 1) / 2;
    const Device d = compute_exec().device;
    const Key gen = generation_key(book_.generation);
    std::vector<Key> keys(static_cast<size_t>(lambda));
    for (int64_t k = 0; k < lambda; ++k) keys[size_t(k)] = row_key(gen, k);
    DeviceArray<Key> keys_dev(keys, d);
    DeviceArray<double> scale_dev(state_.D, d), b_dev(state_.B, d), mean_dev(state_.mean, d);
    DeviceArray<double> zt(lambda * n, d), yt(lambda * n, d);
    cuda::diagonal_normals_double(DiagonalNormalsDouble{keys_dev.data(), scale_dev.data(), zt.data(), n, pairs},
                                  lambda * pairs);
    nn::gemm_batched<double>(Exec{d, 0}, nn::gemm_args(nn::Trans::no, nn::Trans::no, 1, lambda, n, n, 0, 0, 0), 1.0,
                             zt.data(), b_dev.data(), 0.0, yt.data());
    cuda::affine_rows(AffineRows{yt.data(), mean_dev.data(), state_.sigma, population, n}, lambda * n);
    cache_.resize(n, lambda);
    yt.copy_to_host(cache_.data(), lambda * n);
    cache_gen_ = book_.generation;
  }

  // Y (n, lambda): column k = B (D .* z_k), z_k ~ N(0, I) from the key of candidate k of generation g.
  // Cached for the generation (ask and tell both need it); the cache is rebuilt from the keys when stale.
  const MatrixXd& draws(int64_t g) const {
    if (cache_gen_ == g && cache_.cols() == state_.lambda) return cache_;
    const int64_t n = dim();
    const Key gen = generation_key(g);
    MatrixXd Z(n, state_.lambda);
    for (int64_t k = 0; k < state_.lambda; ++k) {
      normal_double_row(row_key(gen, k), Z.col(k).data(), n);
      Z.col(k).array() *= Map<const VectorXd>(state_.D.data(), n).array();
    }
    cache_.noalias() = Map<const MatrixXd>(state_.B.data(), n, n) * Z;
    cache_gen_ = g;
    return cache_;
  }

  void decompose() {
    const int64_t n = dim();
    Map<MatrixXd> C(state_.C.data(), n, n);
    C = C.triangularView<Eigen::Upper>().toDenseMatrix().selfadjointView<Eigen::Upper>();  // symmetrise
    Eigen::SelfAdjointEigenSolver<MatrixXd> eig(C);
    VectorXd ev = eig.eigenvalues().cwiseMax(1e-300);
    Map<MatrixXd>(state_.B.data(), n, n) = eig.eigenvectors();
    for (int64_t j = 0; j < n; ++j) state_.D[size_t(j)] = std::sqrt(ev[j]);
    Map<MatrixXd>(state_.invsqrtC.data(), n, n) =
        eig.eigenvectors() * ev.cwiseSqrt().cwiseInverse().asDiagonal() * eig.eigenvectors().transpose();
    state_.eigen_iter = state_.iter;
  }

  // 0: go on; 1 tolfun, 2 tolx, 3 conditioncov, 4 noeffectaxis, 5 noeffectcoord, 6 maxiter, 7 tolupsigma
  int64_t termination_code(const Ranked& r) {
    const int64_t n = dim(), lambda = state_.lambda;
    const double best = r.loss[size_t(r.order.front())], worst = r.loss[size_t(r.order.back())];
    const size_t hist_len = size_t(10 + std::ceil(30.0 * double(n) / double(lambda)));
    state_.best_hist.push_back(best);
    if (state_.best_hist.size() > hist_len) state_.best_hist.erase(state_.best_hist.begin());
    if (state_.best_hist.size() == hist_len) {
      const auto [lo, hi] = std::minmax_element(state_.best_hist.begin(), state_.best_hist.end());
      if (std::max(*hi - *lo, worst - best) < params_.tolfun) return 1;
    }
    bool tolx = true, coord = false;
    for (int64_t j = 0; j < n; ++j) {
      const double cjj = state_.C[size_t(j * n + j)];
      tolx = tolx && state_.sigma * std::sqrt(cjj) < params_.tolx && state_.sigma * std::fabs(state_.pc[size_t(j)]) < params_.tolx;
      const double mj = state_.mean[size_t(j)];
      coord = coord || mj == mj + 0.2 * state_.sigma * std::sqrt(cjj);
    }
    if (tolx) return 2;
    const auto [dmin, dmax] = std::minmax_element(state_.D.begin(), state_.D.end());
    if ((*dmax / *dmin) * (*dmax / *dmin) > params_.tolcondition) return 3;
    const int64_t axis = state_.iter % n;
    bool no_effect = true;
    for (int64_t j = 0; j < n && no_effect; ++j) {
      const double mj = state_.mean[size_t(j)];
      no_effect = mj == mj + 0.1 * state_.sigma * state_.D[size_t(axis)] * state_.B[size_t(axis * n + j)];
    }
    if (no_effect) return 4;
    if (coord) return 5;
    if (double(state_.iter) > 100.0 + 150.0 * double((n + 3) * (n + 3)) / std::sqrt(double(lambda))) return 6;
    if (state_.sigma * *dmax > 1e20 * state_.sigma0) return 7;
    return 0;
  }

  void start_run(std::vector<double> mean, double sigma, int64_t lambda) {
    const int64_t n = dim();
    state_.lambda = lambda;
    state_.sigma = state_.sigma0 = sigma;
    state_.mean = std::move(mean);
    state_.pc.assign(size_t(n), 0.0);
    state_.ps.assign(size_t(n), 0.0);
    state_.C.assign(size_t(n * n), 0.0);
    state_.B.assign(size_t(n * n), 0.0);
    state_.invsqrtC.assign(size_t(n * n), 0.0);
    for (int64_t j = 0; j < n; ++j) state_.C[size_t(j * n + j)] = state_.B[size_t(j * n + j)] = state_.invsqrtC[size_t(j * n + j)] = 1.0;
    state_.D.assign(size_t(n), 1.0);
    state_.iter = state_.eigen_iter = 0;
    cache_gen_ = -1;
    state_.best_hist.clear();
    state_.run_evals = 0;
    consts_ = cma_constants(n, lambda, params_.active);
  }

  // IPOP: lambda *= incpopsize. BIPOP: large regime as IPOP, or a small-population run with
  // lambda = floor(lambda_def (lambda_large / (2 lambda_def))^(U^2)) and sigma = sigma0 10^(-2U), chosen
  // when the small regime has used fewer evaluations than the large one.
  void restart() {
    const int64_t n = dim();
    if (state_.small_regime) state_.evals_small += state_.run_evals; else state_.evals_large += state_.run_evals;
    state_.restarts += 1;
    Philox rng(derive_key(settings_.seed, kEsStream, 1 + uint64_t(state_.restarts), 0));
    std::vector<double> m0;
    if (params_.restart_box > 0.0) {
      for (int64_t j = 0; j < n; ++j) m0.push_back(params_.restart_box * (2.0 * rng.uniform_double() - 1.0));
    } else {
      const std::vector<float> init = initial_mean();
      m0.assign(init.begin(), init.end());
    }
    int64_t lambda = default_lambda_;
    double sigma = settings_.sigma_init;
    if (params_.restarts == CmaRestarts::ipop) {
      lambda = int64_t(std::llround(double(state_.lambda) * params_.incpopsize));
      state_.small_regime = false;
    } else {
      const double lambda_large = double(default_lambda_) * std::pow(params_.incpopsize, double(state_.n_large));
      if (state_.evals_small < state_.evals_large) {
        const double u = rng.uniform_double();
        lambda = std::max<int64_t>(2, int64_t(std::floor(double(default_lambda_) *
                                                         std::pow(0.5 * lambda_large / double(default_lambda_), u * u))));
        sigma = settings_.sigma_init * std::pow(10.0, -2.0 * u);
        state_.small_regime = true;
      } else {
        state_.n_large += 1;
        lambda = int64_t(std::llround(double(default_lambda_) * std::pow(params_.incpopsize, double(state_.n_large))));
        state_.small_regime = false;
      }
    }
    start_run(std::move(m0), sigma, lambda);
  }

  CmaParams params_;
  CmaState state_;
  CmaConstants consts_;
  int64_t default_lambda_ = 0;
  mutable MatrixXd cache_;        // draws of generation cache_gen_ (see draws)
  mutable int64_t cache_gen_ = -1;
};

}  // namespace

std::unique_ptr<Strategy> make_cma_es(const Settings& s) { return std::make_unique<CmaEs>("cma_es", s, CmaRestarts::none); }
std::unique_ptr<Strategy> make_ipop_cma_es(const Settings& s) {
  return std::make_unique<CmaEs>("ipop_cma_es", s, CmaRestarts::ipop);
}
std::unique_ptr<Strategy> make_bipop_cma_es(const Settings& s) {
  return std::make_unique<CmaEs>("bipop_cma_es", s, CmaRestarts::bipop);
}

}  // namespace lamarck::es
