// The recurrent actor-critic of the UED maze studies (JaxUED's examples/maze_plr.py and maze_dr.py
// ActorCritic; minimax's default student is the same shape): a convolutional encoder of the egocentric
// image, an embedding of the agent's direction, an LSTM, and separate actor and critic heads.
//   M. Jiang et al., "Replay-Guided Adversarial Environment Design", NeurIPS 2021 (the DCD student);
//   S. Coward, M. Beukman, J. Foerster, "JaxUED", arXiv 2403.13091 (this network, facts in
//   tests/data/envs/README.md's maze section and ../shared/reference/envs.md §4.3).
//
//   image (5, 5, 3) -> conv 16 filters 3x3 VALID -> ReLU -> 144 (flattened (3, 3, 16))
//   direction -> one-hot (4) -> dense 5 (no activation)
//   [144 | 5] -> LSTM 256 (carry reset to zeros where an episode starts)
//   h -> dense 32 ReLU -> dense A (logits);   h -> dense 32 ReLU -> dense 1 (value)
//
// The observation row is the maze's: kImage image values then the direction (the last value, 0..3).
// One parameter row per agent: [conv | direction embedding | LSTM | actor | critic].
//
// Batched over a population of P agents with B rows each (envs), every product a batched GEMM (core/nn).
// A rollout runs step() T times keeping each step's cache; the update runs backward() from the last step
// to the first, carrying dh and dc back through time (backpropagation through the whole rollout, as
// JaxUED). Templates on the scalar type so that the whole network is checked against finite differences
// in double (tests/rl/recurrent_agent_test.cpp).
#pragma once

#include <cstdint>
#include <vector>

#include "lamarck/core/nn/conv.h"
#include "lamarck/core/nn/dense.h"
#include "lamarck/core/nn/lstm.h"
#include "lamarck/core/rng.h"

