// CPU <-> GPU parity of core/nn: cuBLAS batched GEMM against the CPU path, and one MLP forward +
// backward (the trainer's minibatch shapes) with a categorical head. Needs a CUDA device; skipped without.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "lamarck/core/device_array.h"
#include "lamarck/core/nn/dense.h"
#include "lamarck/core/nn/gemm.h"
#include "lamarck/core/nn/heads.h"
#include "lamarck/core/nn/conv.h"
#include "lamarck/core/nn/lstm.h"
#include "lamarck/core/rng.h"

namespace lamarck::nn {
namespace {

std::vector<float> randn(int64_t n, uint64_t seed, float scale) {
  Philox rng(key_from_seed(seed));
  std::vector<float> v(static_cast<size_t>(n));
  for (auto& x : v) x = scale * rng.normal();
  return v;
}

double max_diff(const std::vector<float>& a, const std::vector<float>& b) {
  double worst = 0;
  for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, double(std::fabs(a[i] - b[i])));
  return worst;
}

class NnParity : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!cuda_available()) GTEST_SKIP() << "no CUDA device";
  }
};

TEST_F(NnParity, GemmAllTransposes) {
  for (Trans ta : {Trans::no, Trans::yes})
    for (Trans tb : {Trans::no, Trans::yes}) {
      const int64_t P = 64, m = 128, n = 64, k = 64;
      GemmArgs g = gemm_args(ta, tb, P, m, n, k, m * k, k * n, m * n);
      auto a = randn(P * m * k, 1, 1.0f), b = randn(P * k * n, 2, 1.0f), c0 = randn(P * m * n, 3, 1.0f);
      std::vector<float> cpu = c0;
      gemm_batched<float>(Exec{}, g, 1.0f, a.data(), b.data(), 0.5f, cpu.data());
      DeviceArray<float> da(a, Device::cuda), db(b, Device::cuda), dc(c0, Device::cuda);
      gemm_batched<float>(Exec{Device::cuda, 0}, g, 1.0f, da.data(), db.data(), 0.5f, dc.data());
      synchronize(Exec{Device::cuda, 0});
      EXPECT_LT(max_diff(cpu, dc.to_host()), 1e-4);
    }
}

TEST_F(NnParity, MlpForwardBackwardWithCategoricalHead) {
  const int64_t P = 16, B = 128, A = 2;
  MlpLayout l({4, 64, 64, A}, Activation::tanh, 0);
  const int64_t n = l.num_params();
  auto params = randn(P * n, 4, 0.2f), x = randn(P * B * 4, 5, 1.0f);
  std::vector<int32_t> act(static_cast<size_t>(P * B));
  for (size_t i = 0; i < act.size(); ++i) act[i] = int32_t(i % 2);
  std::vector<float> dlogp(static_cast<size_t>(P * B), 1.0f / B), dent(static_cast<size_t>(P * B), -0.01f / B);
  std::vector<float> out[2], grads[2];
  for (int side = 0; side < 2; ++side) {
    const Device dev = side == 0 ? Device::cpu : Device::cuda;
    const Exec exec{dev, 0};
    DeviceArray<float> dp(params, dev), dx(x, dev), dg(P * n, dev), dl(dlogp, dev), de(dent, dev);
    DeviceArray<int32_t> da(act, dev);
    DeviceArray<float> logp(P * B, dev), ent(P * B, dev), dlogits(P * B * A, dev);
    MlpCache<float> cache;
    MlpGradWorkspace<float> ws;
    mlp_forward<float>(exec, l, P, B, dp.data(), n, dx.data(), cache);
    categorical_log_prob<float>(exec, P * B, A, cache.output(), da.data(), logp.data(), ent.data());
    categorical_backward<float>(exec, P * B, A, cache.output(), da.data(), dl.data(), de.data(), dlogits.data());
    mlp_backward<float>(exec, l, P, B, dp.data(), n, dx.data(), cache, dlogits.data(), dg.data(), false, nullptr, ws);
    synchronize(exec);
    out[side] = logp.to_host();
    grads[side] = dg.to_host();
  }
  EXPECT_LT(max_diff(out[0], out[1]), 1e-5);
  EXPECT_LT(max_diff(grads[0], grads[1]), 1e-5);
}

// The maze student's layers at the trainer's shapes: conv 5x5x3 -> 3x3x16 (ReLU), then an LSTM of 256,
// forward and backward, CPU against GPU.
TEST_F(NnParity, ConvAndLstmForwardBackward) {
  const int64_t P = 4, B = 64, H = 256;
  ConvLayout conv{5, 5, 3, 3, 16, Activation::relu, 0};
  LstmLayout lstm{conv.out_size(), H, conv.num_params()};
  const int64_t n = conv.num_params() + lstm.num_params();
  auto params = randn(P * n, 6, 0.05f), x = randn(P * B * conv.in_size(), 7, 1.0f);
  auto h = randn(P * B * H, 8, 0.5f), c = randn(P * B * H, 9, 0.5f), dh = randn(P * B * H, 10, 1.0f),
       dc = randn(P * B * H, 11, 1.0f);
  std::vector<float> hs[2], grads[2], dxs[2];
  for (int side = 0; side < 2; ++side) {
    const Device dev = side == 0 ? Device::cpu : Device::cuda;
    const Exec exec{dev, 0};
    DeviceArray<float> dp(params, dev), dx(x, dev), dhh(h, dev), dcc(c, dev), ddh(dh, dev), ddc(dc, dev);
    DeviceArray<float> enc(P * B * conv.out_size(), dev), h2(P * B * H, dev), c2(P * B * H, dev), g(P * n, dev);
    DeviceArray<float> denc(P * B * conv.out_size(), dev), dh0(P * B * H, dev), dc0(P * B * H, dev),
        dx0(P * B * conv.in_size(), dev);
    ConvCache<float> cc;
    ConvGradWorkspace<float> cws;
    LstmCache<float> lc;
    LstmGradWorkspace<float> lws;
    conv_forward<float>(exec, conv, P, B, dp.data(), n, dx.data(), enc.data(), cc);
    lstm_forward<float>(exec, lstm, P, B, dp.data(), n, enc.data(), dhh.data(), dcc.data(), h2.data(), c2.data(), lc);
    lstm_backward<float>(exec, lstm, P, B, dp.data(), n, enc.data(), dhh.data(), dcc.data(), lc, ddh.data(), ddc.data(),
                         g.data(), false, dh0.data(), dc0.data(), denc.data(), lws);
    conv_backward<float>(exec, conv, P, B, dp.data(), n, enc.data(), cc, denc.data(), g.data(), false, dx0.data(), cws);
    synchronize(exec);
    hs[side] = h2.to_host();
    grads[side] = g.to_host();
    dxs[side] = dx0.to_host();
  }
  EXPECT_LT(max_diff(hs[0], hs[1]), 1e-5);
  EXPECT_LT(max_diff(grads[0], grads[1]), 1e-3);
  EXPECT_LT(max_diff(dxs[0], dxs[1]), 1e-4);
}

}  // namespace
}  // namespace lamarck::nn
