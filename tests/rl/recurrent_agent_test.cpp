// The maze student (recurrent_agent.h): the layout JaxUED's ActorCritic has, and the gradients of a whole
// rollout (conv, direction embedding, LSTM, both heads, carry resets inside the rollout, backpropagation
// through time) against finite differences in double.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "lamarck/core/rng.h"
#include "lamarck/rl/recurrent_agent.h"

namespace lamarck::rl {
namespace {

std::vector<double> randn(int64_t n, uint64_t seed, double scale) {
  Philox rng(key_from_seed(seed));
  std::vector<double> v(static_cast<size_t>(n));
  for (auto& x : v) x = scale * rng.normal_double();
  return v;
}

TEST(RecurrentAgent, LayoutIsJaxUEDsActorCritic) {
  const RecurrentAgentLayout l = make_recurrent_agent_layout();
  EXPECT_EQ(l.obs_size(), 76);
  EXPECT_EQ(l.conv.out_size(), 144);  // 3 x 3 x 16
  EXPECT_EQ(l.features(), 149);       // + the 5-wide direction embedding
  EXPECT_EQ(l.hidden(), 256);
  const int64_t conv = 3 * 3 * 3 * 16 + 16, embed = 4 * 5 + 5, lstm = (149 + 256 + 1) * 4 * 256,
                actor = 256 * 32 + 32 + 32 * 7 + 7, critic = 256 * 32 + 32 + 32 + 1;
  EXPECT_EQ(l.num_params, conv + embed + lstm + actor + critic);
  std::vector<float> row(size_t(l.num_params));
  init_recurrent_agent(l, key_from_seed(3), row.data());
  // the LSTM and conv biases start at 0, the kernels do not
  EXPECT_EQ(row[size_t(l.lstm.b())], 0.0f);
  EXPECT_NE(row[size_t(l.lstm.wx())], 0.0f);
  // each recurrent gate block is orthogonal: its columns are unit vectors
  for (int64_t gate = 0; gate < 4; ++gate) {
    double norm = 0;
    for (int64_t i = 0; i < 256; ++i) {
      const double w = row[size_t(l.lstm.wh() + i * 1024 + gate * 256 + 5)];
      norm += w * w;
    }
    EXPECT_NEAR(norm, 1.0, 1e-4) << gate;
  }
  // LeCun normal: the conv kernel's variance is about 1 / fan_in = 1/27
  double var = 0;
  for (int64_t k = 0; k < l.conv.patch() * 16; ++k) var += double(row[size_t(l.conv.w() + k)]) * row[size_t(l.conv.w() + k)];
  EXPECT_NEAR(var / double(l.conv.patch() * 16), 1.0 / 27.0, 0.012);
  EXPECT_THROW(make_recurrent_agent_layout(RecurrentAgentShape{3, 3, 3, 4, 7, 16, 5}), InvalidArgument);
}

TEST(RecurrentAgent, RolloutGradientsMatchFiniteDifferences) {
  RecurrentAgentShape shape;
  shape.conv_filters = 3;
  shape.embed_dim = 2;
  shape.lstm_hidden = 4;
  shape.head_hidden = 3;
  const RecurrentAgentLayout l = make_recurrent_agent_layout(shape);
  const int64_t P = 2, B = 2, T = 4, rows = P * B, H = l.hidden(), A = l.action_dim;
  const int64_t stride = l.num_params + 1;
  auto params = randn(P * stride, 1, 0.3);
  // observations: image values in [0, 1], directions 0..3
  std::vector<float> obs(size_t(T * rows * l.obs_size()));
  Philox rng(key_from_seed(2));
  for (int64_t t = 0; t < T; ++t)
    for (int64_t r = 0; r < rows; ++r) {
      float* o = obs.data() + (t * rows + r) * l.obs_size();
      for (int64_t k = 0; k < l.image_size(); ++k) o[k] = rng.uniform();
      o[l.image_size()] = float(rng.below(4));
    }
  // resets: row 1 at step 0 (its random initial carry is dropped), row 2 at step 2
  std::vector<uint8_t> reset(size_t(T * rows), 0);
  reset[1] = 1;
  reset[size_t(2 * rows + 2)] = 1;
  auto h0 = randn(rows * H, 3, 0.5), c0 = randn(rows * H, 4, 0.5);
  const auto wl = randn(T * rows * A, 5, 1.0), wv = randn(T * rows, 6, 1.0), wh = randn(rows * H, 7, 1.0),
             wc = randn(rows * H, 8, 1.0);
  auto run = [&](std::vector<RecurrentStepCache<double>>& caches) {
    caches.resize(size_t(T));
    for (int64_t t = 0; t < T; ++t) {
      const double* h = t == 0 ? h0.data() : caches[size_t(t - 1)].h.data();
      const double* c = t == 0 ? c0.data() : caches[size_t(t - 1)].c.data();
      recurrent_step<double>(Exec{}, l, P, B, params.data(), stride, obs.data() + t * rows * l.obs_size(), h, c,
                             reset.data() + t * rows, caches[size_t(t)]);
    }
  };
  auto loss = [&] {
    std::vector<RecurrentStepCache<double>> caches;
    run(caches);
    double s = 0;
    for (int64_t t = 0; t < T; ++t) {
      const auto& cache = caches[size_t(t)];
      std::vector<double> logits = cache.actor.out.back().to_host(), values = cache.critic.out.back().to_host();
      for (int64_t k = 0; k < rows * A; ++k) s += logits[size_t(k)] * wl[size_t(t * rows * A + k)];
      for (int64_t r = 0; r < rows; ++r) s += values[size_t(r)] * wv[size_t(t * rows + r)];
    }
    const auto h = caches.back().h.to_host(), c = caches.back().c.to_host();
    for (int64_t k = 0; k < rows * H; ++k) s += h[size_t(k)] * wh[size_t(k)] + c[size_t(k)] * wc[size_t(k)];
    return s;
  };
  std::vector<RecurrentStepCache<double>> caches;
  run(caches);
  std::vector<double> grads(params.size(), 0.0);
  RecurrentGradWorkspace<double> ws;
  std::vector<double> dh_future, dc_future;
  for (int64_t t = T - 1; t >= 0; --t) {
    const bool last = t == T - 1;
    recurrent_backward<double>(Exec{}, l, P, B, params.data(), stride, caches[size_t(t)], reset.data() + t * rows,
                               wl.data() + t * rows * A, wv.data() + t * rows, last ? wh.data() : dh_future.data(),
                               last ? wc.data() : dc_future.data(), grads.data(), ws);
    dh_future = ws.dh_in.to_host();
    dc_future = ws.dc_in.to_host();
  }
  auto numeric = [&](std::vector<double>& x) {
    std::vector<double> g(x.size());
    for (size_t i = 0; i < x.size(); ++i) {
      const double saved = x[i];
      x[i] = saved + 1e-6;
      const double up = loss();
      x[i] = saved - 1e-6;
      const double down = loss();
      x[i] = saved;
      g[i] = (up - down) / 2e-6;
    }
    return g;
  };
  auto max_err = [](const std::vector<double>& a, const std::vector<double>& b) {
    double worst = 0;
    for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::fabs(a[i] - b[i]) / std::max(1.0, std::fabs(b[i])));
    return worst;
  };
  const std::vector<double> fd = numeric(params);
  EXPECT_LT(max_err(grads, fd), 1e-6);
  // every part of the network gets a gradient (the conv through ReLU and the LSTM input)
  double conv_norm = 0;
  for (int64_t k = 0; k < l.conv.num_params(); ++k) conv_norm += std::fabs(grads[size_t(l.conv.offset + k)]);
  EXPECT_GT(conv_norm, 1e-3);
  // the initial carry: gradient through step 0 except where step 0 reset it
  EXPECT_LT(max_err(dh_future, numeric(h0)), 1e-6);
  EXPECT_LT(max_err(dc_future, numeric(c0)), 1e-6);
  for (int64_t k = 0; k < H; ++k) EXPECT_EQ(dh_future[size_t(1 * H + k)], 0.0);
}

// The whole-sequence pass equals the step-by-step one: the same logits, values and carries, and the same
// parameter gradients (to rounding: the sums run in another order), over a rollout with resets.
TEST(RecurrentAgent, SequencePassEqualsStepByStep) {
  RecurrentAgentShape shape;
  shape.conv_filters = 3;
  shape.embed_dim = 2;
  shape.lstm_hidden = 5;
  shape.head_hidden = 3;
  const RecurrentAgentLayout l = make_recurrent_agent_layout(shape);
  const int64_t P = 2, B = 3, T = 5, rows = P * B, H = l.hidden(), A = l.action_dim, O = l.obs_size();
  const int64_t stride = l.num_params + 2;
  auto params = randn(P * stride, 21, 0.3);
  // per-step layout (T, P, B) and sequence layout (P, T, B) of the same data
  std::vector<float> obs_step(size_t(T * rows * O)), obs_seq(obs_step.size());
  std::vector<uint8_t> reset_step(size_t(T * rows), 0), reset_seq(reset_step.size(), 0);
  Philox rng(key_from_seed(22));
  for (int64_t t = 0; t < T; ++t)
    for (int64_t r = 0; r < rows; ++r) {
      const int64_t p = r / B, b = r % B, q = (p * T + t) * B + b;
      for (int64_t k = 0; k < O; ++k) {
        const float v = k + 1 < O ? rng.uniform() : float(rng.below(4));
        obs_step[size_t((t * rows + r) * O + k)] = v;
        obs_seq[size_t(q * O + k)] = v;
      }
      const uint8_t z = rng.below(4) == 0;
      reset_step[size_t(t * rows + r)] = z;
      reset_seq[size_t(q)] = z;
    }
  const auto h0 = randn(rows * H, 23, 0.5), c0 = randn(rows * H, 24, 0.5);
  const auto dl = randn(T * rows * A, 25, 1.0), dv = randn(T * rows, 26, 1.0);
  // step by step
  std::vector<RecurrentStepCache<double>> caches(static_cast<size_t>(T));
  for (int64_t t = 0; t < T; ++t)
    recurrent_step<double>(Exec{}, l, P, B, params.data(), stride, obs_step.data() + t * rows * O,
                           t == 0 ? h0.data() : caches[size_t(t - 1)].h.data(),
                           t == 0 ? c0.data() : caches[size_t(t - 1)].c.data(), reset_step.data() + t * rows,
                           caches[size_t(t)]);
  std::vector<double> g_step(params.size(), 0.0), dh, dc;
  RecurrentGradWorkspace<double> ws;
  for (int64_t t = T - 1; t >= 0; --t) {
    const bool last = t == T - 1;
    recurrent_backward<double>(Exec{}, l, P, B, params.data(), stride, caches[size_t(t)], reset_step.data() + t * rows,
                               dl.data() + t * rows * A, dv.data() + t * rows, last ? nullptr : dh.data(),
                               last ? nullptr : dc.data(), g_step.data(), ws);
    dh = ws.dh_in.to_host();
    dc = ws.dc_in.to_host();
  }
  // the sequence pass, with the output gradients in its layout
  std::vector<double> dl_seq(dl.size()), dv_seq(dv.size());
  for (int64_t t = 0; t < T; ++t)
    for (int64_t r = 0; r < rows; ++r) {
      const int64_t q = ((r / B) * T + t) * B + r % B;
      for (int64_t a = 0; a < A; ++a) dl_seq[size_t(q * A + a)] = dl[size_t((t * rows + r) * A + a)];
      dv_seq[size_t(q)] = dv[size_t(t * rows + r)];
    }
  RecurrentSequenceCache<double> seq;
  RecurrentSequenceWorkspace<double> sws;
  recurrent_sequence_forward<double>(Exec{}, l, P, T, B, params.data(), stride, obs_seq.data(), h0.data(), c0.data(),
                                     reset_seq.data(), seq);
  std::vector<double> g_seq(params.size(), 7.0);  // overwritten (accumulate = false)
  recurrent_sequence_backward<double>(Exec{}, l, params.data(), stride, seq, reset_seq.data(), dl_seq.data(),
                                      dv_seq.data(), g_seq.data(), false, sws);
  const auto logits = seq.actor.out.back().to_host(), values = seq.critic.out.back().to_host(), hs = seq.h.to_host();
  for (int64_t t = 0; t < T; ++t) {
    const auto step_logits = caches[size_t(t)].actor.out.back().to_host();
    const auto step_values = caches[size_t(t)].critic.out.back().to_host();
    const auto step_h = caches[size_t(t)].h.to_host();
    for (int64_t r = 0; r < rows; ++r) {
      const int64_t q = ((r / B) * T + t) * B + r % B;
      for (int64_t a = 0; a < A; ++a) ASSERT_NEAR(logits[size_t(q * A + a)], step_logits[size_t(r * A + a)], 1e-12);
      ASSERT_NEAR(values[size_t(q)], step_values[size_t(r)], 1e-12);
      for (int64_t k = 0; k < H; ++k) ASSERT_NEAR(hs[size_t(q * H + k)], step_h[size_t(r * H + k)], 1e-12);
    }
  }
  for (int64_t p = 0; p < P; ++p)
    for (int64_t k = 0; k < l.num_params; ++k)
      ASSERT_NEAR(g_seq[size_t(p * stride + k)], g_step[size_t(p * stride + k)], 1e-10) << "member " << p << " param " << k;
}

}  // namespace
}  // namespace lamarck::rl