namespace lamarck::rl {

struct RecurrentAgentLayout {
  int64_t image_height = 5, image_width = 5, image_channels = 3;
  int64_t directions = 4;   // one-hot width of the direction (the observation's last value)
  int64_t action_dim = 7;
  nn::ConvLayout conv;      // image -> conv features (ReLU)
  nn::MlpLayout embed;      // one-hot direction -> embed (one linear layer)
  nn::LstmLayout lstm;      // [conv features | embed] -> hidden
  nn::MlpLayout actor;      // hidden -> head -> logits
  nn::MlpLayout critic;     // hidden -> head -> value
  int64_t num_params = 0;   // per agent
  int64_t image_size() const { return image_height * image_width * image_channels; }
  int64_t obs_size() const { return image_size() + 1; }
  int64_t features() const { return conv.out_size() + embed.out(); }  // LSTM input width
  int64_t hidden() const { return lstm.hidden; }
};

struct RecurrentAgentShape {
  int64_t image_height = 5, image_width = 5, image_channels = 3, directions = 4, action_dim = 7;
  int64_t conv_filters = 16, conv_kernel = 3, embed_dim = 5, lstm_hidden = 256, head_hidden = 32;
};
RecurrentAgentLayout make_recurrent_agent_layout(const RecurrentAgentShape& shape = {});

// One agent's initial parameters into its host row (JaxUED's initialisers): the conv kernel and the LSTM
// input kernel LeCun-normal (truncated at 2 sigma, variance 1 / fan_in, Flax's default), each gate's
// (H, H) block of the LSTM recurrent kernel orthogonal, the direction embedding orthogonal(sqrt 2), the heads' hidden layers
// orthogonal(2), the actor's output orthogonal(0.01), the critic's orthogonal(1); every bias 0.
void init_recurrent_agent(const RecurrentAgentLayout& layout, Key key, float* row);

// The encoder's part of a forward pass (the conv over the image, the direction embedding, their
// concatenation) for any number of rows per member: shared by the step and the whole-sequence passes.
template <class T>
struct RecurrentEncoding {
  DeviceArray<T> image, onehot;       // (rows, image_size), (rows, directions)
  DeviceArray<T> conv_out, features;  // (rows, conv.out_size()), (rows, features())
  nn::ConvCache<T> conv;
  nn::MlpCache<T> embed;
  void ensure(const RecurrentAgentLayout& l, int64_t rows, Device device) {
    auto fit = [&](DeviceArray<T>& a, int64_t n) {
      if (a.size() != n || a.device() != device) a = DeviceArray<T>(n, device);
    };
    fit(image, rows * l.image_size());
    fit(onehot, rows * l.directions);
    fit(conv_out, rows * l.conv.out_size());
    fit(features, rows * l.features());
  }
};

// One step keeps its encoding, its carry and its cell and head caches; a rollout keeps T of them.
template <class T>
struct RecurrentStepCache {
  RecurrentEncoding<T> enc;
  DeviceArray<T> h_in, c_in;          // (P*B, H) the carry the cell started from (after resets)
  DeviceArray<T> h, c;                // (P*B, H) the carry after the step
  nn::MlpCache<T> actor, critic;
  nn::LstmCache<T> lstm;
  const T* logits() const { return actor.output(); }  // (P*B, A)
  const T* values() const { return critic.output(); }  // (P*B)
  void ensure(const RecurrentAgentLayout& l, int64_t rows, Device device) {
    auto fit = [&](DeviceArray<T>& a, int64_t n) {
      if (a.size() != n || a.device() != device) a = DeviceArray<T>(n, device);
    };
    enc.ensure(l, rows, device);
    fit(h_in, rows * l.hidden());
    fit(c_in, rows * l.hidden());
    fit(h, rows * l.hidden());
    fit(c, rows * l.hidden());
  }
};

// Workspace of the backward pass (one per agent batch, reused across steps).
template <class T>
struct RecurrentGradWorkspace {
  DeviceArray<T> dh_actor, dh_critic, dh, dc, dfeatures, dconv, dembed, dh_in, dc_in;
  nn::ConvGradWorkspace<T> conv;
  nn::MlpGradWorkspace<T> mlp;
  nn::LstmGradWorkspace<T> lstm;
  void ensure(const RecurrentAgentLayout& l, int64_t rows, Device device) {
    auto fit = [&](DeviceArray<T>& a, int64_t n) {
      if (a.size() != n || a.device() != device) a = DeviceArray<T>(n, device);
    };
    for (DeviceArray<T>* a : {&dh_actor, &dh_critic, &dh, &dc, &dh_in, &dc_in}) fit(*a, rows * l.hidden());
    fit(dfeatures, rows * l.features());
    fit(dconv, rows * l.conv.out_size());
    fit(dembed, rows * l.embed.out());
  }
};

namespace detail {
template <class T>
struct SplitObservation {  // obs row -> image and one-hot direction
  const float* obs;
  T* image;
  T* onehot;
  int64_t image_size, directions;
  LMK_HD void operator()(int64_t r) const {
    const float* o = obs + r * (image_size + 1);
    for (int64_t k = 0; k < image_size; ++k) image[r * image_size + k] = T(o[k]);
    const int64_t d = int64_t(o[image_size] + 0.5f);
    for (int64_t k = 0; k < directions; ++k) onehot[r * directions + k] = T(k == d ? 1 : 0);
  }
};
template <class T>
struct ConcatRows {  // out row = [a row | b row]
  const T* a;
  const T* b;
  T* out;
  int64_t wa, wb;
  LMK_HD void operator()(int64_t r) const {
    for (int64_t k = 0; k < wa; ++k) out[r * (wa + wb) + k] = a[r * wa + k];
    for (int64_t k = 0; k < wb; ++k) out[r * (wa + wb) + wa + k] = b[r * wb + k];
  }
};
template <class T>
struct SplitRows {  // the inverse of ConcatRows
  const T* in;
  T* a;
  T* b;
  int64_t wa, wb;
  LMK_HD void operator()(int64_t r) const {
    for (int64_t k = 0; k < wa; ++k) a[r * wa + k] = in[r * (wa + wb) + k];
    for (int64_t k = 0; k < wb; ++k) b[r * wb + k] = in[r * (wa + wb) + wa + k];
  }
};
template <class T>
struct ResetCarry {  // h_in, c_in = 0 where the row's episode starts at this step, else h, c
  const T* h;
  const T* c;
  const uint8_t* reset;  // (rows), may be null
  T* h_in;
  T* c_in;
  int64_t H;
  LMK_HD void operator()(int64_t idx) const {
    const bool zero = reset && reset[idx / H];
    h_in[idx] = zero ? T(0) : h[idx];
    c_in[idx] = zero ? T(0) : c[idx];
  }
};
template <class T>
struct SumCarryGrads {  // dh = dh_future + dh_actor + dh_critic, dc = dc_future (masked by the next step's reset)
  const T* dh_future;  // may be null (the last step)
  const T* dc_future;
  const T* dh_actor;
  const T* dh_critic;
  T* dh;
  T* dc;
  LMK_HD void operator()(int64_t idx) const {
    dh[idx] = (dh_future ? dh_future[idx] : T(0)) + dh_actor[idx] + dh_critic[idx];
    dc[idx] = dc_future ? dc_future[idx] : T(0);
  }
};
template <class T>
struct MaskCarryGrads {  // the carry gradient flowing to the previous step is 0 where this step reset it
  T* dh;
  T* dc;
  const uint8_t* reset;
  int64_t H;
  LMK_HD void operator()(int64_t idx) const {
    if (reset && reset[idx / H]) {
      dh[idx] = T(0);
      dc[idx] = T(0);
    }
  }
};
}  // namespace detail

LMK_DISPATCH_BEGIN
// The encoder forward for P members of R rows each: obs (P*R, obs_size) float -> enc.features.
template <class T>
void encode_forward(const Exec& exec, const RecurrentAgentLayout& l, int64_t P, int64_t R, const T* params,
                    int64_t stride, const float* obs, RecurrentEncoding<T>& enc) {
  const int64_t rows = P * R;
  enc.ensure(l, rows, exec.device);
  nn::elementwise(exec, rows,
                  detail::SplitObservation<T>{obs, enc.image.data(), enc.onehot.data(), l.image_size(), l.directions},
                  l.obs_size());
  nn::conv_forward<T>(exec, l.conv, P, R, params, stride, enc.image.data(), enc.conv_out.data(), enc.conv);
  nn::mlp_forward<T>(exec, l.embed, P, R, params, stride, enc.onehot.data(), enc.embed);
  nn::elementwise(exec, rows,
                  detail::ConcatRows<T>{enc.conv_out.data(), enc.embed.output(), enc.features.data(), l.conv.out_size(),
                                        l.embed.out()},
                  l.features());
}

// The encoder backward from dfeatures (P*R, features()): adds (or writes) the conv and embedding gradients.
// dconv and dembed are scratch of (P*R, conv.out_size()) and (P*R, embed.out()).
template <class T>
void encode_backward(const Exec& exec, const RecurrentAgentLayout& l, int64_t P, int64_t R, const T* params,
                     int64_t stride, const RecurrentEncoding<T>& enc, const T* dfeatures, T* dconv, T* dembed, T* grads,
                     bool accumulate, nn::ConvGradWorkspace<T>& conv_ws, nn::MlpGradWorkspace<T>& mlp_ws) {
  nn::elementwise(exec, P * R, detail::SplitRows<T>{dfeatures, dconv, dembed, l.conv.out_size(), l.embed.out()},
                  l.features());
  nn::mlp_backward<T>(exec, l.embed, P, R, params, stride, enc.onehot.data(), enc.embed, dembed, grads, accumulate,
                      nullptr, mlp_ws);
  nn::conv_backward<T>(exec, l.conv, P, R, params, stride, enc.conv_out.data(), enc.conv, dconv, grads, accumulate,
                       nullptr, conv_ws);
}
LMK_DISPATCH_END

LMK_DISPATCH_BEGIN
// One step of P agents on B rows each: obs (P*B, obs_size) float, the carry (h, c) of the previous step
// (P*B, H), reset (P*B) = 1 where an episode starts at this step (its carry starts from zeros; null =
// none). Fills the cache: logits, values, the new carry (cache.h, cache.c) and what backward needs.
template <class T>
void recurrent_step(const Exec& exec, const RecurrentAgentLayout& l, int64_t P, int64_t B, const T* params,
                    int64_t stride, const float* obs, const T* h, const T* c, const uint8_t* reset,
                    RecurrentStepCache<T>& s) {
  const int64_t rows = P * B, H = l.hidden();
  s.ensure(l, rows, exec.device);
  encode_forward<T>(exec, l, P, B, params, stride, obs, s.enc);
  nn::elementwise(exec, rows * H, detail::ResetCarry<T>{h, c, reset, s.h_in.data(), s.c_in.data(), H});
  nn::lstm_forward<T>(exec, l.lstm, P, B, params, stride, s.enc.features.data(), s.h_in.data(), s.c_in.data(), s.h.data(),
                      s.c.data(), s.lstm);
  nn::mlp_forward<T>(exec, l.actor, P, B, params, stride, s.h.data(), s.actor);
  nn::mlp_forward<T>(exec, l.critic, P, B, params, stride, s.h.data(), s.critic);
}

// The backward pass of one step (call from the last step of a rollout to the first): dlogits (P*B, A) and
// dvalues (P*B) of this step's outputs, and the carry gradients dh_future, dc_future (P*B, H) that the
// next step sent back (null at the last step). Adds the parameter gradients into grads (zero them before
// the first call) and leaves in ws.dh_in, ws.dc_in the gradients for the previous step's carry (already 0
// where this step reset it).
template <class T>
void recurrent_backward(const Exec& exec, const RecurrentAgentLayout& l, int64_t P, int64_t B, const T* params,
                        int64_t stride, const RecurrentStepCache<T>& s, const uint8_t* reset, const T* dlogits,
                        const T* dvalues, const T* dh_future, const T* dc_future, T* grads,
                        RecurrentGradWorkspace<T>& ws) {
  const int64_t rows = P * B, H = l.hidden();
  ws.ensure(l, rows, exec.device);
  nn::mlp_backward<T>(exec, l.actor, P, B, params, stride, s.h.data(), s.actor, dlogits, grads, true,
                      ws.dh_actor.data(), ws.mlp);
  nn::mlp_backward<T>(exec, l.critic, P, B, params, stride, s.h.data(), s.critic, dvalues, grads, true,
                      ws.dh_critic.data(), ws.mlp);
  nn::elementwise(exec, rows * H,
                  detail::SumCarryGrads<T>{dh_future, dc_future, ws.dh_actor.data(), ws.dh_critic.data(), ws.dh.data(),
                                           ws.dc.data()});
  nn::lstm_backward<T>(exec, l.lstm, P, B, params, stride, s.enc.features.data(), s.h_in.data(), s.c_in.data(), s.lstm,
                       ws.dh.data(), ws.dc.data(), grads, true, ws.dh_in.data(), ws.dc_in.data(), ws.dfeatures.data(),
                       ws.lstm);
  nn::elementwise(exec, rows * H, detail::MaskCarryGrads<T>{ws.dh_in.data(), ws.dc_in.data(), reset, H});
  encode_backward<T>(exec, l, P, B, params, stride, s.enc, ws.dfeatures.data(), ws.dconv.data(), ws.dembed.data(), grads,
                     true, ws.conv, ws.mlp);
}
LMK_DISPATCH_END


// ---- whole sequences (the learning pass) -------------------------------------------------------------
// The same network over T steps of P agents x B envs at once, rows member-major: row (p, t, b) at
// (p * T + t) * B + b. Everything that does not depend on the carry runs once over all P x T x B rows
// (the conv, the embedding, the LSTM's input projection, the heads, every weight gradient: large GEMMs);
// only the carry's h W_h and its gradient run step by step. Equal to recurrent_step/recurrent_backward
// step by step up to the order of floating-point sums (tests/rl/recurrent_agent_test.cpp).

template <class T>
struct RecurrentSequenceCache {
  int64_t P = 0, steps = 0, B = 0;                   // the shape it holds: (P, steps, B) rows
  RecurrentEncoding<T> enc;                          // (P, T, B, ...)
  DeviceArray<T> pre;                                // (P, T, B, 4H) pre-activations, then the activated gates
  DeviceArray<T> h_in, c_in, h, c, tanh_c;           // (P, T, B, H)
  nn::MlpCache<T> actor, critic;
  const T* logits() const { return actor.output(); }  // (P, T, B, A)
  const T* values() const { return critic.output(); }  // (P, T, B)
  void ensure(const RecurrentAgentLayout& l, int64_t P_, int64_t T_, int64_t B_, Device device) {
    P = P_, steps = T_, B = B_;
    const int64_t rows = P * steps * B, H = l.hidden();
    auto fit = [&](DeviceArray<T>& a, int64_t n) {
      if (a.size() != n || a.device() != device) a = DeviceArray<T>(n, device);
    };
    enc.ensure(l, rows, device);
    fit(pre, rows * 4 * H);
    for (DeviceArray<T>* a : {&h_in, &c_in, &h, &c, &tanh_c}) fit(*a, rows * H);
  }
};

template <class T>
struct RecurrentSequenceWorkspace {
  DeviceArray<T> dh_actor, dh_critic, dpre, dfeatures, dconv, dembed, dh_future, dc_future;
  nn::ConvGradWorkspace<T> conv;
  nn::MlpGradWorkspace<T> mlp;
  void ensure(const RecurrentAgentLayout& l, int64_t rows, int64_t step_rows, Device device) {
    const int64_t H = l.hidden();
    auto fit = [&](DeviceArray<T>& a, int64_t n) {
      if (a.size() != n || a.device() != device) a = DeviceArray<T>(n, device);
    };
    fit(dh_actor, rows * H);
    fit(dh_critic, rows * H);
    fit(dpre, rows * 4 * H);
    fit(dfeatures, rows * l.features());
    fit(dconv, rows * l.conv.out_size());
    fit(dembed, rows * l.embed.out());
    fit(dh_future, step_rows * H);
    fit(dc_future, step_rows * H);
  }
};

// An LSTM cell element costs five transcendentals: worth sharing among threads from a few thousand on.
constexpr int64_t kCellWork = 64;

namespace detail {
// Index helpers of step t: element idx over (P, B, width) -> its row (p * T + t) * B + b.
LMK_HD inline int64_t sequence_row(int64_t idx, int64_t width, int64_t T, int64_t B, int64_t t) {
  const int64_t pb = idx / width;
  return ((pb / B) * T + t) * B + pb % B;
}
template <class T>
struct SequenceResetCarry {  // h_in, c_in of step t from the previous step's h, c (or h0, c0 at t = 0)
  const T* h_prev;   // step t - 1's rows of the sequence arrays, or h0 (P * B, H) when t = 0
  const T* c_prev;
  const uint8_t* reset;  // (P, T, B), may be null
  T* h_in;
  T* c_in;
  int64_t T_, B, H, t;
  LMK_HD void operator()(int64_t idx) const {
    const int64_t row = sequence_row(idx, H, T_, B, t), j = idx % H;
    const int64_t prev = t == 0 ? (idx / H) : row - B;  // h0 is (P * B, H)
    const bool zero = reset && reset[row];
    h_in[row * H + j] = zero ? T(0) : h_prev[prev * H + j];
    c_in[row * H + j] = zero ? T(0) : c_prev[prev * H + j];
  }
};
template <class T>
struct SequenceCell {  // gates, c, h of step t from the pre-activations (input projection + h_in W_h)
  T* pre;
  const T* params;
  const T* c_in;
  T* c;
  T* h;
  T* tanh_c;
  int64_t stride, bias, T_, B, H, t;
  // one (member, env) row of step t per call, its H units in a loop the compiler vectorises
  LMK_HD void operator()(int64_t pb) const {
    const int64_t row = ((pb / B) * T_ + t) * B + pb % B, p = pb / B;
    // distinct arrays: restrict lets the loop vectorise
    const T* __restrict__ b = params + p * stride + bias;
    T* __restrict__ g = pre + row * 4 * H;
    const T* __restrict__ ci = c_in + row * H;
    T* __restrict__ co = c + row * H;
    T* __restrict__ ho = h + row * H;
    T* __restrict__ tco = tanh_c + row * H;
    LMK_SIMD
    for (int64_t j = 0; j < H; ++j) nn::detail::lstm_unit(g, b, H, j, ci[j], co[j], tco[j], ho[j]);
  }
};
template <class T>
struct SequenceCellGrads {  // dpre of step t, and dc toward step t - 1 (before the reset mask)
  const T* gates;
  const T* tanh_c;
  const T* c_in;
  const T* dh_actor;
  const T* dh_critic;
  const T* dh_future;  // (P * B, H), null at the last step
  T* dc_future;        // (P * B, H) in: dc from step t + 1 (ignored at the last step); out: dc toward t - 1
  T* dpre;
  int64_t T_, B, H, t, last;
  LMK_HD void operator()(int64_t idx) const {
    const int64_t row = sequence_row(idx, H, T_, B, t), j = idx % H;
    const T dh = dh_actor[row * H + j] + dh_critic[row * H + j] + (last ? T(0) : dh_future[idx]);
    dc_future[idx] = nn::detail::lstm_unit_grads(gates + row * 4 * H, H, j, tanh_c[row * H + j], c_in[row * H + j], dh,
                                                 last ? T(0) : dc_future[idx], dpre + row * 4 * H);
  }
};
template <class T>
struct SequenceMaskCarry {  // no carry gradient crosses a reset at step t
  T* dh;
  T* dc;
  const uint8_t* reset;
  int64_t T_, B, H, t;
  LMK_HD void operator()(int64_t idx) const {
    if (reset && reset[sequence_row(idx, H, T_, B, t)]) {
      dh[idx] = T(0);
      dc[idx] = T(0);
    }
  }
};
}  // namespace detail

LMK_DISPATCH_BEGIN
// Forward over a whole sequence: obs (P, T, B, obs_size) float, the carry before step 0 (h0, c0: (P * B,
// H)), reset (P, T, B) (null: none). Fills the cache (logits, values, every step's carry).
template <class T>
void recurrent_sequence_forward(const Exec& exec, const RecurrentAgentLayout& l, int64_t P, int64_t T_, int64_t B,
                                const T* params, int64_t stride, const float* obs, const T* h0, const T* c0,
                                const uint8_t* reset, RecurrentSequenceCache<T>& s) {
  const int64_t H = l.hidden(), W = 4 * H, TB = T_ * B;
  s.ensure(l, P, T_, B, exec.device);
  encode_forward<T>(exec, l, P, TB, params, stride, obs, s.enc);
  // the input projection of every step at once
  nn::gemm_batched<T>(exec, nn::gemm_args(nn::Trans::no, nn::Trans::no, P, TB, W, l.lstm.in, TB * l.lstm.in, stride, TB * W),
                      T(1), s.enc.features.data(), params + l.lstm.wx(), T(0), s.pre.data());
  for (int64_t t = 0; t < T_; ++t) {
    const T* hp = t == 0 ? h0 : s.h.data();
    const T* cp = t == 0 ? c0 : s.c.data();
    nn::elementwise(exec, P * B * H, detail::SequenceResetCarry<T>{hp, cp, reset, s.h_in.data(), s.c_in.data(), T_, B, H, t});
    // pre[t] += h_in[t] W_h, member p's B rows at (p * T + t) * B
    nn::gemm_batched<T>(exec, nn::gemm_args(nn::Trans::no, nn::Trans::no, P, B, W, H, TB * H, stride, TB * W), T(1),
                        s.h_in.data() + t * B * H, params + l.lstm.wh(), T(1), s.pre.data() + t * B * W);
    nn::elementwise(exec, P * B,
                    detail::SequenceCell<T>{s.pre.data(), params, s.c_in.data(), s.c.data(), s.h.data(), s.tanh_c.data(),
                                            stride, l.lstm.b(), T_, B, H, t},
                    H * kCellWork);
  }
  nn::mlp_forward<T>(exec, l.actor, P, TB, params, stride, s.h.data(), s.actor);
  nn::mlp_forward<T>(exec, l.critic, P, TB, params, stride, s.h.data(), s.critic);
}

// Backward over the sequence from dlogits (P, T, B, A) and dvalues (P, T, B) (no gradient on the final
// carry): writes (or adds, with accumulate) every parameter gradient into grads.
template <class T>
void recurrent_sequence_backward(const Exec& exec, const RecurrentAgentLayout& l, const T* params, int64_t stride,
                                 const RecurrentSequenceCache<T>& s, const uint8_t* reset, const T* dlogits,
                                 const T* dvalues, T* grads, bool accumulate, RecurrentSequenceWorkspace<T>& ws) {
  const int64_t P = s.P, T_ = s.steps, B = s.B, TB = T_ * B, rows = P * TB, H = l.hidden(), W = 4 * H;
  ws.ensure(l, rows, P * B, exec.device);
  nn::mlp_backward<T>(exec, l.actor, P, TB, params, stride, s.h.data(), s.actor, dlogits, grads, accumulate,
                      ws.dh_actor.data(), ws.mlp);
  nn::mlp_backward<T>(exec, l.critic, P, TB, params, stride, s.h.data(), s.critic, dvalues, grads, accumulate,
                      ws.dh_critic.data(), ws.mlp);
  for (int64_t t = T_ - 1; t >= 0; --t) {
    nn::elementwise(exec, P * B * H,
                    detail::SequenceCellGrads<T>{s.pre.data(), s.tanh_c.data(), s.c_in.data(), ws.dh_actor.data(),
                                                 ws.dh_critic.data(), ws.dh_future.data(), ws.dc_future.data(),
                                                 ws.dpre.data(), T_, B, H, t, t == T_ - 1},
                    kCellWork);
    // dh toward step t - 1 = dpre[t] W_h^T, then nothing crosses a reset
    nn::gemm_batched<T>(exec, nn::gemm_args(nn::Trans::no, nn::Trans::yes, P, B, H, W, TB * W, stride, B * H), T(1),
                        ws.dpre.data() + t * B * W, params + l.lstm.wh(), T(0), ws.dh_future.data());
    nn::elementwise(exec, P * B * H, detail::SequenceMaskCarry<T>{ws.dh_future.data(), ws.dc_future.data(), reset, T_, B, H, t});
  }
  const T beta = accumulate ? T(1) : T(0);
  // the weight gradients of every step at once
  nn::gemm_batched<T>(exec, nn::gemm_args(nn::Trans::yes, nn::Trans::no, P, l.lstm.in, W, TB, TB * l.lstm.in, TB * W, stride),
                      T(1), s.enc.features.data(), ws.dpre.data(), beta, grads + l.lstm.wx());
  nn::gemm_batched<T>(exec, nn::gemm_args(nn::Trans::yes, nn::Trans::no, P, H, W, TB, TB * H, TB * W, stride), T(1),
                      s.h_in.data(), ws.dpre.data(), beta, grads + l.lstm.wh());
  if (exec.device == Device::cuda)
    nn::bias_grad_gemm<T>(exec, P, TB, W, ws.mlp.ones_of(TB, exec.device), ws.dpre.data(), grads, stride, l.lstm.b(), accumulate);
  else
    nn::elementwise(exec, P, nn::detail::BiasGrad<T>{ws.dpre.data(), grads, stride, l.lstm.b(), TB, W, accumulate}, TB * W);
  nn::gemm_batched<T>(exec, nn::gemm_args(nn::Trans::no, nn::Trans::yes, P, TB, l.lstm.in, W, TB * W, stride, TB * l.lstm.in),
                      T(1), ws.dpre.data(), params + l.lstm.wx(), T(0), ws.dfeatures.data());
  encode_backward<T>(exec, l, P, TB, params, stride, s.enc, ws.dfeatures.data(), ws.dconv.data(), ws.dembed.data(),
                     grads, accumulate, ws.conv, ws.mlp);
}
LMK_DISPATCH_END

}  // namespace lamarck::rl
