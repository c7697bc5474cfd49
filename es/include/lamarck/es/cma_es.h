// CMA-ES with active covariance update and IPOP/BIPOP restarts.
//   N. Hansen, "The CMA evolution strategy: a tutorial", arXiv 1604.00772 (2016): default parameters,
//   eqs. 44-58 (the defaults pycma 4.4 uses), active update with negative weights (Jastrebski & Arnold
//   2006; Hansen & Ros 2010).
//   IPOP: A. Auger, N. Hansen, "A restart CMA evolution strategy with increasing population size", CEC 2005.
//   BIPOP: N. Hansen, "Benchmarking a BI-population CMA-ES on the BBOB-2009 function testbed", GECCO 2009.
//
// Sampling y_k = B D z_k with z_k ~ N(0, I) drawn in double precision from the key of (generation, k);
// candidates x_k = m + sigma y_k are returned as float. tell regenerates y_k from the keys (nothing but
// the state is stored). The eigendecomposition of C is refreshed lazily, every 0.5 / ((c1 + cmu) N)
// generations as in pycma. Termination criteria (pycma defaults): tolfun 1e-11 (with history), tolx 1e-11
// (relative to sigma0), tolconditioncov 1e14, no-effect axis/coordinate, maxiter 100 + 150 (N+3)^2/sqrt(lambda).
//
// Names: "cma_es" (no restarts), "ipop_cma_es", "bipop_cma_es". Options: active (1), restarts (9),
// incpopsize (2), restart_box (0: restart at the initial mean; b > 0: uniform in [-b, b]^D),
// cmean (1), tolfun (1e-11), tolx (1e-11). For BIPOP, `restarts` bounds the large-population restarts.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "lamarck/es/strategy.h"

namespace lamarck::es {

// The default strategy parameters for dimension n and population lambda (tutorial Table 1).
struct CmaConstants {
  int64_t lambda = 0, mu = 0;
  std::vector<double> weights;  // (lambda) positive for the mu best (sum 1), negative for the rest (active)
  double mueff = 0, mueff_neg = 0;
  double cc = 0, cs = 0, c1 = 0, cmu = 0, damps = 0, chi_n = 0, cmean = 1;
};
// active = false zeroes the negative weights. separable = true applies the Sep-CMA-ES learning rates
// (Ros & Hansen 2008): c1 *= (n + 2)/3, cmu = min(1 - c1, (0.3 + mueff - 2 + 1/mueff)/(n + 4 sqrt(n) + mueff/2)).
CmaConstants cma_constants(int64_t n, int64_t lambda, bool active, bool separable = false);
int64_t cma_default_popsize(int64_t n);

enum class CmaRestarts { none, ipop, bipop };

std::unique_ptr<Strategy> make_cma_es(const Settings& settings);
std::unique_ptr<Strategy> make_ipop_cma_es(const Settings& settings);
std::unique_ptr<Strategy> make_bipop_cma_es(const Settings& settings);

}  // namespace lamarck::es
