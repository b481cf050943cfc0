// A file compiled into the binary (see cmake/Embed.cmake): its path relative to the folder it
// was embedded from, and its bytes. The bytes live for the whole program.
#pragma once

#include <string_view>

namespace agentsim {

struct EmbeddedFile {
  std::string_view path;
  std::string_view data;
};

}  // namespace agentsim
