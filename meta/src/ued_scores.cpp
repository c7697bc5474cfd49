// Level scores (ued_scores.h).
#include "lamarck/meta/ued_scores.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "lamarck/core/error.h"

namespace lamarck::meta {

const std::vector<std::string>& ued_score_names() {
  static const std::vector<std::string> names = {"max_mc", "pvl", "true_regret"};
  return names;
}

UedScore parse_ued_score(const std::string& name) {
  if (name == "max_mc") return UedScore::max_mc;
  if (name == "pvl") return UedScore::pvl;
  if (name == "true_regret") return UedScore::true_regret;
  throw InvalidArgument("unknown UED score \"" + name + "\" (known: max_mc, pvl, true_regret)");
}

RowScore score_row(UedScore kind, const RolloutView& v, int64_t r, float previous_max_return, float optimal_return) {
  RowScore out;
  // the episodes' returns first: R_max enters MaxMC's per-step terms
  double ret = 0, return_sum = 0;
  float max_return = std::max(previous_max_return, 0.0f);
  for (int64_t t = 0; t < v.T; ++t) {
    const size_t i = size_t(t * v.rows + r);
    ret += double(v.rewards[i]);
    if (v.dones[i]) {
      return_sum += ret;
      max_return = std::max(max_return, float(ret));
      ++out.episodes;
      ret = 0;
    }
  }
  out.max_return = max_return;
  out.mean_return = out.episodes ? float(return_sum / double(out.episodes)) : 0.0f;
  if (out.episodes == 0) {
    out.score = -std::numeric_limits<float>::infinity();
    return out;
  }
  if (kind == UedScore::true_regret) {
    out.score = optimal_return - out.mean_return;
    return out;
  }
  // the mean over episodes of each episode's time average
  double episode_sum = 0, score_sum = 0;
  int64_t steps = 0;
  for (int64_t t = 0; t < v.T; ++t) {
    const size_t i = size_t(t * v.rows + r);
    episode_sum += kind == UedScore::max_mc ? double(max_return) - double(v.values[i])
                                            : std::max(double(v.advantages[i]), 0.0);
    ++steps;
    if (v.dones[i]) {
      score_sum += episode_sum / double(steps);
      episode_sum = 0;
      steps = 0;
    }
  }
  out.score = float(score_sum / double(out.episodes));
  return out;
}

}  // namespace lamarck::meta
