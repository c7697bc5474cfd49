// OpenES: T. Salimans, J. Ho, X. Chen, S. Sidor, I. Sutskever, "Evolution strategies as a scalable
// alternative to reinforcement learning", arXiv 1703.03864 (2017).
//
// Antithetic Gaussian perturbations x = mean ± sigma * eps, centred-rank shaping, gradient estimate
// g = sum_i u_i * eps_i / (P * sigma) handed to a mean optimizer (SGD with momentum, Adam or ClipUp);
// sigma and lr decay geometrically per generation to their limits. Runs on CPU or CUDA (exec.device):
// on CUDA the population passed to ask/tell lives on the device.
//
// Options: sigma_decay (1), sigma_limit (0), optimizer (1 = adam; 0 sgd, 2 clipup), lr (0.01),
// lr_decay (1), lr_limit (0), momentum (0), beta1, beta2, eps, max_speed; pop default 64 (even).
#pragma once

#include <memory>

#include "lamarck/es/optimizer.h"
#include "lamarck/es/strategy.h"

namespace lamarck::es {

struct OpenEsParams {
  double sigma_decay = 1.0;  // sigma multiplier per generation
  double sigma_limit = 0.0;  // sigma never decays below this
  OptimizerParams opt{OptimizerKind::adam, 0.01};
};

struct OpenEsState {
  std::vector<float> mean;  // (D)
  double sigma = 1.0;
  OptimizerState opt;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(mean, sigma, opt);
  }
};

std::unique_ptr<Strategy> make_open_es(const Settings& settings);

}  // namespace lamarck::es
