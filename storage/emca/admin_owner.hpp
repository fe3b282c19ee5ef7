#pragma once
// The owner this module's certificates have in the operator API's inventory, and its owner
// filters (storage/admin/owner_registry.hpp).
#include "storage/admin/owner_registry.hpp"

namespace localca::storage::emca {

admin::owner_source admin_owner();

} // namespace localca::storage::emca
