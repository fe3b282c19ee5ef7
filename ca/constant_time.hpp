#pragma once
// Comparison of a caller's value with a secret (tokens, keys, signatures, MACs).
#include <string_view>

namespace localca::ca {

// True when equal. The time depends only on candidate's length, never on where the two differ
// nor on the secret's length (the loop runs over the candidate, reading the secret as zeros past
// its end), so neither a prefix nor the length of the secret can be timed.
bool constant_time_equal(std::string_view candidate, std::string_view secret);

} // namespace localca::ca
