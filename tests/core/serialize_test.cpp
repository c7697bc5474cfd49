#include "lamarck/core/serialize.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

namespace lamarck {
namespace {

struct Sample {
  std::string name;
  int generation = 0;
  std::vector<float> weights;
  double fitness = 0;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(CEREAL_NVP(name), CEREAL_NVP(generation), CEREAL_NVP(weights), CEREAL_NVP(fitness));
  }
  bool operator==(const Sample& o) const {
    return name == o.name && generation == o.generation && weights == o.weights && fitness == o.fitness;
  }
};

Sample make_sample() { return Sample{"lpo", 17, {0.5f, -1.25f, 3.0e-7f, 42.0f}, -0.125}; }

class SerializeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("lamarck_serialize_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::filesystem::path dir_;
};

// Runs `load` and checks that it throws a FileError whose message contains `fragment`.
template <class F>
void expect_file_error(F load, const std::string& fragment) {
  try {
    load();
    FAIL() << "expected a FileError containing '" << fragment << "'";
  } catch (const FileError& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST_F(SerializeTest, JsonRoundTripIsExactAndTagged) {
  save_json(path("a.json"), "sample", 3, make_sample());
  Sample loaded;
  const FileTag tag = load_json(path("a.json"), "sample", 3, loaded);
  EXPECT_EQ(loaded, make_sample());
  EXPECT_EQ(tag.kind, "sample");
  EXPECT_EQ(tag.version, 3u);
  EXPECT_NE(tag.writer.find("lamarck"), std::string::npos);
  const std::string text = read_file(path("a.json"));
  EXPECT_NE(text.find("\"kind\": \"sample\""), std::string::npos);
}

TEST_F(SerializeTest, BinaryRoundTripIsExact) {
  save_binary(path("a.bin"), "sample", 2, make_sample());
  Sample loaded;
  EXPECT_EQ(load_binary(path("a.bin"), "sample", 2, loaded).version, 2u);
  EXPECT_EQ(loaded, make_sample());
}

TEST_F(SerializeTest, AcceptsAVersionRange) {
  save_binary(path("a.bin"), "sample", 2, make_sample());
  Sample loaded;
  EXPECT_EQ(load_binary(path("a.bin"), "sample", VersionRange(1, 3), loaded).version, 2u);
}

TEST_F(SerializeTest, TruncatedFilesAreRefusedAtEveryLength) {
  save_binary(path("a.bin"), "sample", 1, make_sample());
  const std::string bytes = read_file(path("a.bin"));
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    write_file_atomic(path("cut.bin"), bytes.substr(0, cut));
    Sample s;
    EXPECT_THROW(load_binary(path("cut.bin"), "sample", 1, s), FileError) << "cut at " << cut;
  }
  save_json(path("a.json"), "sample", 1, make_sample());
  const std::string text = read_file(path("a.json"));
  write_file_atomic(path("cut.json"), text.substr(0, text.size() / 2));
  Sample s;
  expect_file_error([&] { load_json(path("cut.json"), "sample", 1, s); }, "not valid JSON");
}

TEST_F(SerializeTest, EveryBitFlipIsDetected) {
  save_binary(path("a.bin"), "sample", 1, make_sample());
  const std::string bytes = read_file(path("a.bin"));
  for (size_t byte = 0; byte < bytes.size(); ++byte) {
    for (int bit = 0; bit < 8; bit += 3) {
      std::string corrupt = bytes;
      corrupt[byte] = char(corrupt[byte] ^ (1 << bit));
      write_file_atomic(path("bad.bin"), corrupt);
      Sample s;
      EXPECT_THROW(load_binary(path("bad.bin"), "sample", 1, s), FileError) << "byte " << byte << " bit " << bit;
    }
  }
}

TEST_F(SerializeTest, WrongVersionAndKindAreNamed) {
  save_binary(path("a.bin"), "sample", 5, make_sample());
  save_json(path("a.json"), "sample", 5, make_sample());
  Sample s;
  expect_file_error([&] { load_binary(path("a.bin"), "sample", 4, s); }, "format version 5, this build reads version 4");
  expect_file_error([&] { load_json(path("a.json"), "sample", VersionRange(1, 4), s); }, "reads version 1..4");
  expect_file_error([&] { load_binary(path("a.bin"), "objective", 5, s); }, "holds a 'sample', not a 'objective'");
  expect_file_error([&] { load_json(path("a.json"), "objective", 5, s); }, "holds a 'sample'");
}

TEST_F(SerializeTest, ForeignAndMissingFilesAreRefused) {
  write_file_atomic(path("x.bin"), "hello, world, this is not lamarck");
  write_file_atomic(path("x.json"), "{\"weights\": [1, 2]}");
  Sample s;
  expect_file_error([&] { load_binary(path("x.bin"), "sample", 1, s); }, "not a lamarck binary file");
  expect_file_error([&] { load_json(path("x.json"), "sample", 1, s); }, "no \"lamarck\" header");
  expect_file_error([&] { load_json(path("missing.json"), "sample", 1, s); }, "cannot open");
}

TEST_F(SerializeTest, JsonWithMissingFieldsIsRefused) {
  write_file_atomic(path("y.json"),
                    "{\"lamarck\": {\"kind\": \"sample\", \"version\": 1}, \"data\": {\"name\": \"x\"}}");
  Sample s;
  expect_file_error([&] { load_json(path("y.json"), "sample", 1, s); }, "cannot read");
}

TEST_F(SerializeTest, AtomicWriteReplacesAndLeavesNoTemporaries) {
  write_file_atomic(path("f"), "first");
  write_file_atomic(path("f"), "second");
  EXPECT_EQ(read_file(path("f")), "second");
  int entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    (void)entry;
    ++entries;
  }
  EXPECT_EQ(entries, 1);
  EXPECT_THROW(write_file_atomic(path("no/such/dir/f"), "x"), FileError);
}

}  // namespace
}  // namespace lamarck
