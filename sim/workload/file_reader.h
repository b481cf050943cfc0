// Plugs a scenario's FileSource (sim/file_source.h) into the readers of core/ that load files
// by path, such as empirical distributions (core/rng/distribution_json.h).
#pragma once

#include "core/rng/distribution_json.h"
#include "sim/file_source.h"

namespace agentsim {

// Reads paths relative to `files` (the scenario's folder, or the embedded files), shown in
// messages by FileSource::DisplayPath. Errors are FileSource::Read's. REQUIRES: `files`
// outlives the returned function.
ReadFileFn ReadFromFileSource(const FileSource& files);

}  // namespace agentsim
