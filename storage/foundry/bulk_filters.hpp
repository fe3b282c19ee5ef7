#pragma once
// Foundry's keys of bulk revocation: accountId, deviceId (the account's managed certificates),
// and its state hook: a revoked managed certificate becomes INACTIVE and loses its device, as
// the single revocation does (ca/managed_certificate_service.cpp).
#include "storage/bulk_filters.hpp"

namespace localca::storage::foundry {

void add_bulk_filters(bulk_filters& filters);

} // namespace localca::storage::foundry
