// ConfigValidator: every problem in one agent config document, for `agentsim validate` and for
// ConfigurationStore before it accepts a new version. It runs ParseAgentConfig (types, required
// keys, temperature, schema) and adds the seed's conventions (docs/configuration.md):
//
//   - field names are snake_case ([a-z][a-z0-9]*(_[a-z0-9]+)*), not a dunder name (__x__), not a
//     Python hard keyword (keyword.kwlist; the soft keywords match and type are allowed) and not a
//     C++23 keyword (including the alternative tokens and, or, not, ...);
//   - `version` is strict SemVer 2.0.0 (core/config/semver.h);
//   - `agent_id` is <agent-type>-<variant>-v<major>:
//     ^[a-z][a-z0-9]*(-[a-z0-9]+)+-v(0|[1-9][0-9]*)$ (the variant may span several segments:
//     "customer-service-general-v1"), and <major> equals the major of `version`;
//   - no inline secrets anywhere: a non-empty string under a key that names a secret
//     (NamesSecret), any string that looks like a credential (CredentialKind), and a secret's
//     `..._env` reference that is not an environment variable name ([A-Z_][A-Z0-9_]*).
//
// A document nested more than 64 levels deep gets that one problem and no other check (the
// checks, and nlohmann's copies, recurse per level). Messages never contain the value of a string
// found to be a secret: such values are replaced by "a string (value not shown)" in every line,
// including ParseAgentConfig's.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json/json_document.h"

namespace agentsim {

// Every problem in one agent config document, each "file:line:col: /pointer: message", in a
// stable order: ParseAgentConfig's lines (in its order), then agent_id, version, the agent_id /
// version major, schema field names (in field order), then secrets (object keys in sorted order,
// arrays in index order). Exact duplicates are dropped. Empty when the document is valid.
std::vector<std::string> ValidateAgentConfig(const JsonDocument& doc);

// Parses an agent config file's text (comments allowed; `source_name` names it in messages) and
// validates it: the document when it has no problem; otherwise nullopt, with every problem
// appended to `*problems`: each repeated key (JsonDocument::ParseListingDuplicates) followed by
// ValidateAgentConfig's lines for the rest of the document, or the one syntax error.
std::optional<JsonDocument> ParseValidAgentConfig(std::string source_name, std::string text,
                                                  std::vector<std::string>* problems);

// Whether an object key names a secret, case-insensitively: its last word (words split at '_',
// '-', '.', spaces and camelCase humps) is secret, password, passwd, passphrase, token,
// credential(s) or apikey, or its last two words are api key, private key, secret key, access key
// or signing key. Keys whose last word is "env" are references, not secrets ("api_key_env").
// Examples: "api_key", "OPENAI_API_KEY", "apiKey", "client_secret", "access_token" -> true;
// "max_tokens", "token_limit", "secret_name", "api_key_env" -> false.
bool NamesSecret(std::string_view key);

// What kind of credential `value` contains anywhere, e.g. "an API key (sk-...)", "an AWS access
// key id", "a GitHub token", "a Slack token", "a Google API key", "a bearer token", "a PEM
// private key", "a JSON Web Token", "a Stripe secret key", "a URL with a password"; nullopt
// when it contains none of them.
std::optional<std::string> CredentialKind(std::string_view value);

}  // namespace agentsim
