// FindDuplicateKey: the first object key written twice in a JSON text.
//
// RFC 8259 (section 4) says an object's names SHOULD be unique and leaves repeats to the reader;
// nlohmann keeps the last value and drops the others without a word, so a scenario with two
// "workload" keys would run half of what its author wrote. JsonDocument::Parse refuses such a
// text (as serde refuses a duplicate field), naming the key's JSON pointer (RFC 6901).
//
// One pass of nlohmann's SAX parser that builds no document (nlohmann's parser callback would
// have done it in the same parse, but its parser rescans an array or object after each child
// container closes: quadratic for 100,000 objects in one array). Linear in the text; one set of
// keys per open object.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace agentsim {

// The JSON pointer of the first key (in text order) that an object of `text` holds twice, keys
// compared decoded ("a" and "\u0061" are the same key) as nlohmann stores them; nullopt when
// there is none. Text that is not valid JSON gives nullopt, or a duplicate found before the
// syntax error (JsonDocument::Parse checks the syntax first). `text` may hold // and /* */
// comments when `allow_comments`.
std::optional<std::string> FindDuplicateKey(std::string_view text, bool allow_comments);

}  // namespace agentsim
