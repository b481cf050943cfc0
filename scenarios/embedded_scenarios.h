// Files of scenarios/ compiled into the binary (see scenarios/CMakeLists.txt): the default
// scenario ("default.json") and the configs and corpora it names.
#pragma once

#include <span>

#include "core/util/embedded_file.h"

namespace agentsim::embedded {

inline constexpr const char* kDefaultScenario = "default.json";

std::span<const agentsim::EmbeddedFile> Files();

}  // namespace agentsim::embedded
