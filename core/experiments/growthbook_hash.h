// GrowthBook-compatible assignment hashing: which variation (or rollout arm) a user falls into.
//
// These functions reproduce GrowthBook's JavaScript SDK (growthbook/growthbook,
// packages/sdk-js/src/util.ts: `hash`, `getBucketRanges`, `chooseVariation`, `getEqualWeights`,
// `inNamespace`), so that an assignment computed here equals the one GrowthBook would compute for
// the same experiment. Checked against GrowthBook's shared test cases
// (/work/shared/vectors/growthbook-cases.json). Use hash version 2 (GrowthBook's unbiased
// algorithm) and seed it per experiment (GrowthBook's `seed`, defaulting to the experiment key),
// so that assignments of different experiments are independent:
//
//   std::optional<double> n = GrowthBookHash(experiment_key, user_id, 2);  // in [0, 1)
//   int variation = ChooseVariation(*n, GetBucketRanges(2, /*coverage=*/1.0, std::nullopt));
//
// A blue-green rollout of 10% is `GrowthBookHash(rollout_key, user_id, 2) < 0.1`: a user who is
// in at 10% stays in at 20% and 50%.
//
// Why not the seed's `hash(user_id) % 10` (or `hash(f"{name}:{user_id}") % 100`): Python salts
// str hashing per process (PYTHONHASHSEED), so the same user maps to a different bucket in every
// worker and after every restart. Users flip between versions, the split is neither reproducible
// nor shared with other services, and a simulated run could not be replayed from its seed. The
// functions here depend only on their arguments: no process salt, no global state.
//
// Strings are hashed as their bytes (UTF-8). The JS SDK hashes UTF-16 code units, so the two
// agree on ASCII (every GrowthBook test case, and typical ids and keys) but not on other text.
// All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace agentsim {

// FNV-1a 32-bit (offset basis 0x811c9dc5, prime 0x01000193) of `bytes`.
std::uint32_t Fnv1a32(std::string_view bytes);

// GrowthBook's `hash(seed, value, version)`, a number in [0, 1):
//   version 1: (Fnv1a32(value + seed) % 1000) / 1000   (original, biased; kept for namespaces)
//   version 2: (Fnv1a32(decimal(Fnv1a32(seed + value))) % 10000) / 10000   (unbiased)
// Returns std::nullopt for any other version.
std::optional<double> GrowthBookHash(std::string_view seed, std::string_view value, int version);

// `n` equal weights of 1/n each (not rounded); empty when n <= 0.
std::vector<double> GetEqualWeights(int num_variations);

// GrowthBook's `getBucketRanges`: one range [start, end) per variation. `coverage` (the share of
// users included) is clamped to [0, 1]. `weights` falls back to equal weights when absent, when
// its length differs from `num_variations`, or when its sum lies outside [0.99, 1.01]. Variation
// i starts at the sum of the weights before it and covers coverage * weights[i] from there, so
// reducing coverage shrinks every range without moving its start (users never change variation,
// they only drop out). Empty when num_variations <= 0.
std::vector<std::pair<double, double>> GetBucketRanges(int num_variations, double coverage,
                                                       std::optional<std::vector<double>> weights);

// The index of the first range with start <= n < end, or -1 when `n` is in none (excluded).
int ChooseVariation(double n, const std::vector<std::pair<double, double>>& ranges);

// GrowthBook's `inNamespace`: true when n = GrowthBookHash("__" + namespace_id, hash_value, 1)
// satisfies start <= n < end. Namespaces keep mutually exclusive experiments apart.
bool InNamespace(std::string_view hash_value, std::string_view namespace_id, double start,
                 double end);

}  // namespace agentsim
