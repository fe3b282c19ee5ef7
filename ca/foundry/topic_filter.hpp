#pragma once
// MQTT topic filters (MQTT 3.1.1 section 4.7, 5.0 section 4.7), the unit of a topic policy.
#include "ca/errc.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace localca::ca::foundry {

// Accepts a filter when:
//  - it is not empty and at most 65535 bytes of well-formed UTF-8 (no overlong forms, no
//    surrogates, nothing above U+10FFFF);
//  - '+' is a whole level and '#' is the whole last level ("a/+/b", "a/#", "#", "+");
//  - it has no control character (U+0000-U+001F, U+007F-U+009F). MQTT forbids U+0000 and says
//    the others SHOULD NOT appear; we refuse them because policies end up in line-based broker
//    files (a newline would start a new ACL line);
//  - it neither starts nor ends with a space, which brokers' ACL files trim away (the policy
//    would silently grant another filter).
// Error: invalid_topic_filter, with a detail that names the problem.
status check_topic_filter(std::string_view filter);

// check_topic_filter() on each; the policy must not be empty. The detail names the index of
// the first bad filter ("topics[2]: ..."). Exact duplicates are removed, first one kept.
result<std::vector<std::string>> check_topic_policy(std::vector<std::string> filters);

} // namespace localca::ca::foundry
