#include "ca/constant_time.hpp"

#include <cstddef>

namespace localca::ca {

bool constant_time_equal(std::string_view candidate, std::string_view secret) {
    unsigned char diff = candidate.size() == secret.size() ? 0 : 1;
    for (std::size_t i = 0; i < candidate.size(); ++i) {
        diff |= static_cast<unsigned char>(candidate[i] ^ (i < secret.size() ? secret[i] : 0));
    }
    return diff == 0;
}

} // namespace localca::ca
