#include "core/schema/schema_registry.h"

#include <string>
#include <string_view>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/config/agent_config.h"

namespace agentsim {
namespace {

using ::testing::HasSubstr;

// The seed's interview schema (as in scenarios/configs/interview-strict-v1.json), abridged.
constexpr const char* kInterviewSchema = R"({"schema_id": "interview_v1", "fields": [
  {"field_name": "system_response", "field_type": "str", "required": true,
   "constraints": {"min_length": 1, "max_length": 600}},
  {"field_name": "internal_assessment", "field_type": "str", "required": false,
   "metadata": {"hidden": true, "category": "internal"}},
  {"field_name": "credibility_score", "field_type": "int", "constraints": {"ge": 0, "le": 100}}]})";

// The same content, other key order and formatting.
constexpr const char* kInterviewSchemaReordered = R"({"fields": [
  {"field_type": "str", "field_name": "system_response", "required": true,
   "constraints": {"max_length": 600, "min_length": 1}},
  {"required": false, "field_name": "internal_assessment", "field_type": "str",
   "metadata": {"category": "internal", "hidden": true}},
  {"constraints": {"le": 100, "ge": 0}, "field_name": "credibility_score", "field_type": "int"}],
  "schema_id": "interview_v1"})";

// Same schema_id, one more optional field (schema evolution): different content.
constexpr const char* kInterviewSchemaEvolved = R"({"schema_id": "interview_v1", "fields": [
  {"field_name": "system_response", "field_type": "str", "required": true,
   "constraints": {"min_length": 1, "max_length": 600}},
  {"field_name": "internal_assessment", "field_type": "str", "required": false,
   "metadata": {"hidden": true, "category": "internal"}},
  {"field_name": "credibility_score", "field_type": "int", "constraints": {"ge": 0, "le": 100}},
  {"field_name": "sentiment", "field_type": "Literal['positive', 'neutral', 'negative']",
   "required": false}]})";

constexpr const char* kSupportSchema = R"({"schema_id": "support_v1", "fields": [
  {"field_name": "system_response", "field_type": "str"}]})";

constexpr const char* kBrokenSchema = R"({"schema_id": "broken_v1", "fields": [
  {"field_name": "system_response", "field_type": "string"}]})";

constexpr std::string_view kAgentTemplate = R"({"agent_id": "$AGENT_ID", "version": "1.0.0",
  "tenant_config": {"tenant_id": "acme-hr", "tier": "enterprise"},
  "prompt_config": {"system_prompt": "You are a strict technical interviewer."},
  "schema_config": $SCHEMA,
  "llm_config": {"provider": "openai", "model": "gpt-4o-mini", "temperature": 0.3},
  "tts_config": {"provider": "openai", "voice": "onyx"}})";

std::string AgentJson(const std::string& agent_id, const std::string& schema_json) {
  std::string text(kAgentTemplate);
  text.replace(text.find("$AGENT_ID"), 9, agent_id);
  return text.replace(text.find("$SCHEMA"), 7, schema_json);
}

Result<AgentConfig> Parse(const std::string& agent_id, const std::string& schema_json,
                          SchemaRegistry* registry) {
  return ParseAgentConfig(agent_id + ".json", AgentJson(agent_id, schema_json), registry);
}

TEST(SchemaRegistryTest, ConfigsWithTheSameSchemaShareOneCompiledSchema) {
  SchemaRegistry registry;
  Result<AgentConfig> a = Parse("interview-strict-v1", kInterviewSchema, &registry);
  Result<AgentConfig> b = Parse("interview-friendly-v1", kInterviewSchemaReordered, &registry);
  ASSERT_TRUE(a) << a.error().ToString();
  ASSERT_TRUE(b) << b.error().ToString();
  EXPECT_EQ(a->schema.fields().data(), b->schema.fields().data());  // one compiled form
  EXPECT_EQ(b->schema.fields().size(), 3u);
  EXPECT_EQ(registry.size(), 1u);
  EXPECT_EQ(registry.stats().hits, 1u);
  EXPECT_EQ(registry.stats().misses, 1u);
  EXPECT_EQ(registry.stats().compiles, 1u);
}

TEST(SchemaRegistryTest, WithoutRegistryEveryConfigCompilesItsOwn) {
  Result<AgentConfig> a = Parse("interview-strict-v1", kInterviewSchema, nullptr);
  Result<AgentConfig> b = Parse("interview-friendly-v1", kInterviewSchema, nullptr);
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->schema.fields().data(), b->schema.fields().data());
}

struct Counts {
  std::uint64_t hits;
  std::uint64_t misses;
  std::uint64_t compiles;
  std::size_t size;
};

