#pragma once
// One CSR of an emCA batch against its certificate profile, and the engine request that issues
// it: shared by a call's own issuance (issuance_service.cpp) and an officer's approval
// (officer_queue.cpp), so that both apply the same rules.
#include "ca/emca/issuance_service.hpp"

#include <chrono>
#include <optional>

namespace localca::ca::emca {

// A CSR of the batch against the profile: the authority's policy (check_csr), then the key types
// and required subject attributes of the profile. The errors name the item.
result<subject_key> check_item(const batch_item& item, const issuance_profile& profile);

// The engine request of one checked CSR under `profile` (api "emca"; the caller sets the audit
// context and the AIA switch).
issue_request issue_request_for(const issuance_profile& profile, subject_key sk,
                                std::chrono::seconds validity,
                                std::optional<std::chrono::system_clock::time_point> not_before);

} // namespace localca::ca::emca
