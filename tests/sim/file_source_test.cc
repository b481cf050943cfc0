#include "sim/file_source.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace agentsim {
namespace {

std::filesystem::path TempPath(const std::string& name) {
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / "file_source";
  std::filesystem::create_directories(dir);
  const std::filesystem::path path = dir / name;
  std::filesystem::remove(path);
  return path;
}

TEST(ReadFileToStringTest, ReadsARegularFile) {
  const auto path = TempPath("a.json");
  std::ofstream(path, std::ios::binary) << std::string("{}\0x", 4);
  Result<std::string> text = ReadFileToString(path);
  ASSERT_TRUE(text.has_value()) << text.error().message;
  EXPECT_EQ(*text, std::string("{}\0x", 4));
  const auto empty = TempPath("empty.json");
  std::ofstream{empty};
  Result<std::string> nothing = ReadFileToString(empty);
  ASSERT_TRUE(nothing.has_value()) << nothing.error().message;
  EXPECT_EQ(*nothing, "");
}

TEST(ReadFileToStringTest, RefusesDevicesThatNeverEnd) {
  Result<std::string> zero = ReadFileToString("/dev/zero");
  ASSERT_FALSE(zero.has_value());
  EXPECT_EQ(zero.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(zero.error().message, "/dev/zero: expected a regular file, found a character device");
}

TEST(ReadFileToStringTest, RefusesAFifoWithoutBlocking) {
  const auto path = TempPath("fifo");
  ASSERT_EQ(mkfifo(path.c_str(), 0600), 0);
  Result<std::string> fifo = ReadFileToString(path);
  ASSERT_FALSE(fifo.has_value());
  EXPECT_EQ(fifo.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(fifo.error().message,
            path.string() + ": expected a regular file, found a FIFO (named pipe)");
}

TEST(ReadFileToStringTest, RefusesFilesAboveTheSizeLimit) {
  EXPECT_EQ(kMaxInputFileBytes, 256u * 1024 * 1024);
  const auto path = TempPath("huge.json");
  std::ofstream{path};
  std::filesystem::resize_file(path, kMaxInputFileBytes + 1);  // sparse: no disk used
  Result<std::string> huge = ReadFileToString(path);
  ASSERT_FALSE(huge.has_value());
  EXPECT_EQ(huge.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(huge.error().message,
            path.string() +
                ": file too large: more than the 256 MiB (268435456 bytes) an input may hold");
  std::filesystem::remove(path);
}

TEST(ReadFileToStringTest, MissingFileAndFolderKeepTheirErrors) {
  Result<std::string> missing = ReadFileToString(TempPath("absent.json"));
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().message, "no such file: " + TempPath("absent.json").string());
  Result<std::string> folder = ReadFileToString(::testing::TempDir());
  ASSERT_FALSE(folder.has_value());
  EXPECT_EQ(folder.error().code, ErrorCode::kInvalidArgument);
}

// A name with a control character (from the command line, say) is shown escaped: the message
// goes to a terminal.
TEST(ReadFileToStringTest, ControlCharactersInThePathAreEscaped) {
  Result<std::string> missing = ReadFileToString("no\x1b[31mpe.json");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().message, "no such file: no<U+001B>[31mpe.json");
}

}  // namespace
}  // namespace agentsim
