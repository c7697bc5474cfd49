#include <cstdio>

#include "lamarck/core/rng.h"
#include "lamarck/core/version.h"

int main() {
  lamarck::Philox rng(lamarck::derive_key(1, 2, 3, 4));
  std::printf("lamarck %s: %u\n", lamarck::kVersion, rng.next_u32());
  return 0;
}
