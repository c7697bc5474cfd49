// Mean optimizers: SGD with momentum, Adam (Kingma & Ba 2015), ClipUp (Toklu et al. 2020).
#include "lamarck/es/optimizer.h"

#include <algorithm>

#include "lamarck/core/error.h"

namespace lamarck::es {

OptimizerKind parse_optimizer(const std::string& name) {
  if (name == "sgd") return OptimizerKind::sgd;
  if (name == "adam") return OptimizerKind::adam;
  if (name == "clipup") return OptimizerKind::clipup;
  throw_unknown_choice("optimizer", name, {"sgd", "adam", "clipup"});
}

const char* optimizer_name(OptimizerKind kind) {
  switch (kind) {
    case OptimizerKind::sgd: return "sgd";
    case OptimizerKind::adam: return "adam";
    case OptimizerKind::clipup: return "clipup";
  }
  return "?";
}

OptimizerParams OptimizerParams::read(OptionReader& opts, OptimizerParams d) {
  OptimizerParams p = d;
  const double kind = opts.get("optimizer", double(int(d.kind)));
  if (kind != 0.0 && kind != 1.0 && kind != 2.0)
    throw InvalidArgument("option optimizer=" + std::to_string(kind) + " must be 0 (sgd), 1 (adam) or 2 (clipup)");
  p.kind = OptimizerKind(int(kind));
  p.lr = opts.get("lr", d.lr);
  p.lr_decay = opts.get("lr_decay", d.lr_decay);
  p.lr_limit = opts.get("lr_limit", d.lr_limit);
  p.momentum = opts.get("momentum", d.momentum);
  p.beta1 = opts.get("beta1", d.beta1);
  p.beta2 = opts.get("beta2", d.beta2);
  p.eps = opts.get("eps", d.eps);
  p.max_speed = opts.get("max_speed", d.max_speed);
  if (!(p.lr > 0.0)) throw InvalidArgument("option lr=" + std::to_string(p.lr) + " must be positive");
  return p;
}

OptimizerState optimizer_init(const OptimizerParams& p, int64_t dim) {
  OptimizerState s;
  s.m.assign(size_t(dim), 0.0f);
  if (p.kind == OptimizerKind::adam) s.v.assign(size_t(dim), 0.0f);
  s.lr = p.lr;
  return s;
}

void optimizer_step(const OptimizerParams& p, OptimizerState& s, std::vector<float>& theta,
                    const std::vector<float>& g) {
  const size_t n = theta.size();
  const float lr = float(s.lr);
  s.t += 1;
  switch (p.kind) {
    // SGD with (heavy-ball) momentum
    case OptimizerKind::sgd: {
      const float mu = float(p.momentum);
      for (size_t j = 0; j < n; ++j) {
        s.m[j] = mu * s.m[j] + g[j];
        theta[j] += lr * s.m[j];
      }
      break;
    }
    // Adam with bias correction
    case OptimizerKind::adam: {
      const float b1 = float(p.beta1), b2 = float(p.beta2), eps = float(p.eps);
      const float c1 = float(1.0 - std::pow(p.beta1, double(s.t)));
      const float c2 = float(1.0 - std::pow(p.beta2, double(s.t)));
      for (size_t j = 0; j < n; ++j) {
        s.m[j] = b1 * s.m[j] + (1.0f - b1) * g[j];
        s.v[j] = b2 * s.v[j] + (1.0f - b2) * g[j] * g[j];
        theta[j] += lr * (s.m[j] / c1) / (std::sqrt(s.v[j] / c2) + eps);
      }
      break;
    }
    // ClipUp: normalised gradient into a momentum velocity whose norm is clipped to max_speed
    case OptimizerKind::clipup: {
      double norm = 0.0;
      for (size_t j = 0; j < n; ++j) norm += double(g[j]) * g[j];
      norm = std::sqrt(norm);
      const float inv = norm > 0.0 ? float(1.0 / norm) : 0.0f;
      const float mu = float(p.momentum);
      double vnorm = 0.0;
      for (size_t j = 0; j < n; ++j) {
        s.m[j] = mu * s.m[j] + lr * g[j] * inv;
        vnorm += double(s.m[j]) * s.m[j];
      }
      vnorm = std::sqrt(vnorm);
      const double max_speed = p.max_speed > 0.0 ? p.max_speed : 2.0 * s.lr;
      const float scale = vnorm > max_speed ? float(max_speed / vnorm) : 1.0f;
      for (size_t j = 0; j < n; ++j) {
        s.m[j] *= scale;
        theta[j] += s.m[j];
      }
      break;
    }
  }
  s.lr = std::max(p.lr_limit, s.lr * p.lr_decay);
}

}  // namespace lamarck::es
