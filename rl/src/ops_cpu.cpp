// The CPU table of rl/'s operations (ops.h), compiled by g++ from ops_impl.h, and the device dispatch.
#include "ops_impl.h"

namespace lamarck::rl::detail {

const Ops& cpu_ops() { return kOps; }

const Ops& ops(Device device) {
  if (device == Device::cuda) {
    // the device check once per process (it asks the driver); a failed check throws and is asked again
    static const bool checked = (require_device(Exec{Device::cuda, 0}), true);
    (void)checked;
    return cuda_ops();
  }
  return cpu_ops();
}

}  // namespace lamarck::rl::detail