struct SequenceCase {
  const char* name;
  std::vector<const char*> schemas;  // parsed in order, each in its own agent config
  Counts expected;
};

class SchemaRegistrySequenceTest : public ::testing::TestWithParam<SequenceCase> {};

TEST_P(SchemaRegistrySequenceTest, CountsHitsMissesAndCompiles) {
  const SequenceCase& c = GetParam();
  SchemaRegistry registry;
  for (std::size_t i = 0; i < c.schemas.size(); ++i) {
    (void)Parse("agent-" + std::to_string(i) + "-v1", c.schemas[i], &registry);
  }
  EXPECT_EQ(registry.stats().hits, c.expected.hits);
  EXPECT_EQ(registry.stats().misses, c.expected.misses);
  EXPECT_EQ(registry.stats().compiles, c.expected.compiles);
  EXPECT_EQ(registry.size(), c.expected.size);
}

INSTANTIATE_TEST_SUITE_P(
    Sequences, SchemaRegistrySequenceTest,
    ::testing::Values(
        SequenceCase{"OneSchemaThreeTimes",
                     {kInterviewSchema, kInterviewSchema, kInterviewSchemaReordered},
                     Counts{.hits = 2, .misses = 1, .compiles = 1, .size = 1}},
        SequenceCase{"TwoSchemasInterleaved",
                     {kInterviewSchema, kSupportSchema, kInterviewSchema, kSupportSchema},
                     Counts{.hits = 2, .misses = 2, .compiles = 2, .size = 2}},
        SequenceCase{"EvolvedContentUnderTheSameIdIsAnotherEntry",
                     {kInterviewSchema, kInterviewSchemaEvolved, kInterviewSchemaEvolved},
                     Counts{.hits = 1, .misses = 2, .compiles = 2, .size = 2}},
        SequenceCase{"BrokenSchemasAreNeverCached",
                     {kBrokenSchema, kBrokenSchema},
                     Counts{.hits = 0, .misses = 2, .compiles = 0, .size = 0}}),
    [](const ::testing::TestParamInfo<SequenceCase>& param_info) { return param_info.param.name; });

TEST(SchemaRegistryTest, BrokenSchemaErrorsNameEachDocument) {
  SchemaRegistry registry;
  Result<AgentConfig> first = Parse("first-v1", kBrokenSchema, &registry);
  Result<AgentConfig> second = Parse("second-v1", kBrokenSchema, &registry);
  ASSERT_FALSE(first);
  ASSERT_FALSE(second);
  EXPECT_THAT(first.error().message,
              HasSubstr("first-v1.json:5:51: /schema_config/fields/0/field_type"));
  EXPECT_THAT(second.error().message,
              HasSubstr("second-v1.json:5:51: /schema_config/fields/0/field_type"));
}

TEST(SchemaRegistryTest, BareValuesAreKeyedByCanonicalContent) {
  SchemaRegistry registry;
  const nlohmann::json a = nlohmann::json::parse(kInterviewSchema);
  const nlohmann::json b = nlohmann::json::parse(kInterviewSchemaReordered);
  EXPECT_EQ(SchemaRegistry::KeyOf(a), SchemaRegistry::KeyOf(b));
  EXPECT_EQ(SchemaRegistry::KeyOf(a).first, "interview_v1");
  EXPECT_EQ(SchemaRegistry::KeyOf(a).second.size(), 64u);
  Result<DynamicSchema> first = registry.GetOrCompile(a);
  Result<DynamicSchema> second = registry.GetOrCompile(b);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->fields().data(), second->fields().data());
  EXPECT_EQ(registry.stats().hits, 1u);
  EXPECT_NE(SchemaRegistry::KeyOf(a),
            SchemaRegistry::KeyOf(nlohmann::json::parse(kInterviewSchemaEvolved)));
}

TEST(SchemaRegistryTest, CopiesOfADynamicSchemaShareItsCompiledForm) {
  Result<DynamicSchema> schema = DynamicSchema::Compile(nlohmann::json::parse(kSupportSchema));
  ASSERT_TRUE(schema);
  const DynamicSchema copy = *schema;  // NOLINT(performance-unnecessary-copy-initialization)
  EXPECT_EQ(copy.fields().data(), schema->fields().data());
  EXPECT_EQ(copy.schema_id(), "support_v1");
  const DynamicSchema empty;
  EXPECT_EQ(empty.schema_id(), "");
  EXPECT_TRUE(empty.fields().empty());
  EXPECT_EQ(empty.Find("system_response"), nullptr);
}

}  // namespace
}  // namespace agentsim
