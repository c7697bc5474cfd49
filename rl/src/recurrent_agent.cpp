#include "lamarck/rl/recurrent_agent.h"

#include <cmath>
#include <vector>

#include "lamarck/core/error.h"
#include "lamarck/core/nn/init.h"

namespace lamarck::rl {

RecurrentAgentLayout make_recurrent_agent_layout(const RecurrentAgentShape& s) {
  for (int64_t v : {s.image_height, s.image_width, s.image_channels, s.directions, s.action_dim, s.conv_filters,
                    s.conv_kernel, s.embed_dim, s.lstm_hidden, s.head_hidden})
    if (v < 1) throw InvalidArgument("recurrent agent: every width must be at least 1");
  if (s.conv_kernel > s.image_height || s.conv_kernel > s.image_width)
    throw InvalidArgument("recurrent agent: a " + std::to_string(s.conv_kernel) + "x" + std::to_string(s.conv_kernel) +
                          " kernel does not fit a " + std::to_string(s.image_height) + "x" +
                          std::to_string(s.image_width) + " image");
  RecurrentAgentLayout l;
  l.image_height = s.image_height;
  l.image_width = s.image_width;
  l.image_channels = s.image_channels;
  l.directions = s.directions;
  l.action_dim = s.action_dim;
  int64_t at = 0;
  l.conv = nn::ConvLayout{s.image_height, s.image_width, s.image_channels, s.conv_kernel, s.conv_filters,
                          nn::Activation::relu, at};
  at += l.conv.num_params();
  l.embed = nn::MlpLayout({s.directions, s.embed_dim}, nn::Activation::identity, at);
  at += l.embed.num_params();
  l.lstm = nn::LstmLayout{l.conv.out_size() + s.embed_dim, s.lstm_hidden, at};
  at += l.lstm.num_params();
  l.actor = nn::MlpLayout({s.lstm_hidden, s.head_hidden, s.action_dim}, nn::Activation::relu, at);
  at += l.actor.num_params();
  l.critic = nn::MlpLayout({s.lstm_hidden, s.head_hidden, 1}, nn::Activation::relu, at);
  at += l.critic.num_params();
  l.num_params = at;
  return l;
}

namespace {
// Flax's lecun_normal: variance_scaling(1, "fan_in", "truncated_normal"): a normal truncated to
// [-2, 2], scaled so that the variance is 1 / fan_in (0.87962566103423978 is the std of the truncated
// unit normal).
void lecun_normal(Key key, int64_t fan_in, int64_t n, float* out) {
  Philox rng(key);
  const double scale = std::sqrt(1.0 / double(fan_in)) / 0.87962566103423978;
  for (int64_t i = 0; i < n; ++i) {
    double z;
    do z = rng.normal_double();
    while (z < -2.0 || z > 2.0);
    out[i] = float(scale * z);
  }
}
}  // namespace

void init_recurrent_agent(const RecurrentAgentLayout& l, Key key, float* row) {
  for (int64_t i = 0; i < l.num_params; ++i) row[i] = 0.0f;  // every bias 0
  lecun_normal(fold_in(key, 0), l.conv.patch(), l.conv.patch() * l.conv.filters, row + l.conv.w());
  nn::init_mlp(l.embed, fold_in(key, 1), std::sqrt(2.0), std::sqrt(2.0), row);
  lecun_normal(fold_in(key, 2), l.lstm.in, l.lstm.in * 4 * l.lstm.hidden, row + l.lstm.wx());
  // Flax initialises each gate's (H, H) recurrent kernel orthogonal on its own
  const int64_t H = l.lstm.hidden;
  std::vector<float> block(size_t(H * H));
  for (int64_t gate = 0; gate < 4; ++gate) {
    nn::orthogonal(fold_in(fold_in(key, 3), uint64_t(gate)), H, H, 1.0, block.data());
    for (int64_t i = 0; i < H; ++i)
      for (int64_t j = 0; j < H; ++j) row[l.lstm.wh() + i * 4 * H + gate * H + j] = block[size_t(i * H + j)];
  }
  nn::init_mlp(l.actor, fold_in(key, 4), 2.0, 0.01, row);
  nn::init_mlp(l.critic, fold_in(key, 5), 2.0, 1.0, row);
}

}  // namespace lamarck::rl
