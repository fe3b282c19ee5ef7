#pragma once
// This module's lists in the operator API's browse routes (storage/admin/browse.hpp,
// docs/admin-api.md "Browse").
#include "storage/admin/browse.hpp"

#include <vector>

namespace localca::storage::enos {

std::vector<admin::browse_source> admin_browse();

} // namespace localca::storage::enos
