// Mean optimizers for the distribution-based strategies: SGD with momentum, Adam and ClipUp.
//   Adam: D. P. Kingma, J. Ba, "Adam: a method for stochastic optimization", ICLR 2015.
//   ClipUp: N. E. Toklu, P. Liskowski, R. K. Srivastava, "ClipUp: a simple and powerful optimizer for
//   distribution-based policy evolution", PPSN 2020.
// Every optimizer takes an ASCENT direction g (the estimated gradient of the expected utility) and moves
// the parameters up it. The learning rate decays geometrically per step down to lr_limit.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "lamarck/es/strategy.h"

namespace lamarck::es {

enum class OptimizerKind { sgd, adam, clipup };
OptimizerKind parse_optimizer(const std::string& name);
const char* optimizer_name(OptimizerKind kind);

struct OptimizerParams {
  OptimizerKind kind = OptimizerKind::sgd;
  double lr = 1e-3;          // step size (ClipUp: the velocity increment alpha)
  double lr_decay = 1.0;     // lr multiplier per step
  double lr_limit = 0.0;     // lr never decays below this
  double momentum = 0.0;     // SGD momentum; ClipUp momentum (0.9 typical)
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;  // Adam
  double max_speed = 0.0;    // ClipUp: maximum velocity norm (0 = 2 * lr)

  // Reads "<prefix>lr", "<prefix>lr_decay", ... from options; kind by code (0 sgd, 1 adam, 2 clipup).
  static OptimizerParams read(OptionReader& opts, OptimizerParams defaults);
};

struct OptimizerState {
  std::vector<float> m, v;  // (D) momentum / first moment, second moment
  int64_t t = 0;            // steps taken
  double lr = 0.0;          // current learning rate

  template <class Archive>
  void serialize(Archive& ar) {
    ar(m, v, t, lr);
  }
};

OptimizerState optimizer_init(const OptimizerParams& p, int64_t dim);
// theta += step(g); g is an ascent direction (D).
void optimizer_step(const OptimizerParams& p, OptimizerState& s, std::vector<float>& theta, const std::vector<float>& g);

}  // namespace lamarck::es
