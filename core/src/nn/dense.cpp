#include "lamarck/core/nn/dense.h"

#include "lamarck/core/error.h"

namespace lamarck::nn {

Activation parse_activation(const std::string& name) {
  if (name == "tanh") return Activation::tanh;
  if (name == "relu") return Activation::relu;
  if (name == "identity") return Activation::identity;
  throw_unknown_choice("activation", name, {"tanh", "relu", "identity"});
}

const char* activation_name(Activation a) {
  switch (a) {
    case Activation::tanh: return "tanh";
    case Activation::relu: return "relu";
    case Activation::identity: return "identity";
  }
  return "?";
}

}  // namespace lamarck::nn
