#pragma once
// The profile of lab certificate fixtures (tools/localca/seed_fixtures.hpp): the device profile
// under its own name, stored with each fixture so that the inventory tells them apart. It is the
// one profile whose notBefore may precede its root's: a fixture "issued 400 days ago" must
// exist on a data dir whose roots were made at `init`, minutes before. RFC 5280 does not ask a
// certificate's validity to nest in its issuer's; path validation checks the time alone.
#include "ca/profile.hpp"

#include <string_view>

namespace localca::ca {

inline constexpr std::string_view k_lab_fixture_profile = "lab-fixture";

inline bool may_predate_issuer(const certificate_profile& p) {
    return p.name == k_lab_fixture_profile;
}

} // namespace localca::ca
