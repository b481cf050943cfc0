// Configuration management hot paths: the L1 hit, validating the default configs, and compiling
// a schema versus finding it in the SchemaRegistry.
#include <benchmark/benchmark.h>

#include "core/async/event_loop.h"
#include "core/config/config_validator.h"
#include "core/config/configuration_store.h"
#include "core/schema/schema_registry.h"
#include "mocks/in_memory_document_store.h"
#include "scenarios/embedded_scenarios.h"
#include "sim/file_source.h"

namespace agentsim {
namespace {

std::string DefaultConfigText(const char* name) {
  EmbeddedFileSource files(embedded::Files());
  return *files.Read(std::string("configs/") + name);
}

Task<void> Lookups(ConfigurationStore* store, int n, std::uint64_t* found) {
  for (int i = 0; i < n; ++i) {
    auto config = co_await store->GetAgentConfig("interview-strict-v1");
    *found += config.has_value();
  }
}

// GetAgentConfig answered from a warm L1 (the per-turn config fetch).
void BM_ConfigStoreL1Hit(benchmark::State& state) {
  EventLoop loop;
  InMemoryDocumentStoreOptions options;
  options.latency_ms = LogNormalSpec{0, 0};
  InMemoryDocumentStore l3(&loop, Rng(1), options);
  ConfigRecord record{"interview-strict-v1", "1.0.0", "acme-hr",
                      DefaultConfigText("interview-strict-v1.json"), true, false, 0, "bench"};
  (void)l3.Seed(record);
  ConfigurationStoreOptions store_options;
  store_options.l1_ttl_us = INT64_MAX / 2;
  ConfigurationStore store(&l3, nullptr, &loop, Rng(2), store_options);
  std::uint64_t found = 0;
  loop.Spawn(Lookups(&store, 1, &found), "warm");
  loop.Run();
  const int batch = 1000;
  for (auto _ : state) {
    loop.Spawn(Lookups(&store, batch, &found), "lookups");
    loop.Run();
  }
  benchmark::DoNotOptimize(found);
  state.SetItemsProcessed(state.iterations() * batch);
}
BENCHMARK(BM_ConfigStoreL1Hit);

// ValidateAgentConfig over the two default interview configs (parse included).
void BM_ValidateDefaultConfigs(benchmark::State& state) {
  const std::string strict = DefaultConfigText("interview-strict-v1.json");
  const std::string friendly = DefaultConfigText("interview-friendly-v1.json");
  std::size_t problems = 0;
  for (auto _ : state) {
    for (const std::string* text : {&strict, &friendly}) {
      auto doc = JsonDocument::Parse("config", *text);
      problems += ValidateAgentConfig(*doc).size();
    }
  }
  if (problems != 0) state.SkipWithError("the default configs should be valid");
  state.SetItemsProcessed(state.iterations() * 2);
}
BENCHMARK(BM_ValidateDefaultConfigs);

// Compiling the interview schema from its JSON every time.
void BM_SchemaCompile(benchmark::State& state) {
  auto doc = JsonDocument::Parse("config", DefaultConfigText("interview-strict-v1.json"));
  for (auto _ : state) {
    auto schema = DynamicSchema::Compile(*doc, "/schema_config");
    benchmark::DoNotOptimize(schema);
  }
}
BENCHMARK(BM_SchemaCompile);

// The same schema found in the registry (key: schema_id + SHA-256 of the canonical JSON).
void BM_SchemaRegistryHit(benchmark::State& state) {
  auto doc = JsonDocument::Parse("config", DefaultConfigText("interview-strict-v1.json"));
  SchemaRegistry registry;
  (void)registry.GetOrCompile(*doc, "/schema_config");
  for (auto _ : state) {
    auto schema = registry.GetOrCompile(*doc, "/schema_config");
    benchmark::DoNotOptimize(schema);
  }
}
BENCHMARK(BM_SchemaRegistryHit);

}  // namespace
}  // namespace agentsim
