// Novelty search archive and k-nearest-neighbour novelty (Lehman & Stanley 2011; Conti et al. 2018).
#include "lamarck/es/novelty.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "lamarck/core/error.h"

namespace lamarck::es {

NoveltyArchive::NoveltyArchive(int64_t behaviour_dim, int64_t k, int64_t add_per_generation, int64_t capacity)
    : bdim_(behaviour_dim), k_(k), add_(add_per_generation), capacity_(capacity) {
  if (behaviour_dim <= 0) throw InvalidArgument("behaviour dimension must be positive");
  if (k <= 0) throw InvalidArgument("novelty k must be positive, got " + std::to_string(k));
  if (add_per_generation < 0) throw InvalidArgument("add_per_generation must be >= 0");
}

std::vector<float> NoveltyArchive::novelty(const float* b, int64_t pop) const {
  const int64_t n_archive = size();
  std::vector<float> out(static_cast<size_t>(pop));
  std::vector<double> dist;
  for (int64_t i = 0; i < pop; ++i) {
    dist.clear();
    auto distance = [&](const float* other) {
      double s = 0.0;
      for (int64_t j = 0; j < bdim_; ++j) s += double(b[i * bdim_ + j] - other[j]) * (b[i * bdim_ + j] - other[j]);
      return std::sqrt(s);
    };
    for (int64_t a = 0; a < n_archive; ++a) dist.push_back(distance(archive_.data() + a * bdim_));
    for (int64_t o = 0; o < pop; ++o)
      if (o != i) dist.push_back(distance(b + o * bdim_));
    const int64_t k = std::min<int64_t>(k_, int64_t(dist.size()));
    if (k == 0) continue;
    std::partial_sort(dist.begin(), dist.begin() + k, dist.end());
    out[size_t(i)] = float(std::accumulate(dist.begin(), dist.begin() + k, 0.0) / double(k));
  }
  return out;
}

std::vector<float> NoveltyArchive::score(const float* b, int64_t pop) {
  std::vector<float> nov = novelty(b, pop);
  std::vector<int64_t> order(static_cast<size_t>(pop));
  std::iota(order.begin(), order.end(), int64_t(0));
  std::stable_sort(order.begin(), order.end(), [&](int64_t x, int64_t y) { return nov[size_t(x)] > nov[size_t(y)]; });
  for (int64_t t = 0; t < std::min(add_, pop); ++t) add(b + order[size_t(t)] * bdim_);
  return nov;
}

void NoveltyArchive::add(const float* b) {
  if (capacity_ > 0 && size() >= capacity_) archive_.erase(archive_.begin(), archive_.begin() + bdim_);
  archive_.insert(archive_.end(), b, b + bdim_);
}

}  // namespace lamarck::es
