#include "server/enos/options.hpp"

namespace localca::server::enos {

bool parse_auth_mode(const std::string& name, auth_mode* out) {
    if (name == "strict") {
        *out = auth_mode::strict;
    } else if (name == "token") {
        *out = auth_mode::token;
    } else if (name == "off") {
        *out = auth_mode::off;
    } else if (name == "unverified-token") {
        *out = auth_mode::unverified_token;
    } else {
        return false;
    }
    return true;
}

const char* to_string(auth_mode mode) {
    switch (mode) {
    case auth_mode::strict:
        return "strict";
    case auth_mode::token:
        return "token";
    case auth_mode::off:
        return "off";
    case auth_mode::unverified_token:
        return "unverified-token";
    }
    return "strict";
}

} // namespace localca::server::enos
